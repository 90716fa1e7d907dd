// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Headers for another machine, written on this one: byte order and
 * pointer size come from the input, never from the host. A big-endian
 * BPF object's BTF (clang -target bpfeb) gives the header that compiles
 * back, for bpfeb, to the same layouts; raw BTF of either byte order gives
 * the same header; and 32-bit BTF gives a header whose layouts a 32-bit
 * compiler (clang --target=armv7a-linux-gnueabihf) reproduces.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "tg_test.h"
#include "roundtrip.h"
#include "typegen.h"

static char *tmpdir;

static int setup(void **state)
{
	(void)state;
	tmpdir = tg_test_mkdtemp();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tg_test_rmtree(tmpdir);
	free(tmpdir);
	return 0;
}

static char *dump_to_string(const struct tg_btf *btf)
{
	struct tg_c_dumper *d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(tg_c_dumper__new(btf, NULL, &d), 0);
	f = open_memstream(&buf, &len);
	assert_int_equal(tg_c_dumper__dump(d, f), 0);
	fclose(f);
	tg_c_dumper__free(d);
	return buf;
}

/* emit_cases.c built for big-endian BPF: the header round-trips there. */
static void test_big_endian_object(void **state)
{
	char *src = tg_test_src_fixture("emit_cases.c");
	char *obj = tg_test_path("%s/cases.bpfeb.o", tmpdir);
	char *hdr = tg_test_path("%s/cases.h", tmpdir);
	char *back = tg_test_path("%s/back.o", tmpdir);
	char *cmd = tg_test_path("%s -g -O2 -target bpfeb -c %s -o %s",
				 tg_test_clang(), src, obj);
	struct rt_result res = {};
	struct tg_c_dumper *d;
	struct tg_btf *btf;
	char *diag = NULL;
	struct btf *out;

	(void)state;
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	assert_int_equal(tg_btf__open(obj, NULL, &btf), 0);
	assert_int_equal(btf__endianness(tg_btf__btf(btf)), BTF_BIG_ENDIAN);
	assert_int_equal(tg_c_dumper__new(btf, NULL, &d), 0);
	assert_int_equal(rt_write_header(d, hdr), 0);
	if (rt_compile_uses_for("bpfeb", tg_btf__btf(btf), rt_dumper_name, d,
				hdr, back, true, &diag))
		fail_msg("bpfeb compile failed:\n%s", diag ? diag : "");
	out = btf__parse_elf(back, NULL);
	assert_non_null(out);
	assert_int_equal(btf__endianness(out), BTF_BIG_ENDIAN);
	assert_int_equal(rt_compare(tg_btf__btf(btf), rt_dumper_name, d, out,
				    stderr, &res), 0);
	assert_int_equal(res.diffs, 0);
	assert_true(res.checked > 20);
	printf("  bpfeb: %d types round-tripped\n", res.checked);
	free(res.bad_ids);
	btf__free(out);
	tg_c_dumper__free(d);
	tg_btf__free(btf);
	free(diag);
	free(cmd);
	free(src);
	free(obj);
	free(hdr);
	free(back);
}

/* The kernel's BTF swapped to big-endian gives the very same header. */
static void test_raw_byte_order(void **state)
{
	char *kernel = tg_test_fixture("vmlinux-6.18.44.btf");
	char *be = tg_test_path("%s/vmlinux.be.btf", tmpdir);
	char *cli = tg_test_cli();
	char *cmd = tg_test_path("%s btf -i %s --endian big -o %s", cli,
				 kernel, be);
	struct tg_btf *le_btf, *be_btf;
	char *le_hdr, *be_hdr;

	(void)state;
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	assert_int_equal(tg_btf__open(kernel, NULL, &le_btf), 0);
	assert_int_equal(tg_btf__open(be, NULL, &be_btf), 0);
	assert_int_equal(btf__endianness(tg_btf__btf(be_btf)), BTF_BIG_ENDIAN);
	le_hdr = dump_to_string(le_btf);
	be_hdr = dump_to_string(be_btf);
	assert_true(strlen(le_hdr) > 1000000);
	assert_string_equal(le_hdr, be_hdr);
	free(le_hdr);
	free(be_hdr);
	tg_btf__free(le_btf);
	tg_btf__free(be_btf);
	free(cmd);
	free(cli);
	free(be);
	free(kernel);
}

/* ------------------------------------------------------------------------
 * A 32-bit machine's types
 */

struct ilp32 {
	__u32 int_id, long_id, ulong_id, char_id, llong_id, voidp;
};

static __u32 ok(int id)
{
	assert_true(id > 0);
	return id;
}

/* struct NAME { members }, checking that offsets are as given. */
static __u32 add_struct(struct btf *b, const char *name, __u32 size,
			const char *const *names, const __u32 *types,
			const __u32 *offs, int n)
{
	__u32 id = ok(btf__add_struct(b, name, size));
	int i;

	for (i = 0; i < n; i++)
		assert_int_equal(btf__add_field(b, names[i], types[i],
						offs[i] * 8, 0), 0);
	return id;
}

