// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel modules: split BTF on the kernel's, from raw files and .ko files
 * (compressed or not), checked against its base; modules merged with the
 * kernel or kept to what they add; and raw BTF written back, in either
 * byte order, split or not, reading back to the same types.
 *
 * The modules are tests/fixtures/module_[ab].c, compiled for BPF and split
 * here against the committed kernel BTF as pahole splits a module's.
 */
#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "typegen.h"
#include "tg_test.h"
#include "inputs.h"
#include "roundtrip.h"

static struct {
	char *dir;
	char *kernel;		/* raw kernel BTF */
	struct tg_btf *base;	/* its types */
	__u32 base_cnt;
	char *mod_a;		/* module_a's split BTF, raw */
	char *mod_a_ko;		/* ... in an ELF file */
	char *mod_b;
	struct btf *ref_a;	/* libbpf's reading of mod_a on the base */
	char *small;		/* standalone BTF (load_basic) */
} fx;

static char *tmp(const char *name)
{
	return tg_test_path("%s/%s", fx.dir, name);
}

static char *make_module(const char *src, const char *name)
{
	char *obj = tg_test_fixture(src), *path = tmp(name);
	size_t len;
	void *raw = fx_split_btf(obj, tg_btf__btf(fx.base), &len);

	fx_write(path, raw, len);
	free(raw);
	free(obj);
	return path;
}

static int setup(void **state)
{
	char *obj = tg_test_fixture("load_basic.bpf.o");
	struct btf *b;
	const void *raw;
	__u32 sz;

	(void)state;
	tg_test_silence_libbpf();
	fx.dir = tg_test_mkdtemp();
	fx.kernel = tg_test_fixture("vmlinux-6.18.44.btf");
	if (tg_btf__open(fx.kernel, NULL, &fx.base)) {
		fprintf(stderr, "%s missing: run `make fixtures` first\n",
			fx.kernel);
		return -1;
	}
	fx.base_cnt = btf__type_cnt(tg_btf__btf(fx.base));
	fx.mod_a = make_module("module_a.bpf.o", "module_a.btf");
	fx.mod_b = make_module("module_b.bpf.o", "module_b.btf");
	fx.mod_a_ko = tmp("module_a.ko");
	fx_elf_with_btf(fx.mod_a, fx.mod_a_ko, NULL);
	fx.ref_a = btf__parse_raw_split(fx.mod_a,
					(struct btf *)tg_btf__btf(fx.base));

	b = btf__parse_elf(obj, NULL);
	raw = btf__raw_data(b, &sz);
	fx.small = tmp("small.btf");
	fx_write(fx.small, raw, sz);
	btf__free(b);
	free(obj);
	return fx.ref_a ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	btf__free(fx.ref_a);
	tg_btf__free(fx.base);
	tg_test_rmtree(fx.dir);
	free(fx.dir);
	free(fx.kernel);
	free(fx.mod_a);
	free(fx.mod_a_ko);
	free(fx.mod_b);
	free(fx.small);
	return 0;
}


static struct tg_btf *open_on(const char *path, const struct tg_btf *base)
{
	TG_OPTS(tg_open_opts, opts, .base = base);
	struct tg_btf *btf = NULL;
	int err = tg_btf__open(path, &opts, &btf);

	if (err) {
		char msg[256];

		tg_strerror(err, msg, sizeof(msg));
		fail_msg("%s: %s", path, msg);
	}
	return btf;
}

static void assert_open_on_fails(const char *path, const struct tg_btf *base,
				 int want)
{
	TG_OPTS(tg_open_opts, opts, .base = base);
	struct tg_btf *btf = NULL;

	assert_int_equal(tg_btf__open(path, &opts, &btf), want);
	assert_null(btf);
}

