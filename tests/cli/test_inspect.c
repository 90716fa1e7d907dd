// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen list and typegen show, on the committed 6.18 kernel's BTF:
 * list against a walk of the BTF with libbpf, show's layout summaries
 * against pahole's for a hundred kernel structs, and show --with on two
 * fixture "kernels" whose struct changed.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "tg_test.h"

static char *kernel;
static char *cli;
static struct btf *kbtf;

static int setup(void **state)
{
	(void)state;
	kernel = tg_test_fixture("vmlinux-6.18.44.btf");
	cli = tg_test_cli();
	kbtf = btf__parse(kernel, NULL);
	return kbtf ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	btf__free(kbtf);
	free(kernel);
	free(cli);
	return 0;
}

static int run_cli(const char *args, char **out, char **err)
{
	char *cmd = tg_test_path("%s %s", cli, args);
	int rc = tg_test_run(cmd, out, err);

	free(cmd);
	return rc;
}

/* ------------------------------------------------------------------------
 * list
 */

static void test_list_matches_btf(void **state)
{
	char *args = tg_test_path("list -i %s 'sk_*' --kind struct", kernel);
	char *out = NULL, *line, *save = NULL;
	__u32 id, n = btf__type_cnt(kbtf);
	int expected = 0, seen = 0;

	(void)state;
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(kbtf, id);

		if (btf_is_struct(t) &&
		    !fnmatch("sk_*", btf__name_by_offset(kbtf, t->name_off), 0))
			expected++;
	}
	assert_true(expected > 10);
	assert_int_equal(run_cli(args, &out, NULL), 0);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char kind[16], size[24], name[256];
		const struct btf_type *t;

		assert_int_equal(sscanf(line, "%u %15s %23s %255s", &id, kind,
					size, name), 4);
		t = btf__type_by_id(kbtf, id);
		assert_non_null(t);
		assert_true(btf_is_struct(t));
		assert_string_equal(kind, "struct");
		assert_string_equal(name, btf__name_by_offset(kbtf, t->name_off));
		assert_int_equal(strtoul(size, NULL, 10), t->size);
		seen++;
	}
	assert_int_equal(seen, expected);
	free(out);
	free(args);
}

static void test_list_kfuncs_and_json(void **state)
{
	char *args = tg_test_path("list -i %s --kind kfunc", kernel);
	char *out = NULL, *json = NULL, *p;
	int lines, objects = 0;

	(void)state;
	assert_int_equal(run_cli(args, &out, NULL), 0);
	lines = tg_test_count_lines(out);
	/* the 6.18 kernel tags 203 functions bpf_kfunc */
	assert_int_equal(lines, 203);
	assert_non_null(strstr(out, "  kfunc           -  bpf_rcu_read_lock\n"));
	free(args);

	args = tg_test_path("list -i %s --kind kfunc -j", kernel);
	assert_int_equal(run_cli(args, &json, NULL), 0);
	assert_int_equal(json[0], '[');
	for (p = json; (p = strstr(p, "{\"id\":")); p++)
		objects++;
	assert_int_equal(objects, lines);
	assert_non_null(strstr(json, "\"kind\":\"kfunc\",\"size\":null,\"name\":\"bpf_rcu_read_lock\"}"));
	free(json);
	free(args);
	free(out);
}

static void test_list_bad_kind(void **state)
{
	char *err = NULL;

	(void)state;
	assert_int_equal(run_cli("list --kind structs", NULL, &err), 2);
	assert_string_equal(err, "typegen: option '--kind' does not know 'structs'; try 'typegen list --help'\n");
	free(err);
}

/* ------------------------------------------------------------------------
 * show against pahole
 */

/* The summary numbers of a layout, as pahole and show print them. */
struct summary {
	long size, holes, hole_bytes, bit_holes, bit_hole_bits, padding;
	long bit_padding;
};

