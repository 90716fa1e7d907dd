// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Headers of selected types (tg_c_dumper__select(), typegen dump -t) and
 * the kfunc prototypes, on the committed 6.18 kernel's BTF: what is in a
 * selection and what is not, that it compiles on its own, and that every
 * type it defines compiles back (clang -g) to the kernel's layout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "tg_test.h"
#include "roundtrip.h"
#include "typegen.h"

static struct tg_btf *kernel;
static char *tmpdir;

static int setup(void **state)
{
	char *path = tg_test_fixture("vmlinux-6.18.44.btf");
	int err;

	(void)state;
	tmpdir = tg_test_mkdtemp();
	err = tg_btf__open(path, NULL, &kernel);
	free(path);
	return err;
}

static int teardown(void **state)
{
	(void)state;
	tg_btf__free(kernel);
	tg_test_rmtree(tmpdir);
	free(tmpdir);
	return 0;
}

/* The header @d writes, as a string. */
static char *header_of(struct tg_c_dumper *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(tg_c_dumper__dump(d, f), 0);
	fclose(f);
	return buf;
}

static struct tg_c_dumper *new_dumper(enum tg_pointee pointee)
{
	TG_OPTS(tg_c_opts, opts, .pointee = pointee);
	struct tg_c_dumper *d;

	assert_int_equal(tg_c_dumper__new(kernel, &opts, &d), 0);
	return d;
}

static bool defines(const char *hdr, const char *what)
{
	char *needle = tg_test_path("\n%s {\n", what);
	bool r = strstr(hdr, needle) != NULL;

	free(needle);
	return r;
}

static bool declares(const char *hdr, const char *what)
{
	char *needle = tg_test_path("\n%s;\n", what);
	bool r = strstr(hdr, needle) != NULL;

	free(needle);
	return r;
}

/* Names of the composites and enums @hdr defines: those are compared. */
struct subset {
	struct tg_c_dumper *d;
	const char *hdr;
};

static const char *subset_name(void *ctx, __u32 id)
{
	struct subset *s = ctx;
	const struct btf_type *t = btf__type_by_id(tg_btf__btf(kernel), id);
	const char *name = tg_c_dumper__name(s->d, id);
	char what[512];

	if (!name || !(btf_is_composite(t) || btf_is_any_enum(t)))
		return NULL;
	snprintf(what, sizeof(what), "%s %s",
		 btf_is_struct(t) ? "struct" : btf_is_union(t) ? "union" : "enum",
		 name);
	return defines(s->hdr, what) ? name : NULL;
}

/*
 * The header compiles with -Wall -Werror, and every struct, union and
 * enum it defines comes back from clang -g as in the kernel. Returns how
 * many were compared.
 */
static int check_compiles_back(struct tg_c_dumper *d, const char *hdr,
			       const char *tag)
{
	char *hpath = tg_test_path("%s/%s.h", tmpdir, tag);
	char *obj = tg_test_path("%s/%s.o", tmpdir, tag);
	struct subset s = { .d = d, .hdr = hdr };
	struct rt_result res = {};
	char *diag = NULL;
	struct btf *out;

	assert_int_equal(tg_test_write_file(hpath, hdr, strlen(hdr)), 0);
	if (rt_compile_uses(tg_btf__btf(kernel), subset_name, &s, hpath, obj,
			    true, &diag))
		fail_msg("%s does not compile:\n%s", hpath, diag ? diag : "");
	out = btf__parse_elf(obj, NULL);
	assert_non_null(out);
	assert_int_equal(rt_compare(tg_btf__btf(kernel), subset_name, &s, out,
				    stderr, &res), 0);
	assert_int_equal(res.diffs, 0);
	free(res.bad_ids);
	btf__free(out);
	free(diag);
	free(hpath);
	free(obj);
	return res.checked;
}

static void test_select_struct_fwd(void **state)
{
	struct tg_c_dumper *d = new_dumper(TG_POINTEE_FWD);
	char *hdr;
	int n;

	(void)state;
	assert_int_equal(tg_c_dumper__select(d, "struct task_struct"), 1);
	hdr = header_of(d);
	assert_true(defines(hdr, "struct task_struct"));
	/* by value: a member's type */
	assert_true(defines(hdr, "struct sched_entity"));
	assert_true(defines(hdr, "struct list_head"));
	/* through pointers only: declared */
	assert_true(declares(hdr, "struct mm_struct"));
	assert_false(defines(hdr, "struct mm_struct"));
	assert_false(defines(hdr, "struct sk_buff"));
	assert_null(strstr(hdr, "__ksym"));
	n = check_compiles_back(d, hdr, "task_fwd");
	printf("  struct task_struct, --pointee=fwd: %d lines, %d types compared\n",
	       tg_test_count_lines(hdr), n);
	assert_true(n > 50);
	free(hdr);
	tg_c_dumper__free(d);
}