/* How many types of @kind are called @name. */
static int count_named(const struct btf *btf, const char *name, int kind)
{
	__u32 id, n = btf__type_cnt(btf);
	const struct btf_type *t;
	int cnt = 0;

	for (id = 1; id < n; id++) {
		t = btf__type_by_id(btf, id);
		if (btf_kind(t) == kind &&
		    !strcmp(btf__name_by_offset(btf, t->name_off), name))
			cnt++;
	}
	return cnt;
}

/* ---- opening a module ---------------------------------------------------- */

static void test_needs_base(void **state)
{
	char *zst = tmp("needs.ko.zst");

	(void)state;
	fx_filter("zstd -q -c", fx.mod_a_ko, zst);
	assert_open_on_fails(fx.mod_a, NULL, -TG_ERRNO__NEEDBASE);
	assert_open_on_fails(fx.mod_a_ko, NULL, -TG_ERRNO__NEEDBASE);
	assert_open_on_fails(zst, NULL, -TG_ERRNO__NEEDBASE);
	tg_test_assert_message(-TG_ERRNO__NEEDBASE,
		       "split BTF (a kernel module's) needs the kernel's BTF as its base");
	free(zst);
}

/* Raw, in a .ko, and the .ko compressed: the same types on the base. */
static void test_open_module(void **state)
{
	static const struct {
		const char *cmd;
		const char *name;
		enum tg_format fmt;
	} forms[] = {
		{ NULL, NULL, TG_FORMAT_ELF },
		{ "xz -c", "module_a.ko.xz", TG_FORMAT_XZ },
		{ "gzip -c", "module_a.ko.gz", TG_FORMAT_GZIP },
		{ "zstd -q -c", "module_a.ko.zst", TG_FORMAT_ZSTD },
	};
	struct tg_btf *btf;
	const struct btf *b;
	size_t i;
	char *path;
	__s32 id;

	(void)state;
	btf = open_on(fx.mod_a, fx.base);
	assert_ptr_equal(tg_btf__base(btf), fx.base);
	assert_ptr_equal(btf__base_btf(tg_btf__btf(btf)), tg_btf__btf(fx.base));
	assert_int_equal(tg_btf__format(btf), TG_FORMAT_RAW_BTF);
	b = tg_btf__btf(btf);
	fx_assert_same_types(b, fx.ref_a, fx.base_cnt);
	/* The module's own types follow the kernel's... */
	id = btf__find_by_name_kind(b, "tg_mod_a_dev", BTF_KIND_STRUCT);
	assert_true(id >= (__s32)fx.base_cnt);
	/* ...and those it has alike are the kernel's. */
	assert_int_equal(count_named(b, "list_head", BTF_KIND_STRUCT), 1);
	assert_true(btf__find_by_name_kind(b, "list_head", BTF_KIND_STRUCT) <
		    (__s32)fx.base_cnt);
	tg_btf__free(btf);

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		path = forms[i].cmd ? tmp(forms[i].name) : strdup(fx.mod_a_ko);
		if (forms[i].cmd)
			fx_filter(forms[i].cmd, fx.mod_a_ko, path);
		btf = open_on(path, fx.base);
		assert_int_equal(tg_btf__format(btf), forms[i].fmt);
		assert_ptr_equal(tg_btf__base(btf), fx.base);
		fx_assert_same_types(tg_btf__btf(btf), fx.ref_a, fx.base_cnt);
		tg_btf__free(btf);
		free(path);
	}
}

/* A standalone input does not use the base it is given. */
static void test_base_unused_for_standalone(void **state)
{
	struct tg_btf *btf;

	(void)state;
	btf = open_on(fx.small, fx.base);
	assert_null(tg_btf__base(btf));
	assert_null(btf__base_btf(tg_btf__btf(btf)));
	tg_btf__free(btf);
}

