// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The decompressors (libtypegen/input/decompress.c, an internal API) on data
 * compressed by the command-line tools: every format decodes back to the
 * same bytes, and a cut stream, a wrong checksum, damage, trailing data and
 * a decompression bomb each give their own error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "input/input.h"
#include "tg_test.h"
#include "inputs.h"

/* The first MiB of the kernel fixture: big enough to grow buffers. */
#define DATA_SZ (1 << 20)

struct codec {
	const char *name;
	const char *cmd;	/* compresses stdin to stdout */
	enum tg_format fmt;
	bool concat;		/* two streams in a row decode as one */
};

static const struct codec codecs[] = {
	{ "gzip", "gzip -c", TG_FORMAT_GZIP, true },
	{ "xz", "xz -1 -c -T1", TG_FORMAT_XZ, true },
	{ "zstd", "zstd -q -c", TG_FORMAT_ZSTD, true },
	{ "lzma", "xz --format=lzma -1 -c", TG_FORMAT_LZMA, false },
	{ "bzip2", "bzip2 -c", TG_FORMAT_BZIP2, true },
	{ "lz4", "lz4 -q -c", TG_FORMAT_LZ4, true },
	{ "lz4-legacy", "lz4 -l -q -c", TG_FORMAT_LZ4, true },
	{ "lzop", "lzop -c", TG_FORMAT_LZO, false },
};
#define CODEC_CNT (sizeof(codecs) / sizeof(codecs[0]))

static struct {
	char *dir;
	unsigned char *data;		/* DATA_SZ bytes */
	void *packed[CODEC_CNT];	/* data, compressed by each codec */
	size_t packed_sz[CODEC_CNT];
} fx;

static int setup(void **state)
{
	char *kernel = tg_test_fixture("vmlinux-6.18.44.btf");
	char *in, *out;
	size_t len, i;
	void *all;

	(void)state;
	all = tg_test_read_file(kernel, &len);
	if (!all || len < DATA_SZ) {
		fprintf(stderr, "%s missing: run `make fixtures` first\n",
			kernel);
		return -1;
	}
	fx.data = all;
	fx.dir = tg_test_mkdtemp();
	in = tg_test_path("%s/data", fx.dir);
	fx_write(in, fx.data, DATA_SZ);
	for (i = 0; i < CODEC_CNT; i++) {
		out = tg_test_path("%s/data.%s", fx.dir, codecs[i].name);
		fx_filter(codecs[i].cmd, in, out);
		fx.packed[i] = tg_test_read_file(out, &fx.packed_sz[i]);
		free(out);
	}
	free(in);
	free(kernel);
	return 0;
}

static int teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < CODEC_CNT; i++)
		free(fx.packed[i]);
	tg_test_rmtree(fx.dir);
	free(fx.dir);
	free(fx.data);
	return 0;
}

static int decode(const struct codec *c, const void *in, size_t len,
		  unsigned int flags, size_t max, void **out, size_t *out_sz)
{
	return tg_decompress(c->fmt, in, len, flags, max, out, out_sz);
}

/* Decodes to exactly @want_sz bytes of fx.data. */
static void assert_decodes(const struct codec *c, const void *in, size_t len,
			   unsigned int flags, size_t want_sz)
{
	size_t out_sz = 0;
	void *out = NULL;
	int err;

	err = decode(c, in, len, flags, TG_MAX_SIZE_DEFAULT, &out, &out_sz);
	if (err)
		fail_msg("%s: error %d", c->name, err);
	if (out_sz != want_sz)
		fail_msg("%s: %zu bytes, expected %zu", c->name, out_sz,
			 want_sz);
	assert_memory_equal(out, fx.data, want_sz > DATA_SZ ? DATA_SZ : want_sz);
	free(out);
}

static void assert_fails(const struct codec *c, const void *in, size_t len,
			 unsigned int flags, size_t max, int want)
{
	size_t out_sz = 12345;
	void *out = (void *)1;
	int err;

	err = decode(c, in, len, flags, max, &out, &out_sz);
	if (err != want)
		fail_msg("%s: error %d, expected %d", c->name, err, want);
	assert_null(out);
}

