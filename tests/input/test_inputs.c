// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tg_btf__open() on every form kernel types come in besides raw BTF and
 * ELF: compressed files, x86 boot images (vmlinuz), tar archives (btfhub),
 * BTF of the other byte order, and nestings of these. The fixtures are made
 * here from the committed kernel BTF and the compiled fixture objects. Each
 * loads to the same types as its source, type by type, and each broken
 * variant gives its own error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "typegen.h"
#include "input/input.h"
#include "tg_test.h"
#include "inputs.h"
#include "roundtrip.h"

/* The build ID given to the fixture ELF files. */
#define BUILD_ID "0123456789abcdef0123456789abcdef01234567"

static struct {
	char *dir;
	char *kernel;		/* raw kernel BTF (build/fixtures) */
	char *kernel_xz;	/* its committed .xz */
	struct btf *kernel_btf;
	char *small;		/* raw BTF of load_basic.bpf.o */
	struct btf *small_btf;
	char *small_elf;	/* an ELF file carrying it, with BUILD_ID */
	char *kernel_elf;	/* an ELF file carrying the kernel's */
} fx;

static char *tmp(const char *name)
{
	return tg_test_path("%s/%s", fx.dir, name);
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
	fx.kernel_xz = tg_test_src_fixture("vmlinux-6.18.44.btf.xz");
	fx.kernel_btf = btf__parse(fx.kernel, NULL);
	b = btf__parse_elf(obj, NULL);
	if (!fx.kernel_btf || !b) {
		fprintf(stderr, "fixtures missing: run `make fixtures` first\n");
		return -1;
	}
	raw = btf__raw_data(b, &sz);
	fx.small = tmp("small.btf");
	fx_write(fx.small, raw, sz);
	fx.small_btf = btf__new(raw, sz);
	btf__free(b);
	free(obj);

	fx.small_elf = tmp("small.elf");
	fx_elf_with_btf(fx.small, fx.small_elf, BUILD_ID);
	fx.kernel_elf = tmp("kernel.elf");
	fx_elf_with_btf(fx.kernel, fx.kernel_elf, BUILD_ID);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tg_test_rmtree(fx.dir);
	free(fx.dir);
	free(fx.kernel);
	free(fx.kernel_xz);
	btf__free(fx.kernel_btf);
	free(fx.small);
	btf__free(fx.small_btf);
	free(fx.small_elf);
	free(fx.kernel_elf);
	return 0;
}


/* Opens to @want's types, through exactly the layers given (0-ended). */
static struct tg_btf *assert_opens(const char *path, const struct btf *want,
				   ...)
{
	struct tg_btf *btf = NULL;
	enum tg_format fmt;
	va_list ap;
	size_t i = 0;
	int err;

	err = tg_btf__open(path, NULL, &btf);
	if (err) {
		char msg[256];

		tg_strerror(err, msg, sizeof(msg));
		fail_msg("%s: %s", path, msg);
	}
	fx_assert_same_types(tg_btf__btf(btf), want, 1);
	va_start(ap, want);
	while ((fmt = va_arg(ap, enum tg_format)) != TG_FORMAT_UNKNOWN) {
		if (tg_btf__layer(btf, i) != fmt)
			fail_msg("%s: layer %zu is %s, not %s", path, i,
				 tg_format__str(tg_btf__layer(btf, i)),
				 tg_format__str(fmt));
		i++;
	}
	va_end(ap);
	assert_int_equal(tg_btf__layer_cnt(btf), i);
	assert_int_equal(tg_btf__format(btf), tg_btf__layer(btf, 0));
	assert_string_equal(tg_btf__path(btf), path);
	return btf;
}

static void assert_open_fails(const char *path, int want)
{
	struct tg_btf *btf = NULL;
	int err = tg_btf__open(path, NULL, &btf);

	if (err != want) {
		char got[256], exp[256];

		tg_strerror(err, got, sizeof(got));
		tg_strerror(want, exp, sizeof(exp));
		fail_msg("%s: \"%s\", expected \"%s\"", path, got, exp);
	}
	assert_null(btf);
}

/* "@cmd < @in > (new file @name)"; returns the new file's path. */
static char *filtered(const char *cmd, const char *in, const char *name)
{
	char *out = tmp(name);

	fx_filter(cmd, in, out);
	return out;
}

static void check_roundtrip(const char *path)
{
	int checked = 0;

	assert_int_equal(rt_check_file(path, &checked), 0);
	assert_true(checked >= 2);
}

/* ---- compressed files -------------------------------------------------- */

static const struct {
	const char *name;
	const char *cmd;
	enum tg_format fmt;
} compressors[] = {
	{ "gzip", "gzip -c", TG_FORMAT_GZIP },
	{ "xz", "xz -c", TG_FORMAT_XZ },
	{ "zstd", "zstd -q -c", TG_FORMAT_ZSTD },
	{ "lzma", "xz --format=lzma -c", TG_FORMAT_LZMA },
	{ "bzip2", "bzip2 -c", TG_FORMAT_BZIP2 },
	{ "lz4", "lz4 -q -c", TG_FORMAT_LZ4 },
	{ "lz4-legacy", "lz4 -l -q -c", TG_FORMAT_LZ4 },
	{ "lzop", "lzop -c", TG_FORMAT_LZO },
};
#define COMPRESSOR_CNT (sizeof(compressors) / sizeof(compressors[0]))