static void test_base_mismatch(void **state)
{
	struct tg_btf *small = open_on(fx.small, NULL), *bigger, *module;
	const void *raw;
	struct btf *b;
	char *path = tmp("kernel-plus.btf");
	__u32 sz;

	(void)state;
	/* Far too small a base: ids and names point past it. */
	assert_open_on_fails(fx.mod_a, small, -TG_ERRNO__BASE);
	assert_open_on_fails(fx.mod_a_ko, small, -TG_ERRNO__BASE);
	tg_test_assert_message(-TG_ERRNO__BASE, "split BTF does not match its base BTF");

	/* Another kernel, one type longer: every name is off. */
	raw = btf__raw_data(tg_btf__btf(fx.base), &sz);
	b = btf__new(raw, sz);
	assert_true(btf__add_int(b, "tg_another_kernel", 4, 0) > 0);
	raw = btf__raw_data(b, &sz);
	fx_write(path, raw, sz);
	btf__free(b);
	bigger = open_on(path, NULL);
	assert_open_on_fails(fx.mod_a, bigger, -TG_ERRNO__BASE);

	/* A split base is not supported. */
	module = open_on(fx.mod_a, fx.base);
	assert_open_on_fails(fx.mod_b, module, -EINVAL);
	tg_btf__free(module);
	tg_btf__free(bigger);
	tg_btf__free(small);
	free(path);
}

/* A module loaded from /sys/kernel/btf, if this kernel has any. */
static void test_real_module(void **state)
{
	struct tg_btf *vmlinux = NULL, *mod, *merged = NULL;
	char *path = NULL, *hdr, *obj, *diag = NULL;
	struct tg_c_dumper *d = NULL;
	struct dirent *de;
	DIR *dir;

	(void)state;
	dir = opendir("/sys/kernel/btf");
	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] != '.' && strcmp(de->d_name, "vmlinux")) {
			path = tg_test_path("/sys/kernel/btf/%s", de->d_name);
			break;
		}
	}
	if (dir)
		closedir(dir);
	if (!path) {
		print_message("[  SKIP    ] this kernel has no module BTF in "
			      "/sys/kernel/btf (only vmlinux, or none)\n");
		skip();
	}
	assert_int_equal(tg_btf__open("/sys/kernel/btf/vmlinux", NULL,
				      &vmlinux), 0);
	mod = open_on(path, vmlinux);
	assert_ptr_equal(tg_btf__base(mod), vmlinux);
	assert_int_equal(tg_btf__merge(vmlinux, &mod, 1, NULL, &merged), 0);
	assert_int_equal(tg_c_dumper__new(merged, NULL, &d), 0);
	hdr = tmp("real-module.h");
	obj = tmp("real-module.o");
	assert_int_equal(rt_write_header(d, hdr), 0);
	assert_int_equal(rt_compile_uses(tg_btf__btf(merged), rt_dumper_name,
					 d, hdr, obj, false, &diag), 0);
	free(diag);
	tg_c_dumper__free(d);
	tg_btf__free(merged);
	tg_btf__free(mod);
	tg_btf__free(vmlinux);
	free(obj);
	free(hdr);
	free(path);
}

/*
 * A module as the kernel's build splits it (pahole -J --btf_base), merged on
 * a kernel freshly opened: its first name to copy is the kernel's own
 * ("lo" of an anonymous struct), which libbpf 1.1's btf__add_type() read
 * after freeing it (the base turned modifiable under it): a segfault.
 */