static void test_select_struct_full(void **state)
{
	struct tg_c_dumper *d = new_dumper(TG_POINTEE_FULL);
	char *hdr;
	int n;

	(void)state;
	assert_int_equal(tg_c_dumper__select(d, "struct task_struct"), 1);
	hdr = header_of(d);
	assert_true(defines(hdr, "struct task_struct"));
	assert_true(defines(hdr, "struct mm_struct"));
	/* and what mm_struct points to, in turn */
	assert_true(defines(hdr, "struct vm_area_struct"));
	n = check_compiles_back(d, hdr, "task_full");
	printf("  struct task_struct, --pointee=full: %d lines, %d types compared\n",
	       tg_test_count_lines(hdr), n);
	free(hdr);
	tg_c_dumper__free(d);
}

/* Globs, kinds, typedefs, kfuncs, and the patterns that match nothing. */
static void test_select_patterns(void **state)
{
	struct tg_c_dumper *d = new_dumper(TG_POINTEE_FWD);
	char *hdr;
	int all, structs;

	(void)state;
	structs = tg_c_dumper__select(d, "struct bpf_*");
	assert_true(structs > 100);
	tg_c_dumper__free(d);

	d = new_dumper(TG_POINTEE_FWD);
	all = tg_c_dumper__select(d, "bpf_*");
	/* unions, enums, typedefs and kfuncs too */
	assert_true(all > structs);
	hdr = header_of(d);
	assert_true(defines(hdr, "struct bpf_map"));
	assert_true(defines(hdr, "union bpf_attr"));
	assert_true(defines(hdr, "enum bpf_map_type"));
	assert_non_null(strstr(hdr, "extern void bpf_rcu_read_lock(void) __weak __ksym;"));
	check_compiles_back(d, hdr, "bpf_glob");
	free(hdr);
	tg_c_dumper__free(d);

	d = new_dumper(TG_POINTEE_FWD);
	assert_int_equal(tg_c_dumper__select(d, "u64"), 1);
	assert_int_equal(tg_c_dumper__select(d, "enum  tcp_ca_state"), 1);
	assert_int_equal(tg_c_dumper__select(d, "bpf_task_acquire"), 1);
	hdr = header_of(d);
	assert_non_null(strstr(hdr, "\ntypedef __u64 u64;\n"));
	assert_non_null(strstr(hdr, "\ntypedef long long unsigned int __u64;\n"));
	assert_true(defines(hdr, "enum tcp_ca_state"));
	assert_non_null(strstr(hdr, "extern struct task_struct *bpf_task_acquire(struct task_struct *p) __weak __ksym;"));
	assert_true(declares(hdr, "struct task_struct"));
	assert_false(defines(hdr, "struct task_struct"));
	check_compiles_back(d, hdr, "mixed");
	free(hdr);

	assert_int_equal(tg_c_dumper__select(d, "struct tcp_ca_state"),
			 -TG_ERRNO__NOMATCH);
	assert_int_equal(tg_c_dumper__select(d, "no_such_*"), -TG_ERRNO__NOMATCH);
	assert_int_equal(tg_c_dumper__select(d, "struct "), -EINVAL);
	assert_int_equal(tg_c_dumper__select(NULL, "u64"), -EINVAL);
	tg_test_assert_message(-TG_ERRNO__NOMATCH, "no type matches");
	tg_c_dumper__free(d);
}

/*
 * An anonymous enum written inline in one struct cannot be written on
 * its own as well: selecting it (by an enumerator, as --for does) brings
 * the struct it is in.
 */
static void test_select_inline_enum_owner(void **state)
{
	struct tg_c_dumper *d = new_dumper(TG_POINTEE_FWD);
	char *src = tg_test_path("%s/irq.bpf.c", tmpdir);
	static const char prog[] =
		"#include \"vmlinux.h\"\n"
		"int f(void) { return IRQ_LOCK_KFUNC; }\n";
	TG_OPTS(tg_src_opts, sopts);
	char *hdr;

	(void)state;
	assert_int_equal(tg_test_write_file(src, prog, strlen(prog)), 0);
	assert_int_equal(tg_c_dumper__select_sources(d, (const char *[]){ src },
						     1, &sopts), 0);
	hdr = header_of(d);
	assert_non_null(strstr(hdr, "IRQ_LOCK_KFUNC = 1,"));
	/* written once, inside the struct that holds it */
	assert_null(strstr(strstr(hdr, "IRQ_LOCK_KFUNC") + 1, "IRQ_LOCK_KFUNC"));
	check_compiles_back(d, hdr, "irq");
	free(hdr);
	free(src);
	tg_c_dumper__free(d);
}

