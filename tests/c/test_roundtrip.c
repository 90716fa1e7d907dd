// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Round trip: header from BTF, compiled back with clang -g -target bpf, must
 * give every named type the same size, members, offsets and bitfields.
 * On a real kernel's BTF and on every fixture compiled from tests/fixtures.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "tg_test.h"
#include "roundtrip.h"


static void check_exact(const char *path, int min_types)
{
	int checked = 0, diffs;

	diffs = rt_check_file(path, &checked);
	printf("roundtrip: %s: %d types compared, %d differences\n", path,
	       checked, diffs);
	assert_int_equal(diffs, 0);
	assert_true(checked >= min_types);
}

/* The committed copy of a real 6.18 kernel's BTF. */
static void test_kernel_fixture(void **state)
{
	char *path = tg_test_fixture("vmlinux-6.18.44.btf");

	(void)state;
	/* 14360 named structs, unions, enums and typedefs in 6.18.44 */
	check_exact(path, 14360);
	free(path);
}

/* Whatever kernel this runs on. */
static void test_running_kernel(void **state)
{
	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		skip();	/* this kernel exposes no BTF in /sys/kernel/btf */
	check_exact("/sys/kernel/btf/vmlinux", 1000);
}

/* Every construct in tests/fixtures/emit_cases.c. */
static void test_emit_cases(void **state)
{
	char *path = tg_test_fixture("emit_cases.bpf.o");

	(void)state;
	check_exact(path, 54);
	free(path);
}

/* Every other fixture object the build compiled. */
static void test_all_fixture_objects(void **state)
{
	char *dir = tg_test_path("%s/fixtures", tg_test_build_dir());
	struct dirent *de;
	int n = 0;
	DIR *dp = opendir(dir);

	(void)state;
	assert_non_null(dp);
	while ((de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		char *path;

		if (len < 6 || strcmp(de->d_name + len - 6, ".bpf.o"))
			continue;
		path = tg_test_path("%s/%s", dir, de->d_name);
		check_exact(path, 1);
		free(path);
		n++;
	}
	closedir(dp);
	free(dir);
	assert_true(n >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emit_cases),
		cmocka_unit_test(test_all_fixture_objects),
		cmocka_unit_test(test_kernel_fixture),
		cmocka_unit_test(test_running_kernel),
	};

	tg_test_silence_libbpf();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