static void test_merge_pahole_module(void **state)
{
	char *src = tg_test_src_fixture("module_a.c"), *obj = tmp("pahole-a.o");
	char *kernel = tg_test_fixture("vmlinux-6.18.44.btf");
	struct tg_btf *vmlinux = NULL, *mod, *merged = NULL;
	char *err = NULL, *be, *hdr, *cli, *text;
	const struct btf *m;

	(void)state;
	/*
	 * Large blocks from mmap, given back at free(): a read after free
	 * then faults, whatever the earlier tests did to glibc's threshold
	 * (ASan sees it anyway).
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	if (tg_test_runf(NULL, &err, "%s -g -c '%s' -o '%s' && "
			 "pahole -J --btf_base '%s' '%s'", tg_test_clang(),
			 src, obj, kernel, obj))
		fail_msg("module fixture: %s", err);
	assert_int_equal(tg_btf__open(kernel, NULL, &vmlinux), 0);
	mod = open_on(obj, vmlinux);
	assert_int_equal(tg_btf__merge(vmlinux, &mod, 1, NULL, &merged), 0);
	m = tg_btf__btf(merged);
	assert_true(btf__find_by_name_kind(m, "tg_mod_a_dev",
					   BTF_KIND_STRUCT) > 0);
	assert_true(btf__find_by_name_kind(m, "tg_mod_a_state",
					   BTF_KIND_ENUM) > 0);
	tg_btf__free(merged);
	tg_btf__free(mod);
	tg_btf__free(vmlinux);

	/* The CLI: the module written big-endian, read back and dumped. */
	be = tmp("pahole-a-be.btf");
	hdr = tmp("pahole-a.h");
	cli = tg_test_cli();
	free(err);
	err = NULL;
	if (tg_test_runf(NULL, &err, "%s btf -i '%s' --base '%s' --endian big "
			 "-o '%s' && %s dump -i '%s' --base '%s' -o '%s'", cli,
			 obj, kernel, be, cli, be, kernel, hdr))
		fail_msg("big-endian module: %s", err);
	text = tg_test_read_file(hdr, NULL);
	assert_non_null(strstr(text, "struct tg_mod_a_dev {"));
	free(text);
	free(cli);
	free(hdr);
	free(be);
	free(err);
	free(kernel);
	free(obj);
	free(src);
}

/* ---- merging --------------------------------------------------------------- */

static struct tg_btf *merge(struct tg_btf **mods, size_t cnt, bool only)
{
	TG_OPTS(tg_merge_opts, opts, .module_only = only);
	struct tg_btf *out = NULL;

	assert_int_equal(tg_btf__merge(fx.base, mods, cnt, &opts, &out), 0);
	assert_null(tg_btf__base(out));
	assert_null(btf__base_btf(tg_btf__btf(out)));
	assert_int_equal(tg_btf__format(out), TG_FORMAT_UNKNOWN);
	assert_int_equal(tg_btf__layer_cnt(out), 0);
	assert_null(tg_btf__path(out));
	return out;
}

/*
 * The header of @btf compiles with clang -target bpf, and every named type
 * comes back from clang with the same layout.
 */
static void assert_header_exact(const struct tg_btf *btf, const char *name)
{
	char *hdr = tmp(name), *obj = tg_test_path("%s.o", hdr);
	struct tg_c_dumper *d = NULL;
	struct rt_result res = {};
	struct btf *out;
	char *diag = NULL;
	int rc;

	assert_int_equal(tg_c_dumper__new(btf, NULL, &d), 0);
	assert_int_equal(rt_write_header(d, hdr), 0);
	rc = rt_compile_uses(tg_btf__btf(btf), rt_dumper_name, d, hdr, obj,
			     true, &diag);
	if (rc)
		fail_msg("%s does not compile:\n%.4000s", hdr, diag);
	out = btf__parse_elf(obj, NULL);
	assert_non_null(out);
	assert_int_equal(rt_compare(tg_btf__btf(btf), rt_dumper_name, d, out,
				    stderr, &res), 0);
	assert_int_equal(res.diffs, 0);
	assert_true(res.checked > 5);
	free(res.bad_ids);
	btf__free(out);
	free(diag);
	tg_c_dumper__free(d);
	free(obj);
	free(hdr);
}

