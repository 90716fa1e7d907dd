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

/* ------------------------------------------------------------------------
 * Every machine's C ABI: abi_cases.c compiled for each, both ways to BTF
 */

struct abi_target {
	const char *label;
	const char *cc;		/* NULL: clang --target=@triple */
	const char *triple;	/* clang's, for compiling the header back */
	const char *arch;	/* what the header must say it is for */
	/*
	 * Linked (ld.lld -shared) rather than read as a .o: libdw applies
	 * no relocations to these machines' relocatable DWARF.
	 */
	bool link;
};

static const struct abi_target abi_targets[] = {
	{ "x86_64", NULL, "x86_64-linux-gnu", "x86_64" },
	{ "arm64", NULL, "aarch64-linux-gnu", "arm64" },
	{ "armhf", NULL, "armv7a-linux-gnueabihf", "arm" },
	{ "i386", NULL, "i386-linux-gnu", "i386" },
	{ "s390x", NULL, "s390x-linux-gnu", "s390x" },
	{ "ppc64le", NULL, "powerpc64le-linux-gnu", "ppc64" },
	{ "riscv64", NULL, "riscv64-linux-gnu", "riscv64" },
	/* 32-bit and big-endian, with a 16-byte long double */
	{ "ppc32", NULL, "powerpc-linux-gnu", "ppc" },
	{ "mips64el", NULL, "mips64el-linux-gnuabi64", "mips64", true },
	{ "loongarch64", NULL, "loongarch64-linux-gnu", "loongarch64", true },
	/* gcc's DWARF: noreturn function pointers to volatile functions */
	{ "gcc-x86_64", "gcc", "x86_64-linux-gnu", "x86_64" },
	{ "gcc-i686", "i686-linux-gnu-gcc", "i386-linux-gnu", "i386" },
	{ "gcc-armhf", "arm-linux-gnueabihf-gcc", "armv7a-linux-gnueabihf", "arm" },
};

static char *layout_asserts_bin(void)
{
	return tg_test_path("%s/bench/layout_asserts", tg_test_build_dir());
}

/* How many asserts layout_asserts wrote, from its closing comment. */
static unsigned long assert_count(const char *path)
{
	char *text = tg_test_read_file(path, NULL);
	const char *last;
	unsigned long n = 0;

	assert_non_null(text);
	last = strstr(text, " asserts; ");
	while (last && last > text && last[-1] >= '0' && last[-1] <= '9')
		last--;
	if (last && sscanf(last, "%lu asserts;", &n) != 1)
		n = 0;
	free(text);
	return n;
}

/*
 * typegen dump @hdr_in (with @arch_opt) into a header, layout_asserts of
 * @asserts_in after it, compiled for @triple: every size and offset must
 * be the input's. Returns the asserts checked.
 */
static unsigned long check_asserts(const char *triple, const char *hdr_in,
				   const char *asserts_in, const char *arch_opt,
				   const char *expect_arch, const char *tag)
{
	char *cli = tg_test_cli(), *la = layout_asserts_bin();
	char *hdr = tg_test_path("%s.%s.h", hdr_in, tag);
	char *asserts = tg_test_path("%s.%s.asserts.c", hdr_in, tag);
	char *chk = tg_test_path("%s.%s.check.c", hdr_in, tag);
	char *err = NULL, *text, *line;
	unsigned long n;
	FILE *f;

	if (tg_test_runf(NULL, &err, "%s dump -i '%s' %s -o '%s'", cli, hdr_in,
			 arch_opt, hdr))
		fail_msg("dump %s: %s", hdr_in, err ? err : "");
	free(err);
	err = NULL;
	if (tg_test_runf(NULL, &err, "%s '%s' %s > '%s'", la, asserts_in,
			 arch_opt, asserts))
		fail_msg("layout_asserts %s: %s", asserts_in, err ? err : "");
	free(err);
	err = NULL;

	f = fopen(chk, "w");
	assert_non_null(f);
	/* beside it: quoted includes look in the including file's directory */
	fprintf(f, "#include \"%s\"\n#include \"%s\"\n",
		strrchr(hdr, '/') + 1, strrchr(asserts, '/') + 1);
	fclose(f);
	if (tg_test_runf(NULL, &err,
			 "%s --target=%s -fsyntax-only -ferror-limit=0 -Wall -Werror -DBPF_NO_PRESERVE_ACCESS_INDEX '%s'",
			 tg_test_clang(), triple, chk))
		fail_msg("%s: %s header against %s's asserts:\n%.6000s", triple,
			 hdr_in, asserts_in, err ? err : "");
	free(err);
	/* the header says which machine's layouts it holds */
	text = tg_test_read_file(hdr, NULL);
	assert_non_null(text);
	line = strchr(text, '\n');
	assert_non_null(line);
	{
		char want[64];

		snprintf(want, sizeof(want), "/* Machine: %s (", expect_arch);
		if (strncmp(line + 1, want, strlen(want)))
			fail_msg("%s: second line is not '%s...'", hdr, want);
	}
	/* C has no qualified functions: gcc's noreturn is dropped */
	assert_null(strstr(text, "volatile*"));
	free(text);

	n = assert_count(asserts);
	free(cli);
	free(la);
	free(hdr);
	free(asserts);
	free(chk);
	return n;
}

