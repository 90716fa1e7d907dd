// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Hostile inputs that cost memory or time rather than crash: decompression
 * bombs (of zeros, of an ELF header and of a BTF header followed by
 * zeros, 4 GiB each in 200 KB of zstd), one budget across nested layers,
 * a decoder asking for a 1 GiB dictionary, a tar of bombs, devices,
 * sparse files and FIFOs as input, and a file truncated while read. Each
 * bound is checked by what it stops (an error, under a data-size rlimit
 * or a timeout far above the expected cost), never by a timed assertion;
 * bench/hostile.sh measures the costs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <gelf.h>
#include <zstd.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "typegen.h"
#include "input/input.h"
#include "core/core_relo.h"
#include "tg_test.h"
#include "inputs.h"
#include "guard.h"

#define MIB (1UL << 20)
/* Frames of 1 MiB, 4096 of them: 4 GiB decoded. */
#define BOMB_FRAMES 4096

static struct {
	char *dir;
	char *cli;
	char *kernel;		/* raw kernel BTF */
	char *obj;		/* a compiled BPF object */
	char *ext_obj;		/* one with a .BTF.ext */
} fx;

static char *tmp(const char *name)
{
	return tg_test_path("%s/%s", fx.dir, name);
}

static int setup(void **state)
{
	(void)state;
	tg_test_silence_libbpf();
	fx.dir = tg_test_mkdtemp();
	fx.cli = tg_test_cli();
	fx.kernel = tg_test_fixture("vmlinux-6.18.44.btf");
	fx.obj = tg_test_fixture("load_basic.bpf.o");
	fx.ext_obj = tg_test_fixture("dwarf_cases.bpf.o");
	return access(fx.kernel, R_OK) || access(fx.obj, R_OK) ||
	       access(fx.ext_obj, R_OK) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	tg_test_rmtree(fx.dir);
	free(fx.dir);
	free(fx.cli);
	free(fx.kernel);
	free(fx.obj);
	free(fx.ext_obj);
	return 0;
}

/* One zstd frame of @len bytes: @head, then zeros. malloc'ed. */
static void *zstd_frame(const void *head, size_t head_sz, size_t len,
			size_t *out_sz)
{
	unsigned char *in = calloc(1, len);
	size_t cap = ZSTD_compressBound(len);
	void *out = malloc(cap);

	assert_non_null(in);
	assert_non_null(out);
	if (head_sz)
		memcpy(in, head, head_sz);
	*out_sz = ZSTD_compress(out, cap, in, len, 19);
	assert_false(ZSTD_isError(*out_sz));
	free(in);
	return out;
}

/* A file of @frames frames of 1 MiB, the first starting with @head. */
static char *zstd_bomb(const char *name, const void *head, size_t head_sz,
		       unsigned int frames)
{
	char *path = tmp(name);
	size_t first_sz, zero_sz;
	void *first = zstd_frame(head, head_sz, MIB, &first_sz);
	void *zero = zstd_frame(NULL, 0, MIB, &zero_sz);
	FILE *f = fopen(path, "w");
	unsigned int i;

	assert_non_null(f);
	assert_int_equal(fwrite(first, 1, first_sz, f), first_sz);
	for (i = 1; i < frames; i++)
		assert_int_equal(fwrite(zero, 1, zero_sz, f), zero_sz);
	assert_int_equal(fclose(f), 0);
	free(first);
	free(zero);
	return path;
}

static void *read_head(const char *path, size_t len)
{
	size_t sz;
	unsigned char *all = tg_test_read_file(path, &sz);

	assert_non_null(all);
	assert_true(sz >= len);
	return all;
}

/*
 * The data limit the CLI runs under: 64 MiB, but for a sanitized build,
 * whose shadow memory alone is more.
 */
#ifdef __SANITIZE_ADDRESS__
#define DATA_LIMIT ""
#else
#define DATA_LIMIT "ulimit -d 65536;"
#endif

/*
 * `typegen btf -i @path` under a 64 MiB data limit and a 30 s timeout
 * must fail with one line ending in @msg.
 */
