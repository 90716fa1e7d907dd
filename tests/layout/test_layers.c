// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * scripts/check-layers.sh: libtypegen's concerns depend one way only. The
 * real tree must pass; small trees built here with an upward call, an
 * upward #include and a cycle must each fail, naming the file and what
 * crosses.
 */
#include <stdlib.h>
#include <string.h>
#include "tg_test.h"

/* Write @text at @dir/@rel (folders made). */
static void put(const char *dir, const char *rel, const char *text)
{
	char *path = tg_test_path("%s/%s", dir, rel);

	tg_test_mkdir_parents(path);
	assert_int_equal(tg_test_write_file(path, text, strlen(text)), 0);
	free(path);
}

/* Compile @dir/src/@rel.c into @dir/obj/@rel.o. */
static void compile(const char *dir, const char *rel)
{
	char *obj = tg_test_path("%s/obj/%s.o", dir, rel);
	char *err = NULL;

	tg_test_mkdir_parents(obj);
	assert_int_equal(tg_test_runf(NULL, &err, "cc -c -I%s/src %s/src/%s.c -o %s",
				      dir, dir, rel, obj), 0);
	free(err);
	free(obj);
}

/* Run the check on @dir's tree with the order "low high"; its exit status. */
static int check(const char *dir, char **err)
{
	return tg_test_runf(NULL, err, "LAYERS='low high' %s/scripts/check-layers.sh %s/src %s/obj",
			    tg_test_src_dir(), dir, dir);
}

static void test_real_tree_passes(void **state)
{
	char *out = NULL, *err = NULL;

	(void)state;
	assert_int_equal(tg_test_runf(&out, &err, "%s/scripts/check-layers.sh %s/libtypegen %s/libtypegen",
				      tg_test_src_dir(), tg_test_src_dir(),
				      tg_test_build_dir()), 0);
	assert_non_null(strstr(out, "one way, no cycle"));
	assert_string_equal(err, "");
	free(out);
	free(err);
}

static void test_downward_passes(void **state)
{
	char *dir = tg_test_mkdtemp(), *err = NULL;

	(void)state;
	put(dir, "src/low/low.h", "int low_fn(void);\n");
	put(dir, "src/low/a.c", "#include \"low/low.h\"\nint low_fn(void) { return 1; }\n");
	put(dir, "src/high/b.c", "#include \"low/low.h\"\nint high_fn(void) { return low_fn(); }\n");
	compile(dir, "low/a");
	compile(dir, "high/b");
	assert_int_equal(check(dir, &err), 0);
	free(err);
	tg_test_rmtree(dir);
	free(dir);
}

/* A call up with no #include to show it: found by the objects' symbols. */
static void test_upward_call_fails(void **state)
{
	char *dir = tg_test_mkdtemp(), *err = NULL;

	(void)state;
	put(dir, "src/low/a.c", "int high_fn(void);\nint low_fn(void) { return high_fn(); }\n");
	put(dir, "src/high/b.c", "int high_fn(void) { return 2; }\n");
	compile(dir, "low/a");
	compile(dir, "high/b");
	assert_int_not_equal(check(dir, &err), 0);
	assert_non_null(strstr(err, "low/a.o: calls high_fn (high/b.o): low uses high, above it"));
	free(err);
	tg_test_rmtree(dir);
	free(dir);
}

/* An #include up (a macro, no call): found by the include lines. */
static void test_upward_include_fails(void **state)
{
	char *dir = tg_test_mkdtemp(), *err = NULL;

	(void)state;
	put(dir, "src/high/high.h", "#define HIGH 2\n");
	put(dir, "src/high/b.c", "int high_fn(void) { return 2; }\n");
	put(dir, "src/low/a.c", "#include \"high/high.h\"\nint low_fn(void) { return HIGH; }\n");
	compile(dir, "low/a");
	compile(dir, "high/b");
	assert_int_not_equal(check(dir, &err), 0);
	assert_non_null(strstr(err, "low/a.c: #include \"high/high.h\": low uses high, above it"));
	free(err);
	tg_test_rmtree(dir);
	free(dir);
}

/* The old layout's fault: two concerns calling each other. */
static void test_cycle_fails(void **state)
{
	char *dir = tg_test_mkdtemp(), *err = NULL;

	(void)state;
	put(dir, "src/low/a.c", "int high_fn(void);\nint low_fn(void) { return high_fn(); }\n");
	put(dir, "src/high/b.c", "int low_fn(void);\nint high_fn(void) { return low_fn(); }\n");
	compile(dir, "low/a");
	compile(dir, "high/b");
	assert_int_not_equal(check(dir, &err), 0);
	assert_non_null(strstr(err, "cycle: high and low depend on each other"));
	free(err);
	tg_test_rmtree(dir);
	free(dir);
}

/* ar keeps one member of a name: two a.c would lose one silently. */
static void test_stray_and_same_names_fail(void **state)
{
	char *dir = tg_test_mkdtemp(), *err = NULL;

	(void)state;
	put(dir, "src/low/a.c", "int low_fn(void) { return 1; }\n");
	put(dir, "src/high/a.c", "int high_fn(void) { return 2; }\n");
	put(dir, "src/flat.c", "int flat_fn(void) { return 3; }\n");
	put(dir, "src/misc/m.c", "int misc_fn(void) { return 4; }\n");
	compile(dir, "low/a");
	compile(dir, "high/a");
	assert_int_not_equal(check(dir, &err), 0);
	assert_non_null(strstr(err, "src/flat.c: outside the concerns' folders"));
	assert_non_null(strstr(err, "src/misc: a folder that is not a concern"));
	assert_non_null(strstr(err, "sources of the same name in two folders: a.c"));
	free(err);
	tg_test_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_tree_passes),
		cmocka_unit_test(test_downward_passes),
		cmocka_unit_test(test_upward_call_fails),
		cmocka_unit_test(test_upward_include_fails),
		cmocka_unit_test(test_cycle_fails),
		cmocka_unit_test(test_stray_and_same_names_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