/* Named by nothing: only the content says what each is. */
static void test_compressed_small(void **state)
{
	struct tg_btf *btf;
	char *path, name[64];
	size_t i;

	(void)state;
	for (i = 0; i < COMPRESSOR_CNT; i++) {
		snprintf(name, sizeof(name), "small-%zu.bin", i);
		path = filtered(compressors[i].cmd, fx.small, name);
		btf = assert_opens(path, fx.small_btf, compressors[i].fmt,
				   TG_FORMAT_RAW_BTF, TG_FORMAT_UNKNOWN);
		tg_btf__free(btf);
		free(path);

		snprintf(name, sizeof(name), "small-elf-%zu", i);
		path = filtered(compressors[i].cmd, fx.small_elf, name);
		btf = assert_opens(path, fx.small_btf, compressors[i].fmt,
				   TG_FORMAT_ELF, TG_FORMAT_UNKNOWN);
		tg_btf__free(btf);
		free(path);
	}
}

/* The kernel's 5.5 MB, as gzip, xz (the committed file) and zstd. */
static void test_compressed_kernel(void **state)
{
	char *gz = filtered("gzip -1 -c", fx.kernel, "vmlinux.btf.gz");
	char *zst = filtered("zstd -q -c", fx.kernel, "vmlinux.btf.zst");
	struct tg_btf *btf;

	(void)state;
	btf = assert_opens(fx.kernel_xz, fx.kernel_btf, TG_FORMAT_XZ,
			   TG_FORMAT_RAW_BTF, TG_FORMAT_UNKNOWN);
	assert_true(btf__find_by_name_kind(tg_btf__btf(btf), "task_struct",
					   BTF_KIND_STRUCT) > 0);
	tg_btf__free(btf);
	tg_btf__free(assert_opens(gz, fx.kernel_btf, TG_FORMAT_GZIP,
				  TG_FORMAT_RAW_BTF, TG_FORMAT_UNKNOWN));
	tg_btf__free(assert_opens(zst, fx.kernel_btf, TG_FORMAT_ZSTD,
				  TG_FORMAT_RAW_BTF, TG_FORMAT_UNKNOWN));
	free(gz);
	free(zst);
}

/* A compressed kernel module: .ko.xz, .ko.gz, .ko.zst holding an ELF. */
static void test_compressed_elf_header_compiles(void **state)
{
	char *path = filtered("zstd -q -c", fx.small_elf, "small.ko.zst");

	(void)state;
	check_roundtrip(path);
	free(path);
}

static void test_compressed_errors(void **state)
{
	char *gz = filtered("gzip -c", fx.small, "cut.gz");
	char *empty = tmp("empty"), *empty_gz;
	size_t len;
	void *data = tg_test_read_file(gz, &len);

	(void)state;
	/* A stream cut short. */
	fx_write(gz, data, len / 2);
	assert_open_fails(gz, -TG_ERRNO__ZTRUNC);
	tg_test_assert_message(-TG_ERRNO__ZTRUNC, "compressed data is truncated");
	/* The CRC-32 at the end, damaged. */
	((unsigned char *)data)[len - 8] ^= 1;
	fx_write(gz, data, len);
	assert_open_fails(gz, -TG_ERRNO__CHECKSUM);
	tg_test_assert_message(-TG_ERRNO__CHECKSUM, "compressed data fails its checksum");
	/* Only the start of a magic number. */
	fx_write(gz, "\x28\xb5\x2f", 3);
	assert_open_fails(gz, -TG_ERRNO__TRUNC);
	/* Decompresses to nothing. */
	fx_write(empty, "", 0);
	empty_gz = filtered("gzip -c", empty, "empty.gz");
	assert_open_fails(empty_gz, -TG_ERRNO__EMPTY);
	/* Decompresses to something else. */
	free(gz);
	fx_write(empty, "just text\n", 10);
	gz = filtered("gzip -c", empty, "text.gz");
	assert_open_fails(gz, -TG_ERRNO__FORMAT);
	free(empty_gz);
	free(empty);
	free(data);
	free(gz);
}

/* The size limit of tg_open_opts, against bombs. */
static void test_max_size(void **state)
{
	char *gz = filtered("gzip -1 -c", fx.small, "limit.gz");
	size_t raw_sz = fx_size(fx.small);
	struct tg_btf *btf = NULL;

	(void)state;
	{
		TG_OPTS(tg_open_opts, opts, .max_size = raw_sz - 1);

		assert_int_equal(tg_btf__open(gz, &opts, &btf),
				 -TG_ERRNO__TOOBIG);
		assert_null(btf);
	}
	{
		TG_OPTS(tg_open_opts, opts, .max_size = raw_sz);

		assert_int_equal(tg_btf__open(gz, &opts, &btf), 0);
		tg_btf__free(btf);
	}
	tg_test_assert_message(-TG_ERRNO__TOOBIG,
		       "decompressed data exceeds the size limit (1 GiB by default)");
	free(gz);
}

/* Compressed 7 times is fine; 8 layers of gzip and the BTF are too many. */
static void test_depth(void **state)
{
	char *path = strdup(fx.small), *next, name[32];
	struct tg_btf *btf;
	int i;

	(void)state;
	for (i = 1; i <= TG_MAX_LAYERS; i++) {
		snprintf(name, sizeof(name), "deep.%d.gz", i);
		next = filtered("gzip -c", path, name);
		free(path);
		path = next;
		if (i == TG_MAX_LAYERS - 1) {
			btf = NULL;
			assert_int_equal(tg_btf__open(path, NULL, &btf), 0);
			assert_int_equal(tg_btf__layer_cnt(btf), TG_MAX_LAYERS);
			tg_btf__free(btf);
		}
	}
	assert_open_fails(path, -TG_ERRNO__DEPTH);
	free(path);
}

/* ---- boot images --------------------------------------------------------- */