/*
 * The header of the types @obj's DWARF holds, compiled back for @triple
 * (DWARF again), compared type for type with the input: names, bitfield
 * widths, enumerator values besides the sizes and offsets.
 */
/* ld.lld -shared @obj over itself (see struct abi_target). */
static void link_in_place(const char *obj)
{
	assert_int_equal(tg_test_runf(NULL, NULL, "ld.lld -shared '%s' -o '%s.so' && mv '%s.so' '%s'",
				      obj, obj, obj, obj), 0);
}

static void check_roundtrip(const char *triple, const char *obj, bool link)
{
	char *hdr = tg_test_path("%s.rt.h", obj);
	char *back = tg_test_path("%s.rt.o", obj);
	struct rt_result res = {};
	struct tg_c_dumper *d;
	struct tg_btf *in, *out;
	char *diag = NULL;

	assert_int_equal(tg_btf__open(obj, NULL, &in), 0);
	assert_true(tg_btf__from_dwarf(in));
	assert_int_equal(tg_c_dumper__new(in, NULL, &d), 0);
	assert_int_equal(rt_write_header(d, hdr), 0);
	if (rt_compile_uses_for(triple, tg_btf__btf(in), rt_dumper_name, d, hdr,
				back, true, &diag))
		fail_msg("%s: header of %s does not compile:\n%.4000s", triple,
			 obj, diag ? diag : "");
	if (link)
		link_in_place(back);
	assert_int_equal(tg_btf__open(back, NULL, &out), 0);
	assert_int_equal(rt_compare(tg_btf__btf(in), rt_dumper_name, d,
				    tg_btf__btf(out), stderr, &res), 0);
	if (res.diffs)
		fail_msg("%s: %d differences in %s's header", triple, res.diffs,
			 obj);
	assert_true(res.checked > 40);
	free(res.bad_ids);
	tg_btf__free(out);
	tg_c_dumper__free(d);
	tg_btf__free(in);
	free(diag);
	free(hdr);
	free(back);
}

static void test_abi_targets(void **state)
{
	char *src = tg_test_src_fixture("abi_cases.c");
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(abi_targets) / sizeof(*abi_targets); i++) {
		const struct abi_target *t = &abi_targets[i];
		char *obj = tg_test_path("%s/abi.%s.o", tmpdir, t->label);
		char *pa = tg_test_path("%s/abi.%s.pahole.o", tmpdir, t->label);
		char *err = NULL;
		unsigned long own, pahole, cross;

		if (t->cc)
			assert_int_equal(tg_test_runf(NULL, NULL, "%s -g -c '%s' -o '%s'",
						      t->cc, src, obj), 0);
		else
			assert_int_equal(tg_test_runf(NULL, NULL, "%s --target=%s -g -c '%s' -o '%s'",
						      tg_test_clang(), t->triple,
						      src, obj), 0);
		if (t->link)
			link_in_place(obj);
		/* pahole -J writes .BTF into the object: the kernel's way */
		if (tg_test_runf(NULL, &err, "cp '%s' '%s' && pahole -J '%s'",
				 obj, pa, pa))
			fail_msg("pahole -J %s: %s", pa, err ? err : "");
		free(err);

		/* typegen's DWARF reader, pahole's BTF, and one against the other */
		own = check_asserts(t->triple, obj, obj, "", t->arch, "dwarf");
		pahole = check_asserts(t->triple, pa, pa, "", t->arch, "pahole");
		cross = check_asserts(t->triple, obj, pa, "", t->arch, "cross");
		check_roundtrip(t->triple, obj, t->link);
		assert_true(own > 100 && pahole > 100 && cross == pahole);
		printf("  %-11s %s: %lu asserts (DWARF), %lu (pahole -J), %lu (DWARF header, pahole's layouts)\n",
		       t->label, t->triple, own, pahole, cross);
		free(obj);
		free(pa);
	}
	free(src);
}

/*
 * Raw BTF names no machine: --arch does. Layouts only that machine's ABI
 * gives (i386's long long at 4), and padding where its rules bite: on
 * arm and arm64 unnamed bitfields align their struct, and 32-bit machines
 * have no 64-bit long.
 */
static struct btf *abi_btf(__u32 long_size)
{
	static const char *const n_hole[] = { "a", "b" };
	static const char *const n_ll[] = { "a", "b", "c" };
	static const char *const n_wide[] = { "a", "b" };
	struct btf *b = btf__new_empty();
	__u32 c, i, l, ll, arr3;