static void assert_cli_refuses(const char *path, const char *msg)
{
	char *out = tmp("out.btf"), *err = NULL;
	int rc;

	rc = tg_test_runf(NULL, &err,
			  "%s exec timeout 30 '%s' btf -i '%s' -o '%s'",
			  DATA_LIMIT, fx.cli, path, out);
	if (rc != 1 || !strstr(err, msg) || tg_test_count_lines(err) != 1)
		fail_msg("%s: exit %d, stderr \"%s\", expected \"%s\"", path,
			 rc, err, msg);
	assert_false(tg_test_file_exists(out));
	free(err);
	free(out);
}

/* Three 4 GiB bombs, each refused long before its size. */
static void test_bombs(void **state)
{
	unsigned char *elf = read_head(fx.obj, 64);
	unsigned char *btf = read_head(fx.kernel, 24);
	char *zeros, *elf_bomb, *btf_bomb;

	(void)state;
	zeros = zstd_bomb("zeros.zst", NULL, 0, BOMB_FRAMES);
	elf_bomb = zstd_bomb("elf.zst", elf, 64, BOMB_FRAMES);
	btf_bomb = zstd_bomb("btf.zst", btf, 24, BOMB_FRAMES);
	assert_cli_refuses(zeros, "not BTF, ELF, a boot image, a tar archive or compressed data");
	assert_cli_refuses(elf_bomb, "decompressed data runs past the size its own header gives");
	assert_cli_refuses(btf_bomb, "decompressed data runs past the size its own header gives");
	free(zeros);
	free(elf_bomb);
	free(btf_bomb);
	free(elf);
	free(btf);
}

/* A header that claims more than the budget is refused at once. */
static void test_claim_past_budget(void **state)
{
	unsigned char *btf = read_head(fx.kernel, 24);
	struct btf_header *h = (struct btf_header *)btf;
	struct tg_btf *out = NULL;
	char *path;

	(void)state;
	h->str_len = 0xf0000000;
	path = zstd_bomb("claim.zst", btf, 24, 1);
	assert_int_equal(tg_btf__open(path, NULL, &out), -TG_ERRNO__TOOBIG);
	assert_null(out);
	free(path);
	free(btf);
}

/*
 * The budget is for all layers together: gzip around gzip around the
 * kernel's BTF needs the BTF's size plus the inner gzip's.
 */
static void test_budget_across_layers(void **state)
{
	char *gz1 = tmp("k.gz"), *gz2 = tmp("k.gz.gz");
	size_t raw = fx_size(fx.kernel), inner;
	struct tg_btf *btf = NULL;

	(void)state;
	fx_filter("gzip -1 -c", fx.kernel, gz1);
	fx_filter("gzip -1 -c", gz1, gz2);
	inner = fx_size(gz1);
	{
		TG_OPTS(tg_open_opts, opts, .max_size = raw + inner - 1);

		assert_int_equal(tg_btf__open(gz2, &opts, &btf),
				 -TG_ERRNO__TOOBIG);
	}
	{
		TG_OPTS(tg_open_opts, opts, .max_size = raw + inner);

		assert_int_equal(tg_btf__open(gz2, &opts, &btf), 0);
		tg_btf__free(btf);
	}
	/* The CLI's way to set it. */
	{
		char *out = tmp("env.btf"), *err = NULL;

		assert_int_equal(tg_test_runf(NULL, &err,
			"TYPEGEN_MAX_DECOMPRESSED=%zu '%s' btf -i '%s' -o '%s'",
			raw + inner - 1, fx.cli, gz2, out), 1);
		assert_non_null(strstr(err, "exceeds the size limit"));
		free(err);
		assert_int_equal(tg_test_runf(NULL, NULL,
			"TYPEGEN_MAX_DECOMPRESSED=%zuK '%s' btf -i '%s' -o '%s'",
			(raw + inner) / 1024 + 1, fx.cli, gz2, out), 0);
		free(out);
	}
	free(gz1);
	free(gz2);
}