/* ------------------------------------------------------------------------
 * kfunc prototypes in the whole header
 */

static int count_kfunc_tags(const struct btf *btf, char ***names)
{
	__u32 id, n = btf__type_cnt(btf);
	int cnt = 0, i;

	*names = calloc(n, sizeof(**names));
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_type *fn;
		const char *fname;

		if (!btf_is_decl_tag(t) ||
		    strcmp(btf__name_by_offset(btf, t->name_off), "bpf_kfunc"))
			continue;
		fn = btf__type_by_id(btf, t->type);
		fname = btf__name_by_offset(btf, fn->name_off);
		for (i = 0; i < cnt; i++)
			if (!strcmp((*names)[i], fname))
				break;
		if (i == cnt)
			(*names)[cnt++] = (char *)fname;
	}
	return cnt;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_kfunc_prototypes(void **state)
{
	struct tg_c_dumper *d = new_dumper(TG_POINTEE_FWD);
	char *hdr = header_of(d), *p, **names;
	int cnt, i;

	(void)state;
	cnt = count_kfunc_tags(tg_btf__btf(kernel), &names);
	assert_true(cnt > 100);
	qsort(names, cnt, sizeof(*names), str_cmp);
	/* every one, in name order, inside the guard */
	p = strstr(hdr, "#ifndef BPF_NO_KFUNC_PROTOTYPES\n");
	assert_non_null(p);
	for (i = 0; i < cnt; i++) {
		char *needle = tg_test_path("%s(", names[i]);
		char *at = p;

		/* the name, not the tail of a longer one */
		while ((at = strstr(at + 1, needle)) && at[-1] != ' ' &&
		       at[-1] != '*')
			;

		if (!at)
			fail_msg("kfunc %s missing or out of order", names[i]);
		p = at;
		assert_non_null(strstr(at, " __weak __ksym"));
		free(needle);
	}
	assert_int_equal(tg_test_count_lines(strstr(hdr, "#ifndef BPF_NO_KFUNC_PROTOTYPES\n")) -
			 tg_test_count_lines(strstr(p, "\n#endif\n") + 1), cnt + 1);
	assert_non_null(strstr(hdr, " __weak __ksym __bpf_fastcall;\n"));
	printf("  %d kfunc prototypes, sorted\n", cnt);
	free(names);
	free(hdr);
	tg_c_dumper__free(d);
}

/*
 * A program with its own (different) prototype for a kfunc builds with
 * BPF_NO_KFUNC_PROTOTYPES defined, and clashes without it.
 */
static void test_kfunc_guard(void **state)
{
	struct tg_c_dumper *d = new_dumper(TG_POINTEE_FWD);
	char *src = tg_test_path("%s/own.bpf.c", tmpdir);
	char *hdr_path = tg_test_path("%s/vmlinux.h", tmpdir);
	char *hdr = header_of(d), *cmd;
	static const char prog[] =
		"#include \"vmlinux.h\"\n"
		"extern struct task_struct *bpf_task_acquire(void *p) __ksym;\n"
		"int f(void *p) { return bpf_task_acquire(p) != 0; }\n";

	(void)state;
	assert_int_equal(tg_test_write_file(hdr_path, hdr, strlen(hdr)), 0);
	assert_int_equal(tg_test_write_file(src, prog, strlen(prog)), 0);
	cmd = tg_test_path("%s -target bpf -fsyntax-only -Wall -Werror -DBPF_NO_KFUNC_PROTOTYPES -I%s %s",
			   tg_test_clang(), tmpdir, src);
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	free(cmd);
	cmd = tg_test_path("%s -target bpf -fsyntax-only -I%s %s",
			   tg_test_clang(), tmpdir, src);
	assert_int_not_equal(tg_test_run(cmd, NULL, NULL), 0);
	free(cmd);
	free(src);
	free(hdr_path);
	free(hdr);
	tg_c_dumper__free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select_struct_fwd),
		cmocka_unit_test(test_select_struct_full),
		cmocka_unit_test(test_select_patterns),
		cmocka_unit_test(test_select_inline_enum_owner),
		cmocka_unit_test(test_kfunc_prototypes),
		cmocka_unit_test(test_kfunc_guard),
	};

	tg_test_silence_libbpf();
	return cmocka_run_group_tests(tests, setup, teardown);
}