/* What the kernel's build runs for each compression of its image. */
static const struct {
	const char *cmd;
	enum tg_format fmt;
} kernel_compressors[] = {
	{ "gzip -n -9 -c", TG_FORMAT_GZIP },
	{ "xz --check=crc32 --x86 --lzma2=dict=32MiB -c", TG_FORMAT_XZ },
	{ "zstd -q -19 -c", TG_FORMAT_ZSTD },
	{ "xz --format=lzma -9 -c", TG_FORMAT_LZMA },
	{ "bzip2 -9 -c", TG_FORMAT_BZIP2 },
	{ "lz4 -l -9 -q -c", TG_FORMAT_LZ4 },
	{ "lzop -9 -c", TG_FORMAT_LZO },
};
#define KERNEL_COMPRESSOR_CNT \
	(sizeof(kernel_compressors) / sizeof(kernel_compressors[0]))

static char *make_bzimage(const char *elf, const char *cmd,
			  unsigned int proto, const char *name)
{
	char *payload = filtered(cmd, elf, "payload");
	char *path = tmp(name);

	fx_bzimage(payload, fx_size(elf), proto, path);
	unlink(payload);
	free(payload);
	return path;
}

static void assert_build_id(const struct tg_btf *btf)
{
	const unsigned char *id;
	char hex[2 * 20 + 1];
	size_t sz, i;

	id = tg_btf__build_id(btf, &sz);
	assert_non_null(id);
	assert_int_equal(sz, 20);
	for (i = 0; i < sz; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	assert_string_equal(hex, BUILD_ID);
}

static void test_bzimage_each_compression(void **state)
{
	struct tg_btf *btf;
	char *path;
	size_t i;

	(void)state;
	for (i = 0; i < KERNEL_COMPRESSOR_CNT; i++) {
		path = make_bzimage(fx.small_elf, kernel_compressors[i].cmd,
				    0x020f, "vmlinuz");
		btf = assert_opens(path, fx.small_btf, TG_FORMAT_BZIMAGE,
				   kernel_compressors[i].fmt, TG_FORMAT_ELF,
				   TG_FORMAT_UNKNOWN);
		assert_build_id(btf);
		tg_btf__free(btf);
		free(path);
	}
}

/* Debian's vmlinuz: xz, with the kernel's .BTF; its header compiles. */
static void test_bzimage_kernel(void **state)
{
	char *path = make_bzimage(fx.kernel_elf,
				  "xz --check=crc32 --x86 --lzma2=preset=1 -c",
				  0x020f,
				  "vmlinuz-6.18.44");
	char *hdr = tmp("vmlinuz.h"), *src = tmp("prog.c"), *cmd;
	struct tg_c_dumper *d = NULL;
	struct tg_btf *btf;
	static const char prog[] =
		"#include \"vmlinuz.h\"\n"
		"int pid_of(struct task_struct *t) { return t->pid; }\n";

	(void)state;
	btf = assert_opens(path, fx.kernel_btf, TG_FORMAT_BZIMAGE,
			   TG_FORMAT_XZ, TG_FORMAT_ELF, TG_FORMAT_UNKNOWN);
	assert_int_equal(tg_c_dumper__new(btf, NULL, &d), 0);
	assert_int_equal(rt_write_header(d, hdr), 0);
	fx_write(src, prog, strlen(prog));
	cmd = tg_test_path("%s -target bpf -O2 -c '%s' -o '%s.o'",
			   tg_test_clang(), src, src);
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	tg_c_dumper__free(d);
	tg_btf__free(btf);
	free(cmd);
	free(src);
	free(hdr);
	free(path);
}

/* No payload fields (boot protocol < 2.08): the payload is searched for. */
static void test_bzimage_scan(void **state)
{
	char *path = make_bzimage(fx.small_elf, "xz -c", 0x0206, "old-vmlinuz");
	struct tg_btf *btf;

	(void)state;
	btf = assert_opens(path, fx.small_btf, TG_FORMAT_BZIMAGE, TG_FORMAT_XZ,
			   TG_FORMAT_ELF, TG_FORMAT_UNKNOWN);
	tg_btf__free(btf);
	free(path);
	check_roundtrip(path = make_bzimage(fx.small_elf, "gzip -c", 0x0206,
					   "old-vmlinuz.gz"));
	free(path);
}

/* Where the check of the one-block .xz stream ending at @end is. */
static size_t xz_check(const unsigned char *p, size_t end)
{
	const unsigned char *footer = p + end - 12;
	size_t index_sz = ((size_t)(footer[4] | footer[5] << 8 |
				    footer[6] << 16 | footer[7] << 24) + 1) * 4;

	/* --check=crc32: 4 bytes. */
	assert_int_equal(footer[9] & 0xf, 1);
	return end - 12 - index_sz - 4;
}

static void test_bzimage_errors(void **state)
{
	char *path = make_bzimage(fx.small_elf, "xz --check=crc32 -c", 0x020f,
				  "bad-vmlinuz");
	char *nobtf_elf = tmp("nobtf.elf"), *cmd;
	unsigned char *data;
	size_t len;

	(void)state;
	data = tg_test_read_file(path, &len);
	/* Cut inside the payload. */
	fx_write(path, data, len / 2);
	assert_open_fails(path, -TG_ERRNO__TRUNC);
	/* The payload's check, right before its index. */
	data[xz_check(data, len - 512 - 4)] ^= 1;
	fx_write(path, data, len);
	assert_open_fails(path, -TG_ERRNO__CHECKSUM);
	/* No compressed kernel at all. */
	memset(data + 1024, 0, len - 1024);
	fx_write(path, data, len);
	assert_open_fails(path, -TG_ERRNO__KIMAGE);
	tg_test_assert_message(-TG_ERRNO__KIMAGE, "no kernel found in the boot image");
	free(path);

	/* A payload that is not ELF (raw BTF, compressed). */
	path = make_bzimage(fx.small, "gzip -c", 0x020f, "raw-vmlinuz");
	assert_open_fails(path, -TG_ERRNO__KIMAGE);
	free(path);
	/* A kernel built without BTF. */
	cmd = tg_test_path("cp /bin/true '%s'", nobtf_elf);
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	path = make_bzimage(nobtf_elf, "gzip -c", 0x020f, "nobtf-vmlinuz");
	assert_open_fails(path, -TG_ERRNO__NOBTF);
	free(path);
	free(cmd);
	free(nobtf_elf);
	free(data);
}

/* ---- kernel images that are not ELF ------------------------------------ */

/* Raw BTF of a 32-bit kernel: long is 4 bytes. */
static char *btf32(void)
{
	struct btf *b = btf__new_empty();
	char *path = tmp("btf32.btf");
	const void *raw;
	__u32 sz;
	int id;

	assert_non_null(b);
	id = btf__add_int(b, "long int", 4, BTF_INT_SIGNED);
	assert_true(id > 0);
	assert_true(btf__add_struct(b, "page", 4) > 0);
	assert_int_equal(btf__add_field(b, "flags", id, 0, 0), 0);
	raw = btf__raw_data(b, &sz);
	fx_write(path, raw, sz);
	btf__free(b);
	return path;
}

/* The fixture kernel's BTF in big-endian byte order, as s390x has it. */
static char *kernel_be(void)
{
	struct btf *b = btf__parse(fx.kernel, NULL);
	char *path = tmp("kernel-be.btf");
	const void *raw;
	__u32 sz;

	assert_non_null(b);
	assert_int_equal(btf__set_endianness(b, BTF_BIG_ENDIAN), 0);
	raw = btf__raw_data(b, &sz);
	fx_write(path, raw, sz);
	btf__free(b);
	return path;
}

static char *kimage(enum fx_kimage_kind kind, const char *btf,
		    const char *name)
{
	char *path = tmp(name);

	fx_kimage(kind, btf, path);
	return path;
}

static void assert_arch(const char *path, enum tg_arch arch,
			size_t ptr_size, enum btf_endianness order)
{
	struct tg_btf *btf;

	assert_int_equal(tg_btf__open(path, NULL, &btf), 0);
	assert_string_equal(tg_arch__str(tg_btf__arch(btf)),
			    tg_arch__str(arch));
	assert_int_equal(btf__pointer_size(tg_btf__btf(btf)), ptr_size);
	assert_int_equal(btf__endianness(tg_btf__btf(btf)), order);
	tg_btf__free(btf);
}

/* arm64, riscv, loongarch Image: the BTF found by content, the machine from the header. */
static void test_kimage_each_arch(void **state)
{
	static const struct {
		enum fx_kimage_kind kind;
		enum tg_arch arch;
	} kinds[] = {
		{ FX_ARM64, TG_ARCH_ARM64 },
		{ FX_ARM64_EFI, TG_ARCH_ARM64 },
		{ FX_RISCV, TG_ARCH_RISCV64 },
		{ FX_LOONGARCH, TG_ARCH_LOONGARCH64 },
	};
	char *be = kernel_be(), *path, *gz;
	struct tg_btf *btf;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		path = kimage(kinds[i].kind, fx.kernel, "Image");
		btf = assert_opens(path, fx.kernel_btf, TG_FORMAT_KIMAGE,
				   TG_FORMAT_UNKNOWN);
		tg_btf__free(btf);
		assert_arch(path, kinds[i].arch, 8, BTF_LITTLE_ENDIAN);
		free(path);
	}
	/* A big-endian arm64 kernel says so in its header. */
	path = kimage(FX_ARM64_BE, be, "Image-be");
	assert_arch(path, TG_ARCH_ARM64, 8, BTF_BIG_ENDIAN);
	/* Image.gz, as some distributions ship it. */
	gz = filtered("gzip -1 -c", path, "Image.gz");
	btf = assert_opens(gz, fx.kernel_btf, TG_FORMAT_GZIP, TG_FORMAT_KIMAGE,
			   TG_FORMAT_UNKNOWN);
	assert_string_equal(tg_arch__str(tg_btf__arch(btf)), "arm64");
	tg_btf__free(btf);
	free(gz);
	free(path);
	free(be);
}