/* A .lzma stream whose header asks for a 1 GiB dictionary. */
static void test_lzma_dictionary(void **state)
{
	char *lz = tmp("big-dict.lzma");
	unsigned char *data;
	struct tg_btf *btf = NULL;
	size_t sz;

	(void)state;
	fx_filter("xz --format=lzma -1 -c", fx.kernel, lz);
	data = tg_test_read_file(lz, &sz);
	assert_non_null(data);
	/* The dictionary size, little-endian, after the properties byte. */
	data[1] = 0;
	data[2] = 0;
	data[3] = 0;
	data[4] = 0x40;
	fx_write(lz, data, sz);
	assert_int_equal(tg_btf__open(lz, NULL, &btf), -TG_ERRNO__TOOBIG);
	free(data);
	free(lz);
}

/* Twenty 4 GiB bombs in a tar: each refused after its first kilobytes. */
static void test_tar_of_bombs(void **state)
{
	char *dir = tmp("bombs"), *tar = tmp("bombs.tar"), *name, *bomb;
	int i;

	(void)state;
	assert_int_equal(mkdir(dir, 0755), 0);
	bomb = zstd_bomb("bombs/b0.btf.zst", NULL, 0, BOMB_FRAMES);
	for (i = 1; i < 20; i++) {
		name = tg_test_path("%s/b%d.btf.zst", dir, i);
		assert_int_equal(tg_test_runf(NULL, NULL, "cp '%s' '%s'", bomb,
					      name), 0);
		free(name);
	}
	assert_int_equal(tg_test_runf(NULL, NULL, "tar -C '%s' -cf '%s' .",
				      dir, tar), 0);
	assert_cli_refuses(tar, "archive holds no BTF file");
	free(bomb);
	free(dir);
	free(tar);
}

/* Devices and sparse files: the first bytes say they are no input. */
static void test_devices_and_sparse(void **state)
{
	char *zero = tmp("zero"), *urandom = tmp("urandom");
	char *sparse = tmp("sparse"), *fifo = tmp("fifo");
	struct tg_btf *btf = NULL;
	int fd;

	(void)state;
	assert_int_equal(mknod(zero, S_IFCHR | 0600, makedev(1, 5)), 0);
	assert_int_equal(mknod(urandom, S_IFCHR | 0600, makedev(1, 9)), 0);
	fd = open(sparse, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 10ULL << 30), 0);
	close(fd);
	assert_cli_refuses(zero, "not BTF, ELF, a boot image");
	assert_cli_refuses(urandom, "not BTF, ELF, a boot image");
	assert_cli_refuses(sparse, "not BTF, ELF, a boot image");

	/* open() itself would wait for a writer forever. */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(tg_btf__open(fifo, NULL, &btf), -TG_ERRNO__NOWRITER);
	assert_null(btf);
	free(zero);
	free(urandom);
	free(sparse);
	free(fifo);
}

/*
 * The input replaced (truncated, then rewritten) again and again while
 * typegen reads it: errors are fine, a signal is not. A mapped file
 * gives SIGBUS (exit 135) when its pages go. Its .BTF, and its DWARF
 * (typegen's own), whose pages are dropped and read back as converted;
 * and the kernel's file as --for's direct cache hashes it. @args follow
 * the CLI, with %1$s for the input and %2$s for the output; @runs runs.
 */
static void race(const char *copy, const char *args, int runs)
{
	char *elf = tmp("race.elf"), *out = tmp("race.out"), *err = NULL;
	char *cmd;
	int rc, i;

	assert_true(asprintf(&cmd, args, elf, out) > 0);
	for (i = 0; i < runs; i++) {
		assert_int_equal(tg_test_runf(NULL, NULL, "cp '%s' '%s'", copy,
					      elf), 0);
		rc = tg_test_runf(NULL, &err,
				  "(while :; do : > '%s'; cp '%s' '%s'; done) & w=$!; "
				  "'%s' %s; rc=$?; kill $w; wait $w 2>/dev/null; exit $rc",
				  elf, copy, elf, fx.cli, cmd);
		if (rc > 1)
			fail_msg("%s run %d: exit %d: %s", cmd, i, rc, err);
		free(err);
		err = NULL;
	}
	free(cmd);
	free(elf);
	free(out);
}