/*
 * Types as an ILP32 machine with natural alignment (32-bit ARM) lays them
 * out: 4-byte long and pointers, 8-byte long long aligned to 8.
 */
static struct btf *ilp32_btf(void)
{
	static const char *const n1[] = { "c", "p", "l", "ul", "next", "ll" };
	static const char *const n2[] = { "a", "b", "tail" };
	struct btf *b = btf__new_empty();
	__u32 i, l, ul, c, ll, vp, s1, s1p, arr;

	i = ok(btf__add_int(b, "int", 4, BTF_INT_SIGNED));
	l = ok(btf__add_int(b, "long int", 4, BTF_INT_SIGNED));
	ul = ok(btf__add_int(b, "long unsigned int", 4, 0));
	c = ok(btf__add_int(b, "char", 1, BTF_INT_CHAR));
	ll = ok(btf__add_int(b, "long long int", 8, BTF_INT_SIGNED));
	vp = ok(btf__add_ptr(b, 0));
	(void)i;
	/* forward reference to itself: the pointer's target id comes next */
	s1p = ok(btf__add_ptr(b, vp + 2));
	{
		const __u32 t1[] = { c, vp, l, ul, s1p, ll };
		const __u32 o1[] = { 0, 4, 8, 12, 16, 24 };

		s1 = add_struct(b, "node32", 32, n1, t1, o1, 6);
	}
	assert_int_equal(s1, vp + 2);
	arr = ok(btf__add_array(b, i, vp, 3));
	{
		/* pointers in an array; a struct holding one after a char */
		const __u32 t2[] = { c, arr, s1 };
		const __u32 o2[] = { 0, 4, 16 };

		add_struct(b, "holder32", 48, n2, t2, o2, 3);
	}
	return b;
}

static void test_32bit_btf(void **state)
{
	char *path = tg_test_path("%s/ilp32.btf", tmpdir);
	char *hdr_path = tg_test_path("%s/ilp32.h", tmpdir);
	char *chk = tg_test_path("%s/ilp32_check.c", tmpdir);
	struct btf *b = ilp32_btf();
	const void *raw;
	struct tg_btf *btf;
	char *hdr, *cmd, *err = NULL;
	__u32 size;
	FILE *f;

	(void)state;
	raw = btf__raw_data(b, &size);
	assert_int_equal(tg_test_write_file(path, raw, size), 0);
	assert_int_equal(tg_btf__open(path, NULL, &btf), 0);
	hdr = dump_to_string(btf);
	assert_int_equal(tg_test_write_file(hdr_path, hdr, strlen(hdr)), 0);
	/* the natural 32-bit layout needs no attributes at all */
	assert_null(strstr(hdr, "packed"));
	assert_null(strstr(hdr, "aligned"));

	f = fopen(chk, "w");
	assert_non_null(f);
	/* beside it: quoted includes look in the including file's directory */
	fprintf(f, "#include \"ilp32.h\"\n#include <stddef.h>\n"
		"_Static_assert(sizeof(void *) == 4, \"32-bit target\");\n"
		"_Static_assert(sizeof(struct node32) == 32, \"size\");\n"
		"_Static_assert(offsetof(struct node32, p) == 4, \"p\");\n"
		"_Static_assert(offsetof(struct node32, l) == 8, \"l\");\n"
		"_Static_assert(offsetof(struct node32, ul) == 12, \"ul\");\n"
		"_Static_assert(offsetof(struct node32, next) == 16, \"next\");\n"
		"_Static_assert(offsetof(struct node32, ll) == 24, \"ll\");\n"
		"_Static_assert(sizeof(struct holder32) == 48, \"size\");\n"
		"_Static_assert(offsetof(struct holder32, b) == 4, \"b\");\n"
		"_Static_assert(offsetof(struct holder32, tail) == 16, \"tail\");\n");
	fclose(f);
	/* CO-RE is for BPF: a user-space build turns it off */
	cmd = tg_test_path("%s --target=armv7a-linux-gnueabihf -ffreestanding -fsyntax-only -Wall -Werror -DBPF_NO_PRESERVE_ACCESS_INDEX %s",
			   tg_test_clang(), chk);
	if (tg_test_run(cmd, NULL, &err))
		fail_msg("%s:\n%s", cmd, err ? err : "");
	free(err);
	free(cmd);

	free(hdr);
	tg_btf__free(btf);
	btf__free(b);
	free(path);
	free(hdr_path);
	free(chk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_endian_object),
		cmocka_unit_test(test_raw_byte_order),
		cmocka_unit_test(test_32bit_btf),
	};

	tg_test_silence_libbpf();
	return cmocka_run_group_tests(tests, setup, teardown);
}