/* Of several BTF blobs (the kernel embeds its preload programs'), the kernel's. */
static void test_kimage_largest(void **state)
{
	char *path = kimage(FX_ARM64, fx.kernel, "Image-two");
	unsigned char *data, *small;
	size_t len, small_len;
	struct tg_btf *btf;

	(void)state;
	data = tg_test_read_file(path, &len);
	small = tg_test_read_file(fx.small, &small_len);
	assert_true(0x200 + 300 + small_len < 0x200 + 8192);
	memcpy(data + 0x200 + 300, small, small_len);
	fx_write(path, data, len);
	btf = assert_opens(path, fx.kernel_btf, TG_FORMAT_KIMAGE,
			   TG_FORMAT_UNKNOWN);
	tg_btf__free(btf);
	free(small);
	free(data);
	free(path);
}

/* @path, its byte @back from the end flipped, to @out: it no longer decodes. */
static void spoil(const char *path, size_t back, enum tg_format fmt, int err,
		  const char *out)
{
	size_t len, dlen;
	unsigned char *data = tg_test_read_file(path, &len);
	void *dec = NULL;

	data[len - back] ^= 0xff;
	fx_write(out, data, len);
	/* Decoded to its end, it is refused: the load cannot go there. */
	assert_int_equal(tg_decompress(fmt, data, len, 0, SIZE_MAX, &dec,
				       &dlen), err);
	assert_null(dec);
	free(data);
}