static void parse_summary_line(const char *l, struct summary *s)
{
	const char *p;

	/* pahole's "forced holes" are counted in its holes already */
	if (strstr(l, "forced"))
		return;
	if ((p = strstr(l, "/* size: ")))
		s->size = strtol(p + 9, NULL, 10);
	if ((p = strstr(l, " holes: ")) && !strstr(l, "bit holes:")) {
		s->holes = strtol(p + 8, NULL, 10);
		if ((p = strstr(l, "sum holes: ")))
			s->hole_bytes = strtol(p + 11, NULL, 10);
	}
	if ((p = strstr(l, "bit holes: "))) {
		s->bit_holes = strtol(p + 11, NULL, 10);
		if ((p = strstr(l, "sum bit holes: ")))
			s->bit_hole_bits = strtol(p + 15, NULL, 10);
	}
	if ((p = strstr(l, "/* padding: ")))
		s->padding = strtol(p + 12, NULL, 10);
	if ((p = strstr(l, "/* bit_padding: ")))
		s->bit_padding = strtol(p + 16, NULL, 10);
}

/*
 * pahole's output for many structs: the summary of each, by name. Only
 * top-level lines count (a tab, then the comment), not nested types' own.
 */
static bool pahole_summary(const char *text, const char *name,
			   struct summary *s)
{
	char *head = tg_test_path("struct %s {\n", name);
	const char *p = strstr(text, head), *end;

	/* the struct's header at the start of a line */
	while (p && p != text && p[-1] != '\n')
		p = strstr(p + 1, head);
	free(head);
	if (!p)
		return false;
	/* "};" or "} __attribute__((__aligned__(64)));" */
	end = strstr(p, "\n}");
	memset(s, 0, sizeof(*s));
	while (p && p < end) {
		const char *eol = strchr(p, '\n');
		char line[512];
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		if (n < sizeof(line) && !strncmp(p, "\t/* ", 4)) {
			memcpy(line, p, n);
			line[n] = '\0';
			parse_summary_line(line, s);
		}
		p = eol ? eol + 1 : NULL;
	}
	return true;
}

