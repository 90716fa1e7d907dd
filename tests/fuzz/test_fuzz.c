// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The fuzz harnesses' inputs, replayed by the normal suite: the seed
 * corpus (tests/fuzz/seeds.sh, made here from the fixtures) and every
 * input a fuzzer ever crashed on (tests/fixtures/fuzz/<harness>/), run
 * through the harnesses linked without libFuzzer. Under make SANITIZE=1
 * the replays run with ASan, UBSan and the leak checker.
 *
 * The regression inputs also go through the CLI, which must fail the way
 * the README's bad-input table says: exit 1, one line on stderr naming the
 * file, and no output file, not even a temporary one.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tg_test.h"

#define KERNEL "vmlinux-6.18.44.btf"

static char *tmp;	/* seeds/ and out/ */

static int setup(void **state)
{
	char *err = NULL;
	int rc;

	(void)state;
	tmp = tg_test_mkdtemp();
	rc = tg_test_runf(NULL, &err, "TG_BUILD=%s CLANG=%s %s/tests/fuzz/seeds.sh %s/seeds",
			  tg_test_build_dir(), tg_test_clang(),
			  tg_test_src_dir(), tmp);
	if (rc)
		print_error("seeds.sh: %s\n", err ? err : "");
	free(err);
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	tg_test_rmtree(tmp);
	free(tmp);
	return 0;
}

/* The files in @dir, as one shell-quoted string of paths; NULL if none. */
static char *files_in(const char *dir, size_t *cnt)
{
	struct dirent *e;
	char *list = NULL, *next;
	DIR *d = opendir(dir);

	*cnt = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		next = tg_test_path("%s '%s/%s'", list ? list : "", dir,
				    e->d_name);
		free(list);
		list = next;
		(*cnt)++;
	}
	closedir(d);
	return list;
}

/* Replay @dir through harness @h: no crash, and @want_all accepted. */
static void replay_dir(const char *h, const char *dir, bool want_all)
{
	char *out = NULL, *err = NULL, *files, *expect;
	size_t cnt;
	int rc;

	files = files_in(dir, &cnt);
	if (!files)
		return;
	rc = tg_test_runf(&out, &err, "%s/tests/fuzz/replay_%s %s",
			  tg_test_build_dir(), h, files);
	if (rc)
		print_error("replay_%s on %s: exit %d\n%s\n", h, dir, rc, err);
	assert_int_equal(rc, 0);
	expect = tg_test_path("replayed %zu, accepted ", cnt);
	assert_non_null(strstr(out, expect));
	if (want_all) {
		free(expect);
		expect = tg_test_path("replayed %zu, accepted %zu\n", cnt, cnt);
		assert_string_equal(out, expect);
	}
	free(expect);
	free(files);
	free(out);
	free(err);
}

/*
 * @h's seeds (each of which the harness must take as its own: a seed
 * turned away would fuzz nothing) and regression inputs.
 */
static void replay(const char *h)
{
	char *seeds = tg_test_path("%s/seeds/%s", tmp, h);
	char *regress = tg_test_path("%s/tests/fixtures/fuzz/%s",
				     tg_test_src_dir(), h);
	size_t cnt;

	free(files_in(seeds, &cnt));
	assert_true(cnt >= 1);
	replay_dir(h, seeds, true);
	replay_dir(h, regress, false);
	free(seeds);
	free(regress);
}

static void test_replay_raw_btf(void **state) { (void)state; replay("raw_btf"); }
static void test_replay_elf(void **state) { (void)state; replay("elf"); }
static void test_replay_container(void **state) { (void)state; replay("container"); }
static void test_replay_split(void **state) { (void)state; replay("split"); }
static void test_replay_dwarf(void **state) { (void)state; replay("dwarf"); }
static void test_replay_min(void **state) { (void)state; replay("min"); }
static void test_replay_emit(void **state) { (void)state; replay("emit"); }
static void test_replay_btf_ext(void **state) { (void)state; replay("btf_ext"); }
static void test_replay_names(void **state) { (void)state; replay("names"); }