/*
 * Decoding stops once the kernel's BTF is whole and checks: what the
 * stream holds past it, here its check spoiled, is never read. A stream
 * cut inside the BTF fails as it always did.
 */
static void test_early_stop(void **state)
{
	static const struct {
		const char *cmd;
		enum tg_format fmt;
		size_t back;	/* where its check is, from the end */
		int err;
	} comps[] = {
		{ "gzip -1 -n -c", TG_FORMAT_GZIP, 8, -TG_ERRNO__CHECKSUM },
		{ "zstd -q -1 --check -c", TG_FORMAT_ZSTD, 1,
		  -TG_ERRNO__CHECKSUM },
		{ "bzip2 -1 -c", TG_FORMAT_BZIP2, 2, -TG_ERRNO__CORRUPT },
	};
	/* A header that holds up, claiming 512 MiB: it never ends. */
	static const __u32 endless[] = {
		0x0001eb9f, 24, 0, 256 << 20, 256 << 20, 16,
	};
	char *image = kimage(FX_ARM64, fx.kernel, "Image");
	char *spoiled = tmp("Image.spoiled"), *z, *cli, *err;
	unsigned char *data;
	struct tg_btf *btf;
	size_t i, len;

	(void)state;
	/* Before the kernel's BTF: that one is still taken when whole. */
	data = tg_test_read_file(image, &len);
	memcpy(data + 0x200 + 2000, endless, sizeof(endless));
	fx_write(image, data, len);
	free(data);
	for (i = 0; i < sizeof(comps) / sizeof(comps[0]); i++) {
		z = filtered(comps[i].cmd, image, "Image.z");
		spoil(z, comps[i].back, comps[i].fmt, comps[i].err, spoiled);
		btf = assert_opens(spoiled, fx.kernel_btf, comps[i].fmt,
				   TG_FORMAT_KIMAGE, TG_FORMAT_UNKNOWN);
		assert_string_equal(tg_arch__str(tg_btf__arch(btf)), "arm64");
		tg_btf__free(btf);
		free(z);
	}

	/* Cut inside the BTF: the error of old, on one line. */
	z = filtered("gzip -1 -n -c", image, "Image.gz");
	data = tg_test_read_file(z, &len);
	fx_write(spoiled, data, len / 2);
	assert_open_fails(spoiled, -TG_ERRNO__ZTRUNC);
	cli = tg_test_cli();
	assert_int_equal(tg_test_runf(NULL, &err, "%s btf -i '%s' -o '%s.btf'",
				      cli, spoiled, spoiled), 1);
	assert_int_equal(tg_test_count_lines(err), 1);
	assert_non_null(strstr(err, spoiled));
	assert_non_null(strstr(err, "compressed data is truncated"));
	free(err);
	free(cli);
	free(data);
	free(z);

	/* A bzImage: the ELF kernel's build ID is in the notes before. */
	z = make_bzimage(fx.kernel_elf, "xz --check=crc32 -0 -c", 0x020f,
			 "vmlinuz-early");
	data = tg_test_read_file(z, &len);
	data[xz_check(data, len - 512 - 4)] ^= 1;
	fx_write(spoiled, data, len);
	btf = assert_opens(spoiled, fx.kernel_btf, TG_FORMAT_BZIMAGE,
			   TG_FORMAT_XZ, TG_FORMAT_ELF, TG_FORMAT_UNKNOWN);
	assert_build_id(btf);
	assert_int_equal(btf__pointer_size(tg_btf__btf(btf)), 8);
	tg_btf__free(btf);
	free(data);
	free(z);
	free(spoiled);
	free(image);
}

static char *boot_image(const char *type, enum fx_kimage_kind kind,
			const char *btf, const char *cmd, unsigned int machine,
			const char *name)
{
	char *kernel = kimage(kind, btf, "kernel.img");
	char *payload = filtered(cmd, kernel, "payload");
	char *path = tmp(name);

	fx_boot_image(type, payload, machine, path);
	unlink(kernel);
	unlink(payload);
	free(kernel);
	free(payload);
	return path;
}

static void test_kimage_zboot(void **state)
{
	static const struct {
		const char *cmd;
		enum tg_format fmt;
	} comps[] = {
		{ "gzip -1 -c", TG_FORMAT_GZIP },
		{ "xz --check=crc32 -c", TG_FORMAT_XZ },
		{ "zstd -q -c", TG_FORMAT_ZSTD },
	};
	struct tg_btf *btf;
	unsigned char *data;
	size_t i, len;
	char *path;

	(void)state;
	/* The kernel's BTF is big: the small one for the slower compressors. */
	for (i = 0; i < sizeof(comps) / sizeof(comps[0]); i++) {
		path = boot_image("zboot", FX_ARM64_EFI, i ? fx.small : fx.kernel,
				  comps[i].cmd, 0xaa64, "vmlinuz.efi");
		btf = assert_opens(path, i ? fx.small_btf : fx.kernel_btf,
				   TG_FORMAT_ZBOOT,
				   comps[i].fmt, TG_FORMAT_KIMAGE,
				   TG_FORMAT_UNKNOWN);
		assert_string_equal(tg_arch__str(tg_btf__arch(btf)), "arm64");
		tg_btf__free(btf);
		free(path);
	}
	path = boot_image("zboot", FX_RISCV, fx.kernel, "gzip -1 -c", 0x5064,
			  "riscv.efi");
	assert_arch(path, TG_ARCH_RISCV64, 8, BTF_LITTLE_ENDIAN);
	free(path);

	/* The PE header says riscv64, the kernel inside says arm64. */
	path = boot_image("zboot", FX_ARM64, fx.kernel, "gzip -1 -c", 0x5064,
			  "liar.efi");
	assert_open_fails(path, -TG_ERRNO__IMGARCH);
	/* Cut: the payload runs past the end. */
	data = tg_test_read_file(path, &len);
	fx_write(path, data, len / 2);
	assert_open_fails(path, -TG_ERRNO__TRUNC);
	free(data);
	free(path);
}