/* Lines of the header of @btf that start with @prefix. */
static int header_lines(const struct tg_btf *btf, const char *prefix)
{
	struct tg_c_dumper *d = NULL;
	char *buf = NULL, *p;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int n = 0;

	assert_int_equal(tg_c_dumper__new(btf, NULL, &d), 0);
	assert_int_equal(tg_c_dumper__dump(d, f), 0);
	fclose(f);
	for (p = buf; (p = strstr(p, prefix)); p += strlen(prefix))
		if (p == buf || p[-1] == '\n')
			n++;
	tg_c_dumper__free(d);
	free(buf);
	return n;
}

static void test_merge_with_kernel(void **state)
{
	struct tg_btf *a = open_on(fx.mod_a_ko, fx.base), *out;
	const struct btf *b;

	(void)state;
	out = merge(&a, 1, false);
	b = tg_btf__btf(out);
	/* The kernel's types keep their ids; the module's follow. */
	assert_int_equal(btf__type_cnt(b), btf__type_cnt(tg_btf__btf(a)));
	fx_assert_same_types(b, tg_btf__btf(a), 1);
	assert_int_equal(btf__pointer_size(b), 8);
	assert_int_equal(header_lines(out, "struct tg_mod_a_dev {"), 1);
	assert_int_equal(header_lines(out, "struct task_struct {"), 1);
	tg_btf__free(out);
	tg_btf__free(a);
}

/* Two modules that both define struct tg_shared (and list_head). */
static void test_merge_two_modules(void **state)
{
	struct tg_btf *mods[2], *out;
	const struct btf *b;

	(void)state;
	mods[0] = open_on(fx.mod_a, fx.base);
	mods[1] = open_on(fx.mod_b, fx.base);
	out = merge(mods, 2, false);
	b = tg_btf__btf(out);
	assert_int_equal(count_named(b, "tg_shared", BTF_KIND_STRUCT), 1);
	assert_int_equal(count_named(b, "list_head", BTF_KIND_STRUCT), 1);
	assert_int_equal(header_lines(out, "struct tg_shared {"), 1);
	assert_int_equal(header_lines(out, "struct tg_mod_b_queue {"), 1);
	assert_int_equal(header_lines(out, "struct tg_mod_a_dev {"), 1);
	tg_btf__free(out);

	out = merge(mods, 2, true);
	b = tg_btf__btf(out);
	assert_int_equal(count_named(b, "tg_shared", BTF_KIND_STRUCT), 1);
	assert_int_equal(header_lines(out, "struct tg_shared {"), 1);
	assert_header_exact(out, "two-modules.h");
	tg_btf__free(out);
	tg_btf__free(mods[1]);
	tg_btf__free(mods[0]);
}

static void test_module_only(void **state)
{
	struct tg_btf *a = open_on(fx.mod_a, fx.base), *out;
	const struct btf *b;

	(void)state;
	out = merge(&a, 1, true);
	b = tg_btf__btf(out);
	/* What the module adds... */
	assert_true(btf__find_by_name_kind(b, "tg_mod_a_dev",
					   BTF_KIND_STRUCT) > 0);
	assert_true(btf__find_by_name_kind(b, "tg_mod_a_state",
					   BTF_KIND_ENUM) > 0);
	/* ...what it holds of the kernel's by value, in full... */
	assert_int_equal(count_named(b, "callback_head", BTF_KIND_STRUCT), 1);
	assert_int_equal(count_named(b, "list_head", BTF_KIND_STRUCT), 1);
	assert_true(btf__find_by_name_kind(b, "pid_t", BTF_KIND_TYPEDEF) > 0);
	/* ...and only declared what it points to. */
	assert_int_equal(count_named(b, "task_struct", BTF_KIND_STRUCT), 0);
	assert_int_equal(count_named(b, "task_struct", BTF_KIND_FWD), 1);
	assert_int_equal(count_named(b, "sk_buff", BTF_KIND_STRUCT), 0);
	/* A few dozen types, not the kernel's hundred thousand. */
	assert_true(btf__type_cnt(b) < 100);
	assert_int_equal(header_lines(out, "struct task_struct;"), 1);
	assert_header_exact(out, "module-only.h");
	tg_btf__free(out);
	tg_btf__free(a);
}