static void test_truncated_while_read(void **state)
{
	char *copy = tmp("race.copy"), *prog = tmp("race.bpf.c");
	char *cache = tmp("race.cache"), *args;
	FILE *f = fopen(prog, "w");

	(void)state;
	assert_non_null(f);
	fputs("#include \"vmlinux.h\"\n"
	      "int f(struct xdp_md *ctx) { return ctx->data ? XDP_PASS : XDP_DROP; }\n",
	      f);
	assert_int_equal(fclose(f), 0);
	fx_elf_with_btf(fx.kernel, copy, NULL);
	race(copy, "btf -i '%1$s' -o '%2$s'", 20);
	race(fx.cli, "btf --from-dwarf -i '%1$s' -o '%2$s'", 20);
	/* a cache of its own: each run hashes the kernel's file first
	 * (mapped, that gave SIGBUS in about 1 run in 10) */
	assert_true(asprintf(&args, "dump -i '%%1$s' --for '%s' -o '%%2$s' -- -target bpf",
			     prog) > 0);
	setenv("TYPEGEN_CACHE_DIR", cache, 1);
	race(fx.kernel, args, 60);
	unsetenv("TYPEGEN_CACHE_DIR");
	free(args);
	free(cache);
	free(prog);
	free(copy);
}

/*
 * A CO-RE relocation section of 1 to 3 bytes, as the last bytes of the
 * object, read from a buffer that ends at an unmapped page: reading its
 * record size would fault.
 */
static void test_btf_ext_guard_page(void **state)
{
	size_t sz, total, i;
	unsigned char *obj = tg_test_read_file(fx.ext_obj, &sz), *img;
	Elf64_Ehdr eh;
	Elf64_Shdr sh, shstr;
	struct tg_core_obj o;
	struct guarded g = { 0 };
	struct {
		__u16 magic;
		__u8 version, flags;
		__u32 hdr_len, fi_off, fi_len, li_off, li_len, cr_off, cr_len;
	} ext = { 0xeb9f, 1, 0, 32, 0, 0, 0, 0, 0, 0 };
	unsigned int len;

	(void)state;
	assert_non_null(obj);
	memcpy(&eh, obj, sizeof(eh));
	memcpy(&shstr, obj + eh.e_shoff + eh.e_shstrndx * sizeof(sh),
	       sizeof(shstr));
	for (len = 1; len <= 3; len++) {
		total = sz + sizeof(ext) + len;
		img = calloc(1, total);
		assert_non_null(img);
		memcpy(img, obj, sz);
		ext.cr_len = len;
		memcpy(img + sz, &ext, sizeof(ext));
		/* Point .BTF.ext at the new bytes, the file's last. */
		for (i = 0; i < eh.e_shnum; i++) {
			memcpy(&sh, img + eh.e_shoff + i * sizeof(sh), sizeof(sh));
			if (strcmp((char *)img + shstr.sh_offset + sh.sh_name,
				   ".BTF.ext"))
				continue;
			sh.sh_offset = sz;
			sh.sh_size = sizeof(ext) + len;
			memcpy(img + eh.e_shoff + i * sizeof(sh), &sh, sizeof(sh));
		}
		assert_int_equal(guarded_copy(img, total, &g), 0);
		assert_int_equal(tg_core_obj_load_mem(g.data, total, "guard.o",
						      &o), -TG_ERRNO__RELO);
		guarded_free(&g);
		free(img);
	}
	free(obj);
}

/*
 * One enum of 65,535 enumerators with the same name, twice: every clash
 * used to hash the whole enum again (66 s for one, 248 s for two).
 */
static void test_enum_same_names(void **state)
{
	struct btf *b = btf__new_empty();
	char *path = tmp("enum.btf"), *out = tmp("enum.h"), *err = NULL;
	const void *raw;
	__u32 sz;
	int i, e, rc;

	(void)state;
	assert_non_null(b);
	for (e = 0; e < 2; e++) {
		assert_true(btf__add_enum(b, e ? "F" : "E", 4) > 0);
		for (i = 0; i < 0xffff; i++)
			assert_int_equal(btf__add_enum_value(b, "X", i), 0);
	}
	raw = btf__raw_data(b, &sz);
	fx_write(path, raw, sz);
	rc = tg_test_runf(NULL, &err, "timeout 30 '%s' dump -i '%s' -o '%s'",
			  fx.cli, path, out);
	if (rc)
		fail_msg("exit %d: %s", rc, err);
	free(err);
	free(out);
	free(path);
	btf__free(b);
}