/* zImage and s390: no header says where the kernel is; it is found. */
static void test_kimage_zimage_s390(void **state)
{
	char *b32 = btf32(), *be = kernel_be(), *path;
	struct btf *want = btf__parse(b32, NULL);
	struct tg_btf *btf;

	(void)state;
	assert_non_null(want);
	path = boot_image("zimage", FX_NOHDR, b32, "gzip -c", 0, "zImage");
	btf = assert_opens(path, want, TG_FORMAT_ZIMAGE, TG_FORMAT_GZIP,
			   TG_FORMAT_KIMAGE, TG_FORMAT_UNKNOWN);
	tg_btf__free(btf);
	assert_arch(path, TG_ARCH_ARM, 4, BTF_LITTLE_ENDIAN);
	free(path);
	/* A 64-bit kernel's types in a 32-bit arm image. */
	path = boot_image("zimage", FX_NOHDR, fx.kernel, "gzip -1 -c", 0,
			  "zImage64");
	assert_open_fails(path, -TG_ERRNO__IMGARCH);
	free(path);
	/* Built without BTF; and no kernel at all. */
	path = boot_image("zimage", FX_NOHDR, NULL, "gzip -c", 0,
			  "zImage-nobtf");
	assert_open_fails(path, -TG_ERRNO__IMGNOBTF);
	free(path);
	path = tmp("zImage-empty");
	fx_boot_image("zimage", fx.kernel, 0, path);
	assert_open_fails(path, -TG_ERRNO__KIMAGE);
	free(path);

	path = boot_image("s390", FX_NOHDR, be, "xz --check=crc32 -c", 0,
			  "s390-image");
	assert_arch(path, TG_ARCH_S390X, 8, BTF_BIG_ENDIAN);
	free(path);
	/* s390x is big-endian only. */
	path = boot_image("s390", FX_NOHDR, fx.kernel, "gzip -1 -c", 0,
			  "s390-le");
	assert_open_fails(path, -TG_ERRNO__IMGARCH);
	free(path);
	btf__free(want);
	free(be);
	free(b32);
}

static void test_kimage_errors(void **state)
{
	char *b32 = btf32(), *path, *cmd, *empty = tmp("empty");
	unsigned char *data;
	__u32 far = 0x7fffffff;
	size_t off, len;

	(void)state;
	/* Built without BTF (Debian's armhf, s390x...): where to look. */
	path = kimage(FX_ARM64, NULL, "Image-nobtf");
	assert_open_fails(path, -TG_ERRNO__IMGNOBTF);
	tg_test_assert_message(-TG_ERRNO__IMGNOBTF, "kernel built without BTF; "
			       "read its debug vmlinux instead, typegen "
			       "converts its DWARF (Debian: linux-image-R-dbg, "
			       "/usr/lib/debug/boot/vmlinux-R)");
	free(path);
	/* Random bytes with stray BTF magic numbers: no format at all. */
	path = kimage(FX_NOHDR, NULL, "noise");
	assert_open_fails(path, -TG_ERRNO__FORMAT);
	free(path);

	/* Cut inside the BTF; an EFI image cut before it. */
	path = tmp("Image-cut");
	off = fx_kimage(FX_ARM64, fx.kernel, path);
	data = tg_test_read_file(path, &len);
	fx_write(path, data, off + (len - off) / 2);
	assert_open_fails(path, -TG_ERRNO__TRUNC);
	free(data);
	off = fx_kimage(FX_ARM64_EFI, fx.kernel, path);
	data = tg_test_read_file(path, &len);
	fx_write(path, data, off - 16);
	assert_open_fails(path, -TG_ERRNO__TRUNC);
	/* A BTF header that holds up, types that do not: a name past the strings. */
	memcpy(data + off + 24, &far, sizeof(far));
	fx_write(path, data, len);
	assert_open_fails(path, -TG_ERRNO__BTF);
	free(data);
	free(path);

	/* The header's machine against the types: long, byte order. */
	path = kimage(FX_ARM64, b32, "Image-32");
	assert_open_fails(path, -TG_ERRNO__IMGARCH);
	free(path);
	path = kimage(FX_ARM64_BE, fx.kernel, "Image-be-le");
	assert_open_fails(path, -TG_ERRNO__IMGARCH);
	free(path);

	/* A vmlinux (it exports symbols) without BTF or DWARF, and in a bzImage. */
	fx_write(empty, "", 0);
	path = tmp("vmlinux-nobtf");
	cmd = tg_test_path("llvm-objcopy-19 --add-section __ksymtab='%s' "
			   "/bin/true '%s'", empty, path);
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	assert_open_fails(path, -TG_ERRNO__IMGNOBTF);
	free(cmd);
	cmd = path;
	path = make_bzimage(cmd, "gzip -c", 0x020f, "vmlinuz-nobtf");
	assert_open_fails(path, -TG_ERRNO__IMGNOBTF);
	free(cmd);
	free(path);
	free(empty);
	free(b32);
}

/* ---- tar archives ---------------------------------------------------- */