static void test_merge_errors(void **state)
{
	struct tg_btf *a = open_on(fx.mod_a, fx.base), *small, *other, *a2;
	struct tg_btf *out = NULL, *none = NULL;
	struct {
		struct tg_merge_opts opts;
		char future[8];
	} big = { .opts.sz = sizeof(big) };

	(void)state;
	small = open_on(fx.small, NULL);
	/* Not a module. */
	assert_int_equal(tg_btf__merge(fx.base, &small, 1, NULL, &out),
			 -TG_ERRNO__NOTSPLIT);
	tg_test_assert_message(-TG_ERRNO__NOTSPLIT, "not a kernel module's BTF (split BTF)");
	/* A module on another base object, even of the same kernel. */
	other = open_on(fx.kernel, NULL);
	a2 = open_on(fx.mod_a, other);
	assert_int_equal(tg_btf__merge(fx.base, &a2, 1, NULL, &out),
			 -TG_ERRNO__NOTSPLIT);
	/* Arguments. */
	assert_int_equal(tg_btf__merge(fx.base, &a, 0, NULL, &out), -EINVAL);
	assert_int_equal(tg_btf__merge(NULL, &a, 1, NULL, &out), -EINVAL);
	assert_int_equal(tg_btf__merge(fx.base, &none, 1, NULL, &out), -EINVAL);
	assert_int_equal(tg_btf__merge(a, &a, 1, NULL, &out), -EINVAL);
	big.future[0] = 1;
	assert_int_equal(tg_btf__merge(fx.base, &a, 1, &big.opts, &out),
			 -EINVAL);
	assert_null(out);
	tg_btf__free(a2);
	tg_btf__free(other);
	tg_btf__free(small);
	tg_btf__free(a);
}

/* ---- raw BTF out ------------------------------------------------------------- */