static void *dup_mem(const void *data, size_t len, size_t extra)
{
	void *p = calloc(1, len + extra);

	assert_non_null(p);
	memcpy(p, data, len);
	return p;
}

/* ---- each format ------------------------------------------------------- */

static void test_detect(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < CODEC_CNT; i++)
		assert_int_equal(tg_compression_detect(fx.packed[i],
						       fx.packed_sz[i]),
				 codecs[i].fmt);
	assert_int_equal(tg_compression_detect(fx.data, DATA_SZ),
			 TG_FORMAT_UNKNOWN);
	assert_int_equal(tg_compression_detect("hello, world\n", 13),
			 TG_FORMAT_UNKNOWN);
	/* A ']' is .lzma's usual first byte, but not enough by itself. */
	assert_int_equal(tg_compression_detect("]\0\0\0\0\0\0\0\0\0\0\0\0", 13),
			 TG_FORMAT_UNKNOWN);
	/* The start of a magic number: cut short, not some other format. */
	assert_true(tg_compression_prefix("\xfd" "7zX", 4));
	assert_true(tg_compression_prefix("\x28\xb5", 2));
	assert_false(tg_compression_prefix("ab", 2));
	assert_false(tg_compression_prefix("B", 1));
}

static void test_round_trip(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < CODEC_CNT; i++)
		assert_decodes(&codecs[i], fx.packed[i], fx.packed_sz[i], 0,
			       DATA_SZ);
}

/* Whatever the guess, the limit is exact: max bytes pass, one more not. */
static void test_limit(void **state)
{
	size_t i, out_sz;
	void *out;

	(void)state;
	for (i = 0; i < CODEC_CNT; i++) {
		out = NULL;
		assert_int_equal(decode(&codecs[i], fx.packed[i],
					fx.packed_sz[i], 0, DATA_SZ, &out,
					&out_sz), 0);
		assert_int_equal(out_sz, DATA_SZ);
		free(out);
		assert_fails(&codecs[i], fx.packed[i], fx.packed_sz[i], 0,
			     DATA_SZ - 1, -TG_ERRNO__TOOBIG);
		assert_fails(&codecs[i], fx.packed[i], fx.packed_sz[i], 0,
			     4096, -TG_ERRNO__TOOBIG);
	}
}

static void test_truncated(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < CODEC_CNT; i++) {
		assert_fails(&codecs[i], fx.packed[i], fx.packed_sz[i] / 2, 0,
			     TG_MAX_SIZE_DEFAULT, -TG_ERRNO__ZTRUNC);
		/* Just the end missing. */
		assert_fails(&codecs[i], fx.packed[i], fx.packed_sz[i] - 1, 0,
			     TG_MAX_SIZE_DEFAULT, -TG_ERRNO__ZTRUNC);
	}
}

/* A kernel image's payload ends in its size: one stream, then ignored. */
static void test_single_stream_trailer(void **state)
{
	size_t i, len;
	unsigned char *buf;

	(void)state;
	for (i = 0; i < CODEC_CNT; i++) {
		len = fx.packed_sz[i];
		buf = dup_mem(fx.packed[i], len, 4);
		buf[len] = DATA_SZ & 0xff;
		buf[len + 1] = (DATA_SZ >> 8) & 0xff;
		buf[len + 2] = (DATA_SZ >> 16) & 0xff;
		buf[len + 3] = (DATA_SZ >> 24) & 0xff;
		assert_decodes(&codecs[i], buf, len + 4, TG_DZ_SINGLE, DATA_SZ);
		free(buf);
	}
}