	c = ok(btf__add_int(b, "char", 1, BTF_INT_CHAR));
	i = ok(btf__add_int(b, "int", 4, BTF_INT_SIGNED));
	l = ok(btf__add_int(b, "long int", long_size, BTF_INT_SIGNED));
	ll = ok(btf__add_int(b, "long long int", 8, BTF_INT_SIGNED));
	arr3 = ok(btf__add_array(b, i, c, 3));
	{
		/* alignment 1, a hole no attribute explains */
		const __u32 t[] = { c, c };
		const __u32 o[] = { 0, 12 };

		add_struct(b, "holey", 13, n_hole, t, o, 2);
	}
	{
		/* i386: b at 4, size 16 */
		const __u32 t[] = { i, ll, i };
		const __u32 o[] = { 0, 4, 12 };

		if (long_size == 4)
			add_struct(b, "llong_at_4", 16, n_ll, t, o, 3);
	}
	{
		/* 16 bytes of hole after an 8-aligned member */
		const __u32 t[] = { ll, i };
		const __u32 o[] = { 0, 24 };

		add_struct(b, "wide_hole", 32, n_wide, t, o, 2);
	}
	{
		/* ppc64's 64 KiB pages: bpf_ringbuf's page-aligned members */
		const __u32 t[] = { l, l };
		const __u32 o[] = { 0, 65536 };

		add_struct(b, "page64k", 131072, n_wide, t, o, 2);
	}
	{
		/* a union larger than its members, alignment 1 */
		__u32 u = ok(btf__add_union(b, "odd6", 6));

		assert_int_equal(btf__add_field(b, "c", arr3, 0, 0), 0);
		(void)u;
	}
	return b;
}

static void test_arch_option(void **state)
{
	static const struct {
		__u32 long_size;
		const char *arch, *triple;
	} cases[] = {
		{ 8, "arm64", "aarch64-linux-gnu" },
		{ 4, "armhf", "armv7a-linux-gnueabihf" },
		{ 4, "i386", "i386-linux-gnu" },
		{ 8, "x86_64", "x86_64-linux-gnu" },
	};
	char *cli = tg_test_cli();
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(*cases); k++) {
		struct btf *b = abi_btf(cases[k].long_size);
		char *path = tg_test_path("%s/abi%zu.btf", tmpdir, k);
		char *arch_opt = tg_test_path("--arch %s", cases[k].arch);
		enum tg_arch arch;
		const void *raw;
		char *hdr;
		__u32 size;

		raw = btf__raw_data(b, &size);
		assert_int_equal(tg_test_write_file(path, raw, size), 0);
		assert_int_equal(tg_arch__from_str(cases[k].arch, &arch), 0);
		assert_true(check_asserts(cases[k].triple, path, path, arch_opt,
					  tg_arch__str(arch), "arch") >= 8);
		/* i386's own layout needs no attribute to explain it */
		hdr = tg_test_path("%s.arch.h", path);
		if (arch == TG_ARCH_I386) {
			char *text = tg_test_read_file(hdr, NULL), *def;

			assert_non_null(text);
			def = strstr(text, "struct llong_at_4 {");
			assert_non_null(def);
			assert_non_null(strstr(def, "\n};\n"));
			strstr(def, "\n};\n")[3] = '\0';
			assert_null(strstr(def, "packed"));
			assert_null(strstr(def, "aligned"));
			free(text);
		}
		free(hdr);
		free(arch_opt);
		free(path);
		btf__free(b);
	}
	free(cli);
}

/* --arch that is not the input's own machine: one line, no header. */
static void test_arch_mismatch(void **state)
{
	char *src = tg_test_src_fixture("abi_cases.c");
	char *obj = tg_test_path("%s/mismatch.o", tmpdir);
	char *hdr = tg_test_path("%s/mismatch.h", tmpdir);
	char *cli = tg_test_cli(), *err = NULL;

	(void)state;
	assert_int_equal(tg_test_runf(NULL, NULL, "%s --target=i386-linux-gnu -g -c '%s' -o '%s'",
				      tg_test_clang(), src, obj), 0);
	assert_int_equal(tg_test_runf(NULL, &err, "%s dump -i '%s' --arch arm64 -o '%s'",
				      cli, obj, hdr), 1);
	assert_int_equal(tg_test_count_lines(err), 1);
	assert_non_null(strstr(err, "the types are i386's, not arm64's"));
	assert_false(tg_test_file_exists(hdr));
	free(err);
	err = NULL;
	assert_int_equal(tg_test_runf(NULL, &err, "%s dump -i '%s' --arch vax",
				      cli, obj), 2);
	assert_int_equal(tg_test_count_lines(err), 1);
	assert_non_null(strstr(err, "'--arch'"));
	free(err);
	free(cli);
	free(src);
	free(obj);
	free(hdr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_endian_object),
		cmocka_unit_test(test_raw_byte_order),
		cmocka_unit_test(test_32bit_btf),
		cmocka_unit_test(test_abi_targets),
		cmocka_unit_test(test_arch_option),
		cmocka_unit_test(test_arch_mismatch),
	};

	tg_test_silence_libbpf();
	return cmocka_run_group_tests(tests, setup, teardown);
}