/*
 * A 2 MB boot image of gzip headers whose file name never ends: zlib
 * read each name to the end of the image (199 s); the scan now knows
 * where the next NUL is.
 */
static void test_bzimage_endless_names(void **state)
{
	static const unsigned char hdr[10] = {
		0x1f, 0x8b, 0x08, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	size_t len = 2 * MIB, i;
	unsigned char *payload = malloc(len);
	char *pl = tmp("names.payload"), *img = tmp("names.vmlinuz");

	(void)state;
	assert_non_null(payload);
	for (i = 0; i < len; i++)
		payload[i] = hdr[i % sizeof(hdr)];
	fx_write(pl, payload, len);
	/* Protocol 2.06: no payload fields, the image is scanned. */
	fx_bzimage(pl, 0x01010101, 0x0206, img);
	assert_cli_refuses(img, "no kernel found in the boot image");
	free(payload);
	free(pl);
	free(img);
}

/* ---- types the kernel's checker would refuse ------------------------- */

static int new_rule_btf(struct btf **bp, __u32 *i32)
{
	*bp = btf__new_empty();
	assert_non_null(*bp);
	*i32 = btf__add_int(*bp, "int", 4, BTF_INT_SIGNED);
	return *i32 > 0 ? 0 : -1;
}

/* tg_btf__open_mem() of @b's raw bytes; frees @b. */
static int open_rule_btf(struct btf *b)
{
	struct tg_btf *tb = NULL;
	const void *raw;
	__u32 sz;
	int err;

	raw = btf__raw_data(b, &sz);
	assert_non_null(raw);
	err = tg_btf__open_mem(raw, sz, "rules.btf", NULL, &tb);
	tg_btf__free(tb);
	btf__free(b);
	return err;
}

static void test_names_are_identifiers(void **state)
{
	static const char *const bad[] = {
		"x; }\n#define bpf_printk(...) 0\nstruct y",
		"with space", "9lives", "for", "tab\there",
	};
	char *path = tmp("inject.btf"), *out = tmp("inject.h"), *err = NULL;
	struct btf *b;
	const void *raw;
	__u32 i32, sz, i;
	int id, rc;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(new_rule_btf(&b, &i32), 0);
		id = btf__add_struct(b, "s", 8);
		assert_true(id > 0);
		/* An anonymous member is fine. */
		assert_int_equal(btf__add_field(b, NULL, i32, 0, 0), 0);
		assert_int_equal(btf__add_field(b, bad[i], i32, 32, 0), 0);
		assert_int_equal(open_rule_btf(b), -TG_ERRNO__NAME);
	}

	/* The injection, end to end: one line of error, no header. */
	assert_int_equal(new_rule_btf(&b, &i32), 0);
	assert_true(btf__add_struct(b, bad[0], 4) > 0);
	assert_int_equal(btf__add_field(b, "a", i32, 0, 0), 0);
	raw = btf__raw_data(b, &sz);
	fx_write(path, raw, sz);
	btf__free(b);
	rc = tg_test_runf(NULL, &err, "'%s' dump -i '%s' -o '%s'", fx.cli,
			  path, out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(err, "BTF name that is not a C identifier"));
	assert_int_equal(tg_test_count_lines(err), 1);
	assert_false(tg_test_file_exists(out));
	free(err);
	free(path);
	free(out);
}