/* cat a.gz b.gz: the streams decode one after the other. */
static void test_concatenated(void **state)
{
	size_t i, len, out_sz;
	unsigned char *buf;
	void *out;

	(void)state;
	for (i = 0; i < CODEC_CNT; i++) {
		if (!codecs[i].concat)
			continue;
		len = fx.packed_sz[i];
		buf = dup_mem(fx.packed[i], len, len);
		memcpy(buf + len, fx.packed[i], len);
		out = NULL;
		assert_int_equal(decode(&codecs[i], buf, 2 * len, 0,
					TG_MAX_SIZE_DEFAULT, &out, &out_sz), 0);
		assert_int_equal(out_sz, 2 * DATA_SZ);
		assert_memory_equal(out, fx.data, DATA_SZ);
		assert_memory_equal((char *)out + DATA_SZ, fx.data, DATA_SZ);
		free(out);
		/* One stream only, when asked. */
		assert_decodes(&codecs[i], buf, 2 * len, TG_DZ_SINGLE, DATA_SZ);
		free(buf);
	}
}

/* ---- damage ------------------------------------------------------------ */

static const struct codec *codec(const char *name)
{
	size_t i;

	for (i = 0; i < CODEC_CNT; i++)
		if (!strcmp(codecs[i].name, name))
			return &codecs[i];
	fail_msg("no codec %s", name);
	return NULL;
}

static size_t codec_idx(const struct codec *c)
{
	return c - codecs;
}

/* fx.packed of @name with the byte at @off (from the end if < 0) flipped. */
static void assert_flip_fails(const char *name, long off, int want)
{
	const struct codec *c = codec(name);
	size_t i = codec_idx(c), len = fx.packed_sz[i];
	unsigned char *buf = dup_mem(fx.packed[i], len, 0);

	buf[off < 0 ? (long)len + off : off] ^= 0x55;
	assert_fails(c, buf, len, 0, TG_MAX_SIZE_DEFAULT, want);
	free(buf);
}

/* Where the integrity check of a one-block .xz stream is. */
static size_t xz_check_offset(const unsigned char *p, size_t len)
{
	const unsigned char *footer = p + len - 12;
	size_t index_sz = ((size_t)(footer[4] | footer[5] << 8 |
				    footer[6] << 16 | footer[7] << 24) + 1) * 4;
	static const size_t check_sz[16] = { [1] = 4, [4] = 8, [10] = 32 };

	return len - 12 - index_sz - check_sz[footer[9] & 0xf];
}

static void test_wrong_checksum(void **state)
{
	size_t i = codec_idx(codec("xz"));
	const unsigned char *lzop = fx.packed[codec_idx(codec("lzop"))];
	size_t hdr_end;

	(void)state;
	/* gzip: the CRC-32, then ISIZE, close the member. */
	assert_flip_fails("gzip", -8, -TG_ERRNO__CHECKSUM);
	assert_flip_fails("gzip", -1, -TG_ERRNO__CHECKSUM);
	/* xz: the block's check, before the index. */
	assert_flip_fails("xz", xz_check_offset(fx.packed[i], fx.packed_sz[i]),
			  -TG_ERRNO__CHECKSUM);
	/* zstd and lz4 frames end with a checksum of the content. */
	assert_flip_fails("zstd", -1, -TG_ERRNO__CHECKSUM);
	assert_flip_fails("lz4", -1, -TG_ERRNO__CHECKSUM);
	/* lzop: the header's checksum (version >= 0x0940, no file name). */
	assert_true((lzop[9] << 8 | lzop[10]) >= 0x0940);
	hdr_end = 9 + 2 + 2 + 2 + 1 + 1 + 4 + 4 + 8 + 1 + lzop[33];
	assert_flip_fails("lzop", hdr_end, -TG_ERRNO__CHECKSUM);
}

/*
 * Damage in the middle: some error, never a crash. Legacy lz4 has no
 * checksum: damaged data may decode, but never to the original.
 */