/* tar @opts of the files in @files (relative to @dir) to @name. */
static char *make_tar(const char *dir, const char *files, const char *opts,
		      const char *name)
{
	char *path = tmp(name);
	char *cmd = tg_test_path("tar %s -C '%s' -cf '%s' %s", opts, dir, path,
				 files);

	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	free(cmd);
	return path;
}

/* A btfhub tree: <distro>/<version>/<arch>/<release>.btf, and a README. */
static char *btfhub_tree(const char *btf, const char *name)
{
	char *root = tmp(name);
	char *cmd = tg_test_path("mkdir -p '%s/ubuntu/22.04/x86_64' && "
				 "cp '%s' '%s/ubuntu/22.04/x86_64/5.15.0-1-generic.btf' && "
				 "echo 'kernel types' > '%s/README'",
				 root, btf, root, root);

	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	free(cmd);
	return root;
}

static void test_tar_btfhub(void **state)
{
	char *root = btfhub_tree(fx.kernel, "hub");
	char *tar = make_tar(root, "README ubuntu", "", "hub.tar");
	char *txz = filtered("xz -1 -c", tar, "5.15.0-1-generic.btf.tar.xz");
	char *tgz = filtered("gzip -1 -c", tar, "hub.tar.gz");
	char *tzst = filtered("zstd -q -c", tar, "hub.tar.zst");

	(void)state;
	tg_btf__free(assert_opens(tar, fx.kernel_btf, TG_FORMAT_TAR,
				  TG_FORMAT_RAW_BTF, TG_FORMAT_UNKNOWN));
	tg_btf__free(assert_opens(txz, fx.kernel_btf, TG_FORMAT_XZ,
				  TG_FORMAT_TAR, TG_FORMAT_RAW_BTF,
				  TG_FORMAT_UNKNOWN));
	tg_btf__free(assert_opens(tgz, fx.kernel_btf, TG_FORMAT_GZIP,
				  TG_FORMAT_TAR, TG_FORMAT_RAW_BTF,
				  TG_FORMAT_UNKNOWN));
	tg_btf__free(assert_opens(tzst, fx.kernel_btf, TG_FORMAT_ZSTD,
				  TG_FORMAT_TAR, TG_FORMAT_RAW_BTF,
				  TG_FORMAT_UNKNOWN));
	free(tzst);
	free(tgz);
	free(txz);
	free(tar);
	free(root);
}

static void test_tar_forms(void **state)
{
	char *root = tmp("forms"), *cmd, *path, *gz;
	static const char long_dir[] =
		"a-directory-name-long-enough/that-the-path-does-not-fit/"
		"in-the-hundred-bytes-of-a-ustar-name-field";

	(void)state;
	cmd = tg_test_path("mkdir -p '%s/%s' && cp '%s' '%s/%s/small.btf'",
			   root, long_dir, fx.small, root, long_dir);
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	free(cmd);
	/* GNU long names ('L' records) and pax headers ('x' records). */
	path = make_tar(root, "a-directory-name-long-enough", "--format=gnu",
			"gnu.tar");
	tg_btf__free(assert_opens(path, fx.small_btf, TG_FORMAT_TAR,
				  TG_FORMAT_RAW_BTF, TG_FORMAT_UNKNOWN));
	free(path);
	path = make_tar(root, "a-directory-name-long-enough", "--format=posix",
			"pax.tar");
	tg_btf__free(assert_opens(path, fx.small_btf, TG_FORMAT_TAR,
				  TG_FORMAT_RAW_BTF, TG_FORMAT_UNKNOWN));
	check_roundtrip(path);
	free(path);

	/* A compressed ELF file inside, and a file that is not BTF. */
	gz = tg_test_path("%s/small.ko.gz", root);
	fx_filter("gzip -c", fx.small_elf, gz);
	cmd = tg_test_path("cp /bin/true '%s/true'", root);
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	path = make_tar(root, "small.ko.gz true", "", "ko.tar");
	tg_btf__free(assert_opens(path, fx.small_btf, TG_FORMAT_TAR,
				  TG_FORMAT_GZIP, TG_FORMAT_ELF,
				  TG_FORMAT_UNKNOWN));
	free(path);
	free(cmd);
	free(gz);
	free(root);
}

static void test_tar_errors(void **state)
{
	char *root = btfhub_tree(fx.small, "tar-errors"), *cmd, *path, *txz;
	unsigned char *data;
	size_t len;

	(void)state;
	/* Nothing but a README. */
	path = make_tar(root, "README", "", "readme.tar");
	assert_open_fails(path, -TG_ERRNO__NOARCHBTF);
	tg_test_assert_message(-TG_ERRNO__NOARCHBTF, "archive holds no BTF file");
	txz = filtered("xz -c", path, "readme.tar.xz");
	assert_open_fails(txz, -TG_ERRNO__NOARCHBTF);
	free(txz);
	free(path);

	/* Two kernels' BTF. */
	cmd = tg_test_path("cp '%s' '%s/second.btf'", fx.small, root);
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	path = make_tar(root, "ubuntu second.btf", "", "two.tar");
	assert_open_fails(path, -TG_ERRNO__MULTIBTF);
	tg_test_assert_message(-TG_ERRNO__MULTIBTF, "archive holds more than one BTF file");
	free(path);

	/* A header whose checksum is wrong. */
	path = make_tar(root, "ubuntu", "", "one.tar");
	data = tg_test_read_file(path, &len);
	data[0] ^= 1;
	fx_write(path, data, len);
	assert_open_fails(path, -TG_ERRNO__TAR);
	tg_test_assert_message(-TG_ERRNO__TAR, "invalid tar archive");
	data[0] ^= 1;
	/* Cut inside the file. */
	fx_write(path, data, 512 * 4 + 10);
	assert_open_fails(path, -TG_ERRNO__TRUNC);
	/* The one BTF file inside is cut: its own error. */
	free(cmd);
	cmd = tg_test_path("head -c 100 '%s' > '%s/ubuntu/22.04/x86_64/5.15.0-1-generic.btf'",
			   fx.small, root);
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	free(path);
	path = make_tar(root, "ubuntu", "", "cut.tar");
	assert_open_fails(path, -TG_ERRNO__TRUNC);
	free(path);
	free(data);
	free(cmd);
	free(root);
}