static void test_kernel_rules(void **state)
{
	struct btf_type *t;
	struct btf *b;
	__u32 i32;
	int id, fp, k;

	(void)state;
	/* A bitfield on a pointer, then on a struct. */
	for (k = 0; k < 2; k++) {
		assert_int_equal(new_rule_btf(&b, &i32), 0);
		id = k ? btf__add_struct(b, "inner", 4) : btf__add_ptr(b, i32);
		if (k)
			assert_int_equal(btf__add_field(b, "x", i32, 0, 0), 0);
		assert_true(btf__add_struct(b, "outer", 8) > 0);
		assert_int_equal(btf__add_field(b, "bf", id, 0, 3), 0);
		assert_int_equal(open_rule_btf(b), -TG_ERRNO__BITFIELD);
	}

	/* An INT of 64 bits in 4 bytes. */
	assert_int_equal(new_rule_btf(&b, &i32), 0);
	t = (struct btf_type *)btf__type_by_id(b, i32);
	*(__u32 *)(t + 1) = BTF_INT_SIGNED << 24 | 64;
	assert_int_equal(open_rule_btf(b), -TG_ERRNO__INTSIZE);

	/* An array of functions. */
	assert_int_equal(new_rule_btf(&b, &i32), 0);
	fp = btf__add_func_proto(b, i32);
	assert_true(btf__add_array(b, i32, fp, 4) > 0);
	assert_int_equal(open_rule_btf(b), -TG_ERRNO__BADTYPE);

	/* A lone vararg, then a void parameter. */
	for (k = 0; k < 2; k++) {
		assert_int_equal(new_rule_btf(&b, &i32), 0);
		fp = btf__add_func_proto(b, i32);
		assert_int_equal(btf__add_func_param(b, k ? "a" : NULL, 0), 0);
		if (k)
			assert_int_equal(btf__add_func_param(b, "b", i32), 0);
		assert_true(btf__add_func(b, "f", BTF_FUNC_GLOBAL, fp) > 0);
		assert_int_equal(open_rule_btf(b), -TG_ERRNO__PARAM);
	}

	/* Two members of one name. */
	assert_int_equal(new_rule_btf(&b, &i32), 0);
	assert_true(btf__add_struct(b, "twice", 8) > 0);
	assert_int_equal(btf__add_field(b, "a", i32, 0, 0), 0);
	assert_int_equal(btf__add_field(b, "a", i32, 32, 0), 0);
	assert_int_equal(open_rule_btf(b), -TG_ERRNO__DUPNAME);

	/* A chain of 300 qualifiers: refused at load, for every command. */
	assert_int_equal(new_rule_btf(&b, &i32), 0);
	id = i32;
	for (k = 0; k < 300; k++)
		id = btf__add_const(b, id);
	assert_true(btf__add_typedef(b, "deep_t", id) > 0);
	assert_int_equal(open_rule_btf(b), -TG_ERRNO__DEEP);
}

/*
 * Every C keyword is refused as a name, and names a letter away from one
 * are not; repeated member names are found among many, wherever they sit
 * in the string section.
 */