static void test_corrupt(void **state)
{
	size_t i, len, out_sz;
	unsigned char *buf;
	void *out;
	int err;

	(void)state;
	for (i = 0; i < CODEC_CNT; i++) {
		len = fx.packed_sz[i];
		buf = dup_mem(fx.packed[i], len, 0);
		memset(buf + len / 2, 0xa5, 64);
		out = NULL;
		err = decode(&codecs[i], buf, len, 0, TG_MAX_SIZE_DEFAULT, &out,
			     &out_sz);
		if (!err && !strcmp(codecs[i].name, "lz4-legacy")) {
			assert_true(out_sz != DATA_SZ ||
				    memcmp(out, fx.data, DATA_SZ));
			free(out);
			out = NULL;
		} else if (err != -TG_ERRNO__CORRUPT && err != -TG_ERRNO__CHECKSUM &&
		    !(codecs[i].fmt == TG_FORMAT_LZ4 &&
		      err == -TG_ERRNO__ZTRUNC))
			fail_msg("%s: error %d", codecs[i].name, err);
		assert_null(out);
		free(buf);
	}
	/* Headers that say nonsense. */
	assert_flip_fails("xz", 7, -TG_ERRNO__CORRUPT);
	assert_flip_fails("zstd", 4, -TG_ERRNO__CORRUPT);
	assert_flip_fails("bzip2", 14, -TG_ERRNO__CORRUPT);
}

/* ---- kernel images ------------------------------------------------------- */

static void test_elf_only(void **state)
{
	const struct codec *c = codec("xz");
	char *in = tg_test_path("%s/elf", fx.dir);
	char *out = tg_test_path("%s/elf.xz", fx.dir);
	size_t len, out_sz;
	void *packed, *elf;

	(void)state;
	/* Not ELF: stops at once. */
	assert_fails(c, fx.packed[codec_idx(c)], fx.packed_sz[codec_idx(c)],
		     TG_DZ_ELF, TG_MAX_SIZE_DEFAULT, -TG_ERRNO__CORRUPT);
	/* ELF: decodes whole. */
	fx_filter("cat", "/bin/true", in);
	fx_filter(c->cmd, in, out);
	packed = tg_test_read_file(out, &len);
	assert_int_equal(tg_decompress(TG_FORMAT_XZ, packed, len, TG_DZ_ELF,
				       TG_MAX_SIZE_DEFAULT, &elf, &out_sz), 0);
	assert_int_equal(out_sz, fx_size("/bin/true"));
	assert_memory_equal(elf, "\177ELF", 4);
	free(elf);
	free(packed);
	free(out);
	free(in);
}

/* ---- bombs ----------------------------------------------------------- */

static void test_bomb(void **state)
{
	char *cmd = tg_test_path("head -c 256M /dev/zero | zstd -q -c > '%s/bomb.zst'",
				 fx.dir);
	char *path = tg_test_path("%s/bomb.zst", fx.dir);
	struct timespec t0, t1;
	void *bomb, *out = NULL;
	size_t len, out_sz;
	double secs;

	(void)state;
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	bomb = tg_test_read_file(path, &len);
	/* A few KiB that would be 256 MiB. */
	assert_true(len < 64 * 1024);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(tg_decompress(TG_FORMAT_ZSTD, bomb, len, 0,
				       16 << 20, &out, &out_sz),
			 -TG_ERRNO__TOOBIG);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_null(out);
	/* Stopped at the limit, not after decoding it all. */
	secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 2.0);
	free(bomb);
	free(path);
	free(cmd);
}

static void test_bad_arguments(void **state)
{
	void *out = (void *)1;
	size_t out_sz;

	(void)state;
	/* The format must be what the data is. */
	assert_int_equal(tg_decompress(TG_FORMAT_GZIP, fx.packed[1],
				       fx.packed_sz[1], 0, TG_MAX_SIZE_DEFAULT,
				       &out, &out_sz), -EINVAL);
	assert_null(out);
	assert_int_equal(tg_decompress(TG_FORMAT_ELF, fx.data, DATA_SZ, 0,
				       TG_MAX_SIZE_DEFAULT, &out, &out_sz),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_single_stream_trailer),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_wrong_checksum),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_elf_only),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests_name("decompress", tests, setup,
					   teardown);
}