/*
 * The CLI command that reads a regression input of harness @h as a user
 * would hand it over, writing to @out.
 */
static char *cli_for(const char *h, const char *in, const char *out)
{
	char *cli = tg_test_cli(), *kernel = tg_test_fixture(KERNEL), *cmd;

	if (!strcmp(h, "split"))
		cmd = tg_test_path("%s btf -i '%s' --base %s -o %s", cli, in,
				   kernel, out);
	else if (!strcmp(h, "dwarf"))
		cmd = tg_test_path("%s btf --from-dwarf -i '%s' -o %s", cli,
				   in, out);
	else if (!strcmp(h, "min") || !strcmp(h, "btf_ext"))
		cmd = tg_test_path("%s min '%s' -i %s -o %s", cli, in, kernel,
				   out);
	else if (!strcmp(h, "emit"))
		cmd = tg_test_path("%s dump -i '%s' -o %s", cli, in, out);
	else
		cmd = tg_test_path("%s btf -i '%s' -o %s", cli, in, out);
	free(cli);
	free(kernel);
	return cmd;
}

/* Entries of @dir, hidden ones included: a temporary file is one. */
static size_t entries_in(const char *dir)
{
	struct dirent *e;
	size_t cnt = 0;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			cnt++;
	closedir(d);
	return cnt;
}

/* Each regression input: a clean success, or a clean one-line failure. */
static void test_regressions_fail_cleanly(void **state)
{
	static const char *const harnesses[] = {
		"raw_btf", "elf", "container", "split", "dwarf", "min", "emit",
		"btf_ext",
	};
	char *dir, *outdir = tg_test_path("%s/out", tmp), *out, *cmd, *err;
	struct dirent *e;
	size_t i, checked = 0;
	DIR *d;
	int rc;

	(void)state;
	out = tg_test_path("%s/result", outdir);
	tg_test_mkdir_parents(out);
	for (i = 0; i < sizeof(harnesses) / sizeof(*harnesses); i++) {
		dir = tg_test_path("%s/tests/fixtures/fuzz/%s",
				   tg_test_src_dir(), harnesses[i]);
		d = opendir(dir);
		while (d && (e = readdir(d))) {
			char *in;

			if (e->d_name[0] == '.')
				continue;
			in = tg_test_path("%s/%s", dir, e->d_name);
			cmd = cli_for(harnesses[i], in, out);
			err = NULL;
			rc = tg_test_run(cmd, NULL, &err);
			if (rc != 0 && rc != 1)
				print_error("%s: exit %d\n%s\n", cmd, rc, err);
			assert_true(rc == 0 || rc == 1);
			if (rc == 1) {
				/* One line, "typegen: <file>: <problem>". */
				if (tg_test_count_lines(err) != 1 ||
				    !strstr(err, in))
					print_error("%s:\n%s", cmd, err);
				assert_int_equal(tg_test_count_lines(err), 1);
				assert_non_null(strstr(err, in));
				assert_int_equal(strncmp(err, "typegen: ", 9), 0);
				assert_int_equal(entries_in(outdir), 0);
			}
			remove(out);
			checked++;
			free(err);
			free(cmd);
			free(in);
		}
		if (d)
			closedir(d);
		free(dir);
	}
	assert_true(checked >= 1);
	free(out);
	free(outdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_raw_btf),
		cmocka_unit_test(test_replay_elf),
		cmocka_unit_test(test_replay_container),
		cmocka_unit_test(test_replay_split),
		cmocka_unit_test(test_replay_dwarf),
		cmocka_unit_test(test_replay_min),
		cmocka_unit_test(test_replay_emit),
		cmocka_unit_test(test_replay_btf_ext),
		cmocka_unit_test(test_replay_names),
		cmocka_unit_test(test_regressions_fail_cleanly),
	};

	return cmocka_run_group_tests_name("fuzz", tests, setup, teardown);
}