/* What tg_btf__write_raw() writes, in memory. */
static void *write_raw(const struct tg_btf *btf, enum tg_byte_order order,
		       size_t *len)
{
	TG_OPTS(tg_raw_opts, opts, .byte_order = order);
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_int_equal(tg_btf__write_raw(btf, f, &opts), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void assert_file_equals(const char *path, const void *data, size_t len)
{
	size_t flen;
	void *fdata = tg_test_read_file(path, &flen);

	assert_int_equal(flen, len);
	assert_memory_equal(fdata, data, len);
	free(fdata);
}

/* Write @btf in @order, read it back (on @base), compare type by type. */
static void assert_round_trip(const struct tg_btf *btf,
			      enum tg_byte_order order,
			      const struct tg_btf *base, int want_endian)
{
	char *path = tmp("round-trip.btf");
	struct tg_btf *back;
	size_t len;
	void *data = write_raw(btf, order, &len);

	fx_write(path, data, len);
	back = open_on(path, base);
	assert_int_equal(btf__endianness(tg_btf__btf(back)), want_endian);
	fx_assert_same_types(tg_btf__btf(back), tg_btf__btf(btf),
			     base ? fx.base_cnt : 1);
	tg_btf__free(back);
	free(data);
	free(path);
}

static void test_write_raw_kernel(void **state)
{
	char *xz = tg_test_src_fixture("vmlinux-6.18.44.btf.xz");
	struct tg_btf *btf = open_on(xz, NULL), *be;
	char *be_path = tmp("vmlinux-be.btf");
	size_t len;
	void *data;

	(void)state;
	/* As the kernel gives it: byte for byte the fixture. */
	data = write_raw(btf, TG_BYTE_ORDER_INPUT, &len);
	assert_file_equals(fx.kernel, data, len);
	free(data);
	data = write_raw(btf, TG_BYTE_ORDER_NATIVE, &len);
	assert_file_equals(fx.kernel, data, len);
	free(data);

	/* Big-endian, and back. */
	assert_round_trip(btf, TG_BYTE_ORDER_BIG, NULL, BTF_BIG_ENDIAN);
	data = write_raw(btf, TG_BYTE_ORDER_BIG, &len);
	fx_write(be_path, data, len);
	free(data);
	be = open_on(be_path, NULL);
	/* The input's order by default, the asked one otherwise. */
	data = write_raw(be, TG_BYTE_ORDER_INPUT, &len);
	assert_file_equals(be_path, data, len);
	free(data);
	data = write_raw(be, TG_BYTE_ORDER_LITTLE, &len);
	assert_file_equals(fx.kernel, data, len);
	free(data);
	/* Writing did not change the object's own order. */
	assert_int_equal(btf__endianness(tg_btf__btf(be)), BTF_BIG_ENDIAN);
	tg_btf__free(be);
	tg_btf__free(btf);
	free(be_path);
	free(xz);
}

static void test_write_raw_module(void **state)
{
	char *xz = tmp("module_a.ko.xz");
	struct tg_btf *mod, *mods[2], *merged;
	size_t len;
	void *data;

	(void)state;
	fx_filter("xz -c", fx.mod_a_ko, xz);
	mod = open_on(xz, fx.base);
	/* Split, as /sys/kernel/btf/<module>: the module's part only. */
	data = write_raw(mod, TG_BYTE_ORDER_INPUT, &len);
	assert_file_equals(fx.mod_a, data, len);
	free(data);
	assert_round_trip(mod, TG_BYTE_ORDER_BIG, fx.base, BTF_BIG_ENDIAN);
	assert_round_trip(mod, TG_BYTE_ORDER_LITTLE, fx.base,
			  BTF_LITTLE_ENDIAN);

	/* Merged types are standalone. */
	mods[0] = mod;
	mods[1] = open_on(fx.mod_b, fx.base);
	merged = merge(mods, 2, true);
	assert_round_trip(merged, TG_BYTE_ORDER_BIG, NULL, BTF_BIG_ENDIAN);
	assert_round_trip(merged, TG_BYTE_ORDER_INPUT, NULL,
			  BTF_LITTLE_ENDIAN);
	tg_btf__free(merged);
	tg_btf__free(mods[1]);
	tg_btf__free(mod);
	free(xz);
}

static void test_write_raw_errors(void **state)
{
	TG_OPTS(tg_raw_opts, bad, .byte_order = 42);
	FILE *full = fopen("/dev/full", "w");

	(void)state;
	assert_int_equal(tg_btf__write_raw(fx.base, stdout, &bad), -EINVAL);
	assert_int_equal(tg_btf__write_raw(NULL, stdout, NULL), -EINVAL);
	assert_int_equal(tg_btf__write_raw(fx.base, NULL, NULL), -EINVAL);
	if (!full) {
		print_message("[  SKIP    ] /dev/full is missing\n");
		return;
	}
	/* Megabytes overflow the stdio buffer: the write fails at once. */
	assert_int_equal(tg_btf__write_raw(fx.base, full, NULL), -EIO);
	fclose(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_needs_base),
		cmocka_unit_test(test_open_module),
		cmocka_unit_test(test_base_unused_for_standalone),
		cmocka_unit_test(test_base_mismatch),
		cmocka_unit_test(test_real_module),
		cmocka_unit_test(test_merge_with_kernel),
		cmocka_unit_test(test_merge_pahole_module),
		cmocka_unit_test(test_merge_two_modules),
		cmocka_unit_test(test_module_only),
		cmocka_unit_test(test_merge_errors),
		cmocka_unit_test(test_write_raw_kernel),
		cmocka_unit_test(test_write_raw_module),
		cmocka_unit_test(test_write_raw_errors),
	};

	return cmocka_run_group_tests_name("split", tests, setup, teardown);
}