/* ---- byte order ------------------------------------------------------ */

static void *swapped(const struct btf *btf, size_t *len)
{
	const void *raw;
	struct btf *copy;
	void *data;
	__u32 sz;

	raw = btf__raw_data(btf, &sz);
	copy = btf__new(raw, sz);
	assert_non_null(copy);
	assert_int_equal(btf__set_endianness(copy, BTF_BIG_ENDIAN), 0);
	raw = btf__raw_data(copy, &sz);
	data = malloc(sz);
	memcpy(data, raw, sz);
	*len = sz;
	btf__free(copy);
	return data;
}

static void test_big_endian(void **state)
{
	char *be = tmp("vmlinux-be.btf"), *be_zst, *src, *obj, *cmd;
	struct tg_btf *btf;
	size_t len;
	void *data = swapped(fx.kernel_btf, &len);

	(void)state;
	/* A big-endian kernel's BTF read here, plain and compressed. */
	assert_int_equal(((unsigned char *)data)[0], 0xeb);
	fx_write(be, data, len);
	btf = assert_opens(be, fx.kernel_btf, TG_FORMAT_RAW_BTF,
			   TG_FORMAT_UNKNOWN);
	assert_int_equal(btf__endianness(tg_btf__btf(btf)), BTF_BIG_ENDIAN);
	tg_btf__free(btf);
	be_zst = filtered("zstd -q -c", be, "vmlinux-be.btf.zst");
	btf = assert_opens(be_zst, fx.kernel_btf, TG_FORMAT_ZSTD,
			   TG_FORMAT_RAW_BTF, TG_FORMAT_UNKNOWN);
	assert_int_equal(btf__endianness(tg_btf__btf(btf)), BTF_BIG_ENDIAN);
	tg_btf__free(btf);

	/* What clang makes for a big-endian target. */
	src = tg_test_src_fixture("load_basic.c");
	obj = tmp("load_basic.bpfeb.o");
	cmd = tg_test_path("%s -g -O2 -target bpfeb -c '%s' -o '%s'",
			   tg_test_clang(), src, obj);
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	btf = assert_opens(obj, fx.small_btf, TG_FORMAT_ELF, TG_FORMAT_UNKNOWN);
	assert_int_equal(btf__endianness(tg_btf__btf(btf)), BTF_BIG_ENDIAN);
	tg_btf__free(btf);
	check_roundtrip(obj);
	free(cmd);
	free(obj);
	free(src);
	free(be_zst);
	free(be);
	free(data);
}

/* ---- the rest of the API ------------------------------------------------- */

static void test_open_mem_nested(void **state)
{
	char *root = btfhub_tree(fx.small, "mem");
	char *tar = make_tar(root, "ubuntu", "", "mem.tar");
	char *txz = filtered("xz -c", tar, "mem.tar.xz");
	struct tg_btf *btf = NULL;
	size_t len;
	void *data = tg_test_read_file(txz, &len);

	(void)state;
	assert_int_equal(tg_btf__open_mem(data, len, NULL, NULL, &btf), 0);
	fx_assert_same_types(tg_btf__btf(btf), fx.small_btf, 1);
	assert_int_equal(tg_btf__layer_cnt(btf), 3);
	assert_null(tg_btf__path(btf));
	assert_null(tg_btf__base(btf));
	assert_null(tg_btf__build_id(btf, &len));
	assert_int_equal(len, 0);
	tg_btf__free(btf);
	free(data);
	free(txz);
	free(tar);
	free(root);
}

static void test_format_names(void **state)
{
	static const char *const names[] = {
		"unknown", "raw BTF", "ELF", "gzip", "xz", "zstd", "lzma",
		"bzip2", "lz4", "lzo", "tar", "bzImage", "kernel Image",
		"EFI zboot", "zImage", "s390 image",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(tg_format__str(i), names[i]);
	assert_string_equal(tg_format__str(99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compressed_small),
		cmocka_unit_test(test_compressed_kernel),
		cmocka_unit_test(test_compressed_elf_header_compiles),
		cmocka_unit_test(test_compressed_errors),
		cmocka_unit_test(test_max_size),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_bzimage_each_compression),
		cmocka_unit_test(test_bzimage_kernel),
		cmocka_unit_test(test_bzimage_scan),
		cmocka_unit_test(test_bzimage_errors),
		cmocka_unit_test(test_kimage_each_arch),
		cmocka_unit_test(test_kimage_largest),
		cmocka_unit_test(test_early_stop),
		cmocka_unit_test(test_kimage_zboot),
		cmocka_unit_test(test_kimage_zimage_s390),
		cmocka_unit_test(test_kimage_errors),
		cmocka_unit_test(test_tar_btfhub),
		cmocka_unit_test(test_tar_forms),
		cmocka_unit_test(test_tar_errors),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_open_mem_nested),
		cmocka_unit_test(test_format_names),
	};

	return cmocka_run_group_tests_name("inputs", tests, setup, teardown);
}