static void test_show_matches_pahole(void **state)
{
	__u32 id, n = btf__type_cnt(kbtf);
	char *names = calloc(1, 1 << 16), *cmd, *pahole_out = NULL;
	const char *list[128];
	size_t len = 0;
	int cnt = 0, i, k = 0;

	(void)state;
	if (tg_test_run("pahole --version", NULL, NULL)) {
		free(names);
		skip();	/* dwarves not installed: scripts/deps.sh test has it */
	}
	/* every 97th named struct: a spread over the whole kernel */
	for (id = 1; id < n && cnt < 100; id++) {
		const struct btf_type *t = btf__type_by_id(kbtf, id);
		const char *name = btf__name_by_offset(kbtf, t->name_off);

		if (!btf_is_struct(t) || !*name || strstr(name, "___") ||
		    k++ % 97)
			continue;
		list[cnt++] = name;
		len += sprintf(names + len, "%s%s", len ? "," : "", name);
	}
	cmd = tg_test_path("pahole -F btf -C '%s' %s 2>/dev/null", names, kernel);
	assert_int_equal(tg_test_run(cmd, &pahole_out, NULL), 0);
	free(cmd);
	for (i = 0; i < cnt; i++) {
		struct summary want, got = {};
		char *args, *out = NULL, *line, *save = NULL;

		assert_true(pahole_summary(pahole_out, list[i], &want));
		args = tg_test_path("show -i %s 'struct %s'", kernel, list[i]);
		assert_int_equal(run_cli(args, &out, NULL), 0);
		for (line = strtok_r(out, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			if (!strncmp(line, "        /* ", 11))
				parse_summary_line(line, &got);
		if (memcmp(&want, &got, sizeof(want)))
			fail_msg("struct %s: pahole size %ld holes %ld/%ld bit holes %ld/%ld padding %ld/%ld; typegen size %ld holes %ld/%ld bit holes %ld/%ld padding %ld/%ld",
				 list[i], want.size, want.holes, want.hole_bytes,
				 want.bit_holes, want.bit_hole_bits, want.padding,
				 want.bit_padding, got.size, got.holes,
				 got.hole_bytes, got.bit_holes, got.bit_hole_bits,
				 got.padding, got.bit_padding);
		free(out);
		free(args);
	}
	printf("  %d structs: size, holes, bit holes and paddings as pahole's\n",
	       cnt);
	free(pahole_out);
	free(names);
}

/* One member of a struct shown on its own line with offset and size. */
static void test_show_members(void **state)
{
	char *fx = tg_test_fixture("layout_v1.bpf.o");
	char *args = tg_test_path("show conn -i %s", fx);
	char *out = NULL;

	(void)state;
	assert_int_equal(run_cli(args, &out, NULL), 0);
	assert_non_null(strstr(out, "struct conn {\n"));
	assert_non_null(strstr(out, "        int state;                                      /*        0        4 */\n"
				    "        /* XXX 4 bytes hole */\n"
				    "        long bytes;                                     /*        8        8 */\n"));
	assert_non_null(strstr(out, "        unsigned int kind:3;                            /*    17: 0   3 bits */\n"));
	assert_non_null(strstr(out, "        /* XXX 20 bits hole */\n        /* XXX 4 bytes hole */\n        union {"));
	assert_non_null(strstr(out, "                void *handle;                           /*       24        8 */\n"));
	assert_non_null(strstr(out, "        /* padding: 6 */\n"));
	free(out);
	free(args);
	free(fx);
}

static void test_show_with(void **state)
{
	char *v1 = tg_test_fixture("layout_v1.bpf.o");
	char *v2 = tg_test_fixture("layout_v2.bpf.o");
	char *args = tg_test_path("show 'struct conn' -i %s --with %s", v1, v2);
	char *out = NULL;

	(void)state;
	assert_int_equal(run_cli(args, &out, NULL), 0);
	assert_non_null(strstr(out, "struct conn: size 40 -> 32 (-8)\n"));
	assert_non_null(strstr(out, "  bytes                            8 +8               8 +8               \n"));
	assert_non_null(strstr(out, "  flag                             16 +1              16 +4              resized\n"));
	assert_non_null(strstr(out, "  kind                             17: 0 +3 bits      20: 0 +3 bits      retyped\n"));
	assert_non_null(strstr(out, "  dir                              17: 3 +1 bits      20: 3 +1 bits      moved\n"));
	assert_non_null(strstr(out, "  old_field                        32 +2              -                  removed\n"));
	assert_non_null(strstr(out, "  new_field                        -                  4 +4               added\n"));
	assert_non_null(strstr(out, "\n5 members changed\n"));
	free(out);
	free(args);

	args = tg_test_path("show conn -i %s --with %s -j", v1, v2);
	assert_int_equal(run_cli(args, &out, NULL), 0);
	assert_non_null(strstr(out, "\"old_size\":40,\"new_size\":32,"));
	assert_non_null(strstr(out, "{\"name\":\"new_field\",\"change\":\"added\",\"old\":null,\"new\":{"));
	assert_non_null(strstr(out, "\"changed\":5}"));
	free(out);
	free(args);
	free(v1);
	free(v2);
}

static void test_show_enum(void **state)
{
	char *args = tg_test_path("show -i %s 'enum tcp_ca_state'", kernel);
	char *out = NULL;

	(void)state;
	assert_int_equal(run_cli(args, &out, NULL), 0);
	assert_non_null(strstr(out, "enum tcp_ca_state {\t/* size: 4, unsigned */\n\tTCP_CA_Open = 0,\n"));
	assert_non_null(strstr(out, "\tTCP_CA_Loss = 4,\n};\n"));
	free(out);
	free(args);
}

static void test_show_errors(void **state)
{
	char *args = tg_test_path("show -i %s no_such_type", kernel);
	char *err = NULL, *want;

	(void)state;
	assert_int_equal(run_cli(args, NULL, &err), 1);
	want = tg_test_path("typegen: %s: no type called 'no_such_type'\n", kernel);
	assert_string_equal(err, want);
	free(want);
	free(err);
	free(args);

	args = tg_test_path("show -i %s u32", kernel);
	assert_int_equal(run_cli(args, NULL, &err), 1);
	want = tg_test_path("typegen: %s: 'u32' is not a struct, union or enum: no layout to show\n",
			    kernel);
	assert_string_equal(err, want);
	free(want);
	free(err);
	free(args);

	assert_int_equal(run_cli("show", NULL, &err), 2);
	assert_string_equal(err, "typegen: show needs a TYPE; try 'typegen show --help'\n");
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_matches_btf),
		cmocka_unit_test(test_list_kfuncs_and_json),
		cmocka_unit_test(test_list_bad_kind),
		cmocka_unit_test(test_show_matches_pahole),
		cmocka_unit_test(test_show_members),
		cmocka_unit_test(test_show_with),
		cmocka_unit_test(test_show_enum),
		cmocka_unit_test(test_show_errors),
	};

	tg_test_silence_libbpf();
	return cmocka_run_group_tests(tests, setup, teardown);
}