static void test_keywords_and_repeats(void **state)
{
	static const char *const keywords[] = {
		"_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex",
		"_Generic", "_Imaginary", "_Noreturn", "_Static_assert",
		"_Thread_local", "auto", "break", "case", "char", "const",
		"continue", "default", "do", "double", "else", "enum", "extern",
		"float", "for", "goto", "if", "inline", "int", "long",
		"register", "restrict", "return", "short", "signed", "sizeof",
		"static", "struct", "switch", "typedef", "union", "unsigned",
		"void", "volatile", "while",
	};
	static const char *const fine[] = {
		"d", "i", "fo", "in", "Int", "int_", "_int", "lon", "longs",
		"_Boo", "_Bool_", "whil", "whilee", "unsigne", "unsignedd",
		"_Static_asser", "_Thread_locals", "dp", "if1", "kfor",
	};
	struct tg_btf *tb = NULL;
	char name[16], *raw;
	const void *data;
	struct btf *b;
	__u32 i32, i, sz;
	int id;

	(void)state;
	for (i = 0; i < sizeof(keywords) / sizeof(*keywords); i++) {
		/* as a member, then as a typedef */
		assert_int_equal(new_rule_btf(&b, &i32), 0);
		assert_true(btf__add_struct(b, "s", 4) > 0);
		assert_int_equal(btf__add_field(b, keywords[i], i32, 0, 0), 0);
		assert_int_equal(open_rule_btf(b), -TG_ERRNO__NAME);
		assert_int_equal(new_rule_btf(&b, &i32), 0);
		assert_true(btf__add_typedef(b, keywords[i], i32) > 0);
		assert_int_equal(open_rule_btf(b), -TG_ERRNO__NAME);
	}
	assert_int_equal(new_rule_btf(&b, &i32), 0);
	assert_true(btf__add_struct(b, "s", 4 * 20) > 0);
	for (i = 0; i < sizeof(fine) / sizeof(*fine); i++)
		assert_int_equal(btf__add_field(b, fine[i], i32, 32 * i, 0), 0);
	assert_int_equal(open_rule_btf(b), 0);

	/* 300 distinct names, the last two then made one at two offsets */
	assert_int_equal(new_rule_btf(&b, &i32), 0);
	id = btf__add_struct(b, "many", 4 * 300);
	assert_true(id > 0);
	for (i = 0; i < 298; i++) {
		snprintf(name, sizeof(name), "m%u", i);
		assert_int_equal(btf__add_field(b, name, i32, 32 * i, 0), 0);
	}
	assert_int_equal(btf__add_field(b, "zz_a", i32, 32 * 298, 0), 0);
	assert_int_equal(btf__add_field(b, "zz_b", i32, 32 * 299, 0), 0);
	data = btf__raw_data(b, &sz);
	raw = malloc(sz);
	assert_non_null(raw);
	memcpy(raw, data, sz);
	assert_int_equal(open_rule_btf(b), 0);
	memcpy(memmem(raw, sz, "zz_b", 5), "zz_a", 5);
	assert_int_equal(tg_btf__open_mem(raw, sz, "repeat.btf", NULL, &tb),
			 -TG_ERRNO__DUPNAME);
	assert_null(tb);
	/* a repeat is found wherever the pair sits in the struct */
	memcpy(memmem(raw, sz, "m7", 3), "m3", 3);
	memcpy(memmem(raw, sz, "zz_a", 5), "zz_c", 5);
	assert_int_equal(tg_btf__open_mem(raw, sz, "repeat.btf", NULL, &tb),
			 -TG_ERRNO__DUPNAME);
	memcpy(memmem(raw, sz, "m3", 3), "m7", 3);
	assert_int_equal(tg_btf__open_mem(raw, sz, "repeat.btf", NULL, &tb),
			 0);
	tg_btf__free(tb);
	free(raw);
}

/* The first named struct or function at or after @id. */
static struct btf_type *named_from(struct btf *b, __u32 id)
{
	const struct btf_type *t;

	for (; id < btf__type_cnt(b); id++) {
		t = btf__type_by_id(b, id);
		if (t->name_off && (btf_is_struct(t) || btf_is_func(t)))
			return (struct btf_type *)t;
	}
	fail_msg("no struct or function after type %u", id);
	return NULL;
}

/*
 * A whole kernel's types are checked on two threads, the first types on
 * one and the rest and the chains on the other: a fault is found in
 * either part, and the one reported is still the fault of lowest id, a
 * type's before a chain's.
 */
static void test_rules_of_a_kernel(void **state)
{
	static const int want[] = {
		-TG_ERRNO__NAME, -TG_ERRNO__INTSIZE, -TG_ERRNO__NAME,
		-TG_ERRNO__DEEP, -TG_ERRNO__INTSIZE, -TG_ERRNO__NAME,
	};
	__u32 i32, off, k, q;
	struct btf_type *t;
	struct btf *b;
	int id;

	(void)state;
	for (k = 0; k < 6; k++) {
		b = btf__parse(fx.kernel, NULL);
		assert_non_null(b);
		assert_true(btf__type_cnt(b) > 20000);
		i32 = btf__find_by_name_kind(b, "int", BTF_KIND_INT);
		off = btf__add_str(b, "not a name");
		assert_true(i32 > 0 && off > 0);
		/* early: on the first thread's side */
		if (k == 0 || k == 2 || k == 5)
			named_from(b, 100)->name_off = off;
		if (k >= 3) {
			/* a chain too deep */
			id = i32;
			for (q = 0; q < 300; q++)
				id = btf__add_const(b, id);
			assert_true(btf__add_typedef(b, "deep_t", id) > 0);
		}
		/* late: on the other side, with the chains */
		if (k == 1 || k == 2 || k == 4) {
			id = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
			assert_true(id > 0);
			t = (struct btf_type *)btf__type_by_id(b, id);
			*(__u32 *)(t + 1) = BTF_INT_SIGNED << 24 | 64;
		}
		assert_int_equal(open_rule_btf(b), want[k]);
	}
	/* the kernel as it is passes */
	b = btf__parse(fx.kernel, NULL);
	assert_non_null(b);
	assert_int_equal(open_rule_btf(b), 0);
}

/* A module's broken type is reported against the module, not the base. */
static void test_module_blamed(void **state)
{
	struct btf *base = btf__parse(fx.kernel, NULL);
	char *mod_obj = tg_test_fixture("module_a.bpf.o");
	char *mod = tmp("bad_module.btf"), *out = tmp("mod.h"), *err = NULL;
	unsigned char *raw, *p;
	size_t len;

	(void)state;
	assert_non_null(base);
	raw = fx_split_btf(mod_obj, base, &len);
	p = memmem(raw, len, "tg_shared", 10);
	assert_non_null(p);
	*p = '-';
	fx_write(mod, raw, len);
	assert_int_equal(tg_test_runf(NULL, &err,
		"'%s' dump -i '%s' --module '%s' -o '%s'", fx.cli, fx.kernel,
		mod, out), 1);
	if (!strstr(err, mod) || !strstr(err, "not a C identifier"))
		fail_msg("blamed: %s", err);
	free(err);
	free(raw);
	free(mod);
	free(out);
	free(mod_obj);
	btf__free(base);
}

/* 128 KiB of padding: refused by the emitter, with the reason. */
static void test_padding_message(void **state)
{
	char *path = tmp("pad.btf"), *out = tmp("pad.h"), *err = NULL;
	const void *raw;
	struct btf *b;
	__u32 i32, sz;

	(void)state;
	assert_int_equal(new_rule_btf(&b, &i32), 0);
	assert_true(btf__add_struct(b, "padded", 128 * 1024) > 0);
	assert_int_equal(btf__add_field(b, "a", i32, 0, 0), 0);
	raw = btf__raw_data(b, &sz);
	fx_write(path, raw, sz);
	btf__free(b);
	assert_int_equal(tg_test_runf(NULL, &err, "'%s' dump -i '%s' -o '%s'",
				      fx.cli, path, out), 1);
	assert_non_null(strstr(err, "more than 64 KiB of padding"));
	free(err);
	free(path);
	free(out);
}

/* A header of 25 bytes puts every type off 4-byte alignment. */
static void test_misaligned_types(void **state)
{
	struct tg_btf *tb = NULL;
	struct btf_header h;
	unsigned char *buf;
	const void *raw;
	struct btf *b;
	__u32 i32, sz;

	(void)state;
	assert_int_equal(new_rule_btf(&b, &i32), 0);
	raw = btf__raw_data(b, &sz);
	buf = calloc(1, sz + 1);
	assert_non_null(buf);
	memcpy(&h, raw, sizeof(h));
	h.hdr_len = sizeof(h) + 1;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h) + 1, (const char *)raw + sizeof(h),
	       sz - sizeof(h));
	assert_int_equal(tg_btf__open_mem(buf, sz + 1, "h25.btf", NULL, &tb),
			 -TG_ERRNO__BTF);
	assert_null(tb);
	free(buf);
	btf__free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bombs),
		cmocka_unit_test(test_claim_past_budget),
		cmocka_unit_test(test_budget_across_layers),
		cmocka_unit_test(test_lzma_dictionary),
		cmocka_unit_test(test_tar_of_bombs),
		cmocka_unit_test(test_devices_and_sparse),
		cmocka_unit_test(test_truncated_while_read),
		cmocka_unit_test(test_btf_ext_guard_page),
		cmocka_unit_test(test_enum_same_names),
		cmocka_unit_test(test_bzimage_endless_names),
		cmocka_unit_test(test_names_are_identifiers),
		cmocka_unit_test(test_kernel_rules),
		cmocka_unit_test(test_keywords_and_repeats),
		cmocka_unit_test(test_rules_of_a_kernel),
		cmocka_unit_test(test_misaligned_types),
		cmocka_unit_test(test_module_blamed),
		cmocka_unit_test(test_padding_message),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
