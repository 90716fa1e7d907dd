// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Compressed data: gzip, xz, zstd, legacy lzma, bzip2, lz4 (frames, and the
 * legacy format of `lz4 -l` that kernels use) and lzop. Each is recognised
 * by its magic number and decoded by its own library, in one pass, into one
 * buffer that grows as needed up to a limit, the guard against
 * decompression bombs.
 *
 * Only two containers are parsed here, lz4's legacy one (a list of sized
 * blocks) and lzop's (a header and sized blocks with checksums): the blocks
 * themselves are decoded by liblz4 and liblzo2.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bzlib.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>
#include "input/input.h"

#define ELF_MAGIC "\177ELF"
#define SELFMAG_LEN 4

/* The smallest buffer allocated, and the first guess's ratio. */
#define MIN_BUF (64 * 1024)
#define GUESS_RATIO 4
/* A size the data announces is believed up to this ratio. */
#define HINT_RATIO 64
/* From this size the output buffer asks for huge pages. */
#define HUGE_MIN (8U << 20)

#define LZ4_FRAME_MAGIC 0x184D2204U
#define LZ4_LEGACY_MAGIC 0x184C2102U
/* A legacy lz4 block decodes to at most 8 MiB. */
#define LZ4_LEGACY_BLOCK (8U << 20)

/* lzop's header flags (lzop's own names). */
#define F_ADLER32_D	0x00000001U
#define F_ADLER32_C	0x00000002U
#define F_H_EXTRA_FIELD	0x00000040U
#define F_CRC32_D	0x00000100U
#define F_CRC32_C	0x00000200U
#define F_H_FILTER	0x00000800U
#define F_H_CRC32	0x00001000U
/* lzop never writes a block larger than this. */
#define LZOP_MAX_BLOCK (64U << 20)

static const unsigned char gzip_magic[] = { 0x1f, 0x8b, 0x08 };
static const unsigned char xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const unsigned char zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };
static const unsigned char lz4_magic[] = { 0x04, 0x22, 0x4d, 0x18 };
static const unsigned char lz4_legacy_magic[] = { 0x02, 0x21, 0x4c, 0x18 };
static const unsigned char lzop_magic[] = {
	0x89, 'L', 'Z', 'O', 0x00, '\r', '\n', 0x1a, '\n'
};
/* "BZh" and a block size, then the magic of a block or of the end. */
static const unsigned char bz_block[] = { 0x31, 0x41, 0x59, 0x26, 0x53, 0x59 };
static const unsigned char bz_end[] = { 0x17, 0x72, 0x45, 0x38, 0x50, 0x90 };

static const struct magic {
	enum tg_format fmt;
	const unsigned char *bytes;
	size_t len;
} magics[] = {
	{ TG_FORMAT_GZIP, gzip_magic, sizeof(gzip_magic) },
	{ TG_FORMAT_XZ, xz_magic, sizeof(xz_magic) },
	{ TG_FORMAT_ZSTD, zstd_magic, sizeof(zstd_magic) },
	{ TG_FORMAT_LZ4, lz4_magic, sizeof(lz4_magic) },
	{ TG_FORMAT_LZ4, lz4_legacy_magic, sizeof(lz4_legacy_magic) },
	{ TG_FORMAT_LZO, lzop_magic, sizeof(lzop_magic) },
};
#define MAGIC_CNT (sizeof(magics) / sizeof(magics[0]))

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool is_bzip2(const unsigned char *p, size_t size)
{
	return size >= 10 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' &&
	       p[3] >= '1' && p[3] <= '9' &&
	       (!memcmp(p + 4, bz_block, 6) || !memcmp(p + 4, bz_end, 6));
}

/*
 * .lzma files have no magic number: a properties byte, a dictionary size
 * and the uncompressed size. Accept what lzma tools write (0x5d: lc=3,
 * lp=0, pb=2; a dictionary of 2^n or 3 * 2^(n-1) bytes, at least 4 KiB;
 * "unknown" or a plausible size), as xz's own detection does.
 */
static bool is_lzma_alone(const unsigned char *p, size_t size)
{
	uint32_t dict;
	uint64_t usize;

	if (size < 13 || p[0] != 0x5d)
		return false;
	dict = le32(p + 1);
	if (dict < 4096)
		return false;
	if (dict & (dict - 1)) {
		if (dict % 3 || ((dict / 3) & (dict / 3 - 1)))
			return false;
	}
	usize = le64(p + 5);
	return usize == UINT64_MAX || usize < (1ULL << 40);
}

enum tg_format tg_compression_detect(const void *data, size_t size)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < MAGIC_CNT; i++)
		if (size >= magics[i].len &&
		    !memcmp(p, magics[i].bytes, magics[i].len))
			return magics[i].fmt;
	if (is_bzip2(p, size))
		return TG_FORMAT_BZIP2;
	if (is_lzma_alone(p, size))
		return TG_FORMAT_LZMA;
	return TG_FORMAT_UNKNOWN;
}

bool tg_compression_prefix(const void *data, size_t size)
{
	const unsigned char *p = data;
	size_t i;

	if (!size)
		return false;
	for (i = 0; i < MAGIC_CNT; i++)
		if (size < magics[i].len && !memcmp(p, magics[i].bytes, size))
			return true;
	/* Letters alone are not a magic: "BZh" and less than a header. */
	return size >= 3 && size < 10 && !memcmp(p, "BZh", 3);
}

/* ---- the output buffer ------------------------------------------------- */

struct outbuf {
	unsigned char *data;
	size_t len;		/* bytes decoded */
	size_t cap;		/* bytes allocated, at most max + 1 */
	size_t max;		/* the limit */
	bool want_elf;		/* TG_DZ_ELF, until checked */
	const struct tg_dz_peek *peek;
	size_t next;		/* output length at which to peek again */
	size_t limit;		/* what the output says its size is */
};

static void ob_start(struct outbuf *o)
{
	if (o->peek && o->peek->reset)
		o->peek->reset(o->peek->arg);
	o->len = 0;
	o->next = o->peek ? TG_DZ_PEEK_SZ : SIZE_MAX;
	o->limit = SIZE_MAX;
}

/*
 * Tens of MiB written once from start to end: in huge pages, a fault every
 * 2 MiB instead of every 4 KiB (where the system gives them on request;
 * advice only, so a refusal changes nothing).
 */
static void advise_huge(void *p, size_t len)
{
	uintptr_t page = sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + len) & ~(page - 1);

	if (len >= HUGE_MIN && end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);
}

/*
 * Make room for @want more bytes, or for as many as the limit allows: the
 * buffer never exceeds max + 1 bytes, the one past the limit telling "more
 * than allowed" from "exactly the limit". -TG_ERRNO__TOOBIG once full.
 */
static int ob_reserve(struct outbuf *o, size_t want)
{
	size_t target, cap;
	void *p;

	target = want > o->max + 1 - o->len ? o->max + 1 : o->len + want;
	if (o->cap >= target)
		return o->len < o->cap ? 0 : -TG_ERRNO__TOOBIG;
	cap = o->cap > (o->max + 1) / 2 ? o->max + 1 : o->cap * 2;
	if (cap < target)
		cap = target;
	if (cap < MIN_BUF && o->max + 1 >= MIN_BUF)
		cap = MIN_BUF;
	/* Large blocks are moved by mremap(2): growing costs no copy. */
	p = realloc(o->data, cap);
	if (!p)
		return -ENOMEM;
	o->data = p;
	o->cap = cap;
	advise_huge(o->data, o->cap);
	return 0;
}

/* Room for a block decoder, which needs the whole block's room. */
static size_t ob_space(const struct outbuf *o)
{
	return o->cap - o->len;
}

/*
 * Room for a stream decoder: up to where the peek wants to look next, so
 * that a stream of zeros is refused after its first kilobytes instead of
 * after filling the buffer.
 */
static size_t ob_room(const struct outbuf *o)
{
	size_t stop = o->limit < o->next ? o->limit + 1 : o->next;
	size_t room = o->cap - o->len;

	return stop - o->len < room ? stop - o->len : room;
}

/* With TG_DZ_ELF, stop decoding what is not ELF as soon as it shows. */
static int ob_check(struct outbuf *o)
{
	int err;

	if (o->peek && o->len >= o->next) {
		o->next = SIZE_MAX;
		err = o->peek->fn(o->peek->arg, o->data, o->len, o->max,
				  &o->limit, &o->next);
		if (err)
			return err;
		if (o->next <= o->len)
			o->next = SIZE_MAX;
	}
	if (o->len > o->limit)
		return -TG_ERRNO__OVERRUN;
	if (!o->want_elf || o->len < SELFMAG_LEN)
		return 0;
	if (memcmp(o->data, ELF_MAGIC, SELFMAG_LEN))
		return -TG_ERRNO__CORRUPT;
	o->want_elf = false;
	return 0;
}

static unsigned int clamp_uint(size_t v)
{
	return v > UINT_MAX ? UINT_MAX : v;
}

/* ---- gzip (zlib) ------------------------------------------------------- */

static int gzip_error(const z_stream *zs, int ret)
{
	switch (ret) {
	case Z_MEM_ERROR:
		return -ENOMEM;
	case Z_DATA_ERROR:
		/* zlib's words for a CRC-32 or ISIZE mismatch. */
		if (zs->msg && (!strcmp(zs->msg, "incorrect data check") ||
				!strcmp(zs->msg, "incorrect length check")))
			return -TG_ERRNO__CHECKSUM;
		return -TG_ERRNO__CORRUPT;
	default:
		return -TG_ERRNO__CORRUPT;
	}
}

static int gzip_decode(const unsigned char *in, size_t size,
		       unsigned int flags, struct outbuf *o)
{
	z_stream zs = {};
	unsigned int in_chunk, out_chunk;
	size_t pos = 0;
	int ret, err;

	/* 16 + MAX_WBITS: gzip wrapper only. */
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	for (;;) {
		err = ob_reserve(o, 1);
		if (err)
			break;
		in_chunk = clamp_uint(size - pos);
		out_chunk = clamp_uint(ob_room(o));
		zs.next_in = (Bytef *)in + pos;
		zs.avail_in = in_chunk;
		zs.next_out = o->data + o->len;
		zs.avail_out = out_chunk;
		ret = inflate(&zs, Z_NO_FLUSH);
		pos += in_chunk - zs.avail_in;
		o->len += out_chunk - zs.avail_out;
		err = ob_check(o);
		if (err)
			break;
		if (ret == Z_STREAM_END) {
			/* Another member may follow (gzip -c a b > c). */
			if ((flags & TG_DZ_SINGLE) || size - pos < 2 ||
			    in[pos] != 0x1f || in[pos + 1] != 0x8b)
				break;
			if (inflateReset(&zs) != Z_OK) {
				err = -TG_ERRNO__CORRUPT;
				break;
			}
			continue;
		}
		if (ret == Z_OK)
			continue;
		/* No progress with room to write: the input ran out. */
		if (ret == Z_BUF_ERROR && pos == size && zs.avail_out) {
			err = -TG_ERRNO__ZTRUNC;
			break;
		}
		if (ret != Z_BUF_ERROR) {
			err = gzip_error(&zs, ret);
			break;
		}
	}
	inflateEnd(&zs);
	return err;
}

/* ---- xz and lzma (liblzma) ----------------------------------------------- */

/*
 * The decoder's own memory is mostly its dictionary, whose size the
 * stream's header declares (up to 4 GiB for .lzma). One larger than the
 * output may be is of no use to an honest stream, so the decoder gets the
 * output's limit plus the slack of its other tables (a few MiB), and never
 * more than TG_DZ_DECODER_MEM.
 */
#define LZMA_SLACK (64ULL << 20)

/* The dictionary too is written through once: huge pages (advise_huge()). */
static void *lzma_huge_alloc(void *opaque, size_t nmemb, size_t size)
{
	void *p;

	(void)opaque;
	if (size && nmemb > SIZE_MAX / size)
		return NULL;
	p = malloc(nmemb * size);
	if (p)
		advise_huge(p, nmemb * size);
	return p;
}

static void lzma_huge_free(void *opaque, void *ptr)
{
	(void)opaque;
	free(ptr);
}

static const lzma_allocator lzma_huge = {
	.alloc = lzma_huge_alloc,
	.free = lzma_huge_free,
};

static int lzma_run(const unsigned char *in, size_t size, bool alone,
		    uint32_t dflags, struct outbuf *o)
{
	uint64_t memlimit = (uint64_t)o->max + LZMA_SLACK;

	if (memlimit > TG_DZ_DECODER_MEM)
		memlimit = TG_DZ_DECODER_MEM;
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret ret;
	size_t room;
	int err;

	s.allocator = &lzma_huge;
	if (alone)
		ret = lzma_alone_decoder(&s, memlimit);
	else
		ret = lzma_stream_decoder(&s, memlimit, dflags);
	if (ret != LZMA_OK)
		return ret == LZMA_MEM_ERROR ? -ENOMEM : -TG_ERRNO__CORRUPT;
	s.next_in = in;
	s.avail_in = size;
	for (;;) {
		err = ob_reserve(o, 1);
		if (err)
			break;
		room = ob_room(o);
		s.next_out = o->data + o->len;
		s.avail_out = room;
		ret = lzma_code(&s, LZMA_FINISH);
		o->len += room - s.avail_out;
		err = ob_check(o);
		if (err || ret == LZMA_STREAM_END)
			break;
		if (ret == LZMA_OK)
			continue;
		if (ret == LZMA_BUF_ERROR)
			err = -TG_ERRNO__ZTRUNC;
		else if (ret == LZMA_MEMLIMIT_ERROR)
			err = -TG_ERRNO__TOOBIG;
		else if (ret == LZMA_MEM_ERROR)
			err = -ENOMEM;
		else
			err = -TG_ERRNO__CORRUPT;
		break;
	}
	lzma_end(&s);
	return err;
}

static int xz_decode(const unsigned char *in, size_t size, unsigned int flags,
		     struct outbuf *o, enum tg_format fmt)
{
	uint32_t dflags = flags & TG_DZ_SINGLE ? 0 : LZMA_CONCATENATED;
	bool want_elf = o->want_elf;
	int err, again;

	if (fmt == TG_FORMAT_LZMA)
		return lzma_run(in, size, true, 0, o);
	err = lzma_run(in, size, false, dflags, o);
	if (err != -TG_ERRNO__CORRUPT)
		return err;
	/*
	 * liblzma says "corrupt" for a check that fails too: if the data
	 * decodes without checking, it was the check.
	 */
	ob_start(o);
	o->want_elf = want_elf;
	again = lzma_run(in, size, false, dflags | LZMA_IGNORE_CHECK, o);
	return again < 0 ? err : -TG_ERRNO__CHECKSUM;
}

/* ---- zstd ------------------------------------------------------------ */

static int zstd_decode(const unsigned char *in, size_t size,
		       unsigned int flags, struct outbuf *o)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer ib = { .src = in, .size = size };
	ZSTD_outBuffer ob;
	size_t ret;
	int err = 0;

	if (!ds)
		return -ENOMEM;
	for (;;) {
		err = ob_reserve(o, 1);
		if (err)
			break;
		ob.dst = o->data + o->len;
		ob.size = ob_room(o);
		ob.pos = 0;
		ret = ZSTD_decompressStream(ds, &ob, &ib);
		o->len += ob.pos;
		err = ob_check(o);
		if (err)
			break;
		if (ZSTD_isError(ret)) {
			switch (ZSTD_getErrorCode(ret)) {
			case ZSTD_error_checksum_wrong:
				err = -TG_ERRNO__CHECKSUM;
				break;
			case ZSTD_error_memory_allocation:
				err = -ENOMEM;
				break;
			default:
				err = -TG_ERRNO__CORRUPT;
			}
			break;
		}
		if (ret == 0) {
			/* A frame ended, flushed; another may follow. */
			if ((flags & TG_DZ_SINGLE) || ib.pos == ib.size)
				break;
			continue;
		}
		/* All input read, room left: it waits for more. */
		if (ib.pos == ib.size && ob.pos < ob.size) {
			err = -TG_ERRNO__ZTRUNC;
			break;
		}
	}
	ZSTD_freeDStream(ds);
	return err;
}

/* ---- bzip2 ----------------------------------------------------------- */

static int bzip2_decode(const unsigned char *in, size_t size,
			unsigned int flags, struct outbuf *o)
{
	unsigned int in_chunk, out_chunk, used, made;
	bz_stream bs = {};
	size_t pos = 0;
	int ret, err;

	if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK)
		return -ENOMEM;
	for (;;) {
		err = ob_reserve(o, 1);
		if (err)
			break;
		in_chunk = clamp_uint(size - pos);
		out_chunk = clamp_uint(ob_room(o));
		bs.next_in = (char *)in + pos;
		bs.avail_in = in_chunk;
		bs.next_out = (char *)o->data + o->len;
		bs.avail_out = out_chunk;
		ret = BZ2_bzDecompress(&bs);
		used = in_chunk - bs.avail_in;
		made = out_chunk - bs.avail_out;
		pos += used;
		o->len += made;
		err = ob_check(o);
		if (err)
			break;
		if (ret == BZ_STREAM_END) {
			/* Another stream may follow (pbzip2, cat). */
			if ((flags & TG_DZ_SINGLE) || !is_bzip2(in + pos, size - pos))
				break;
			BZ2_bzDecompressEnd(&bs);
			memset(&bs, 0, sizeof(bs));
			if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK)
				return -ENOMEM;
			continue;
		}
		if (ret != BZ_OK) {
			err = ret == BZ_MEM_ERROR ? -ENOMEM : -TG_ERRNO__CORRUPT;
			break;
		}
		if (!used && !made) {
			err = -TG_ERRNO__ZTRUNC;
			break;
		}
	}
	BZ2_bzDecompressEnd(&bs);
	return err;
}

/* ---- lz4 ------------------------------------------------------------- */

static int lz4f_error(size_t ret)
{
	const char *name = LZ4F_getErrorName(ret);

	if (strstr(name, "hecksum"))
		return -TG_ERRNO__CHECKSUM;
	if (strstr(name, "allocation"))
		return -ENOMEM;
	return -TG_ERRNO__CORRUPT;
}

static int lz4_frame_decode(const unsigned char *in, size_t size,
			    unsigned int flags, struct outbuf *o)
{
	LZ4F_dctx *dctx;
	size_t pos = 0, src_sz, dst_sz, ret;
	int err;

	if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION)))
		return -ENOMEM;
	for (;;) {
		err = ob_reserve(o, 1);
		if (err)
			break;
		src_sz = size - pos;
		dst_sz = ob_room(o);
		ret = LZ4F_decompress(dctx, o->data + o->len, &dst_sz, in + pos,
				      &src_sz, NULL);
		pos += src_sz;
		o->len += dst_sz;
		err = ob_check(o);
		if (err)
			break;
		if (LZ4F_isError(ret)) {
			err = lz4f_error(ret);
			break;
		}
		if (ret == 0) {
			/* A frame ended; the context is ready for another. */
			if ((flags & TG_DZ_SINGLE) || size - pos < 4 ||
			    le32(in + pos) != LZ4_FRAME_MAGIC)
				break;
			continue;
		}
		if (!src_sz && !dst_sz) {
			err = -TG_ERRNO__ZTRUNC;
			break;
		}
	}
	LZ4F_freeDecompressionContext(dctx);
	return err;
}

/*
 * The legacy format: the magic, then blocks, each a 32-bit little-endian
 * compressed size and that many bytes, decoding to 8 MiB at most (the last
 * to less); a magic again starts another stream. It has no checksum. A
 * kernel image's payload ends in its uncompressed size, which with
 * TG_DZ_SINGLE is recognised as not a block.
 */
static int lz4_legacy_decode(const unsigned char *in, size_t size,
			     unsigned int flags, struct outbuf *o)
{
	bool single = flags & TG_DZ_SINGLE;
	size_t pos = sizeof(lz4_legacy_magic), left, room;
	uint32_t blk;
	int n, err;

	for (;;) {
		left = size - pos;
		if (!left)
			return 0;
		if (left < 4)
			return single ? 0 : -TG_ERRNO__ZTRUNC;
		blk = le32(in + pos);
		/* Another stream (lz4 -l a b > c) goes on, as for the kernel. */
		if (blk == LZ4_LEGACY_MAGIC) {
			if (single)
				return 0;
			pos += 4;
			continue;
		}
		if (!blk || blk > LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK))
			return single ? 0 : -TG_ERRNO__CORRUPT;
		if (blk > left - 4)
			return single && left == 4 ? 0 : -TG_ERRNO__ZTRUNC;

		err = ob_reserve(o, LZ4_LEGACY_BLOCK);
		if (err)
			return err;
		room = ob_space(o);
		n = LZ4_decompress_safe((const char *)in + pos + 4,
					(char *)o->data + o->len, blk,
					room > INT_MAX ? INT_MAX : room);
		if (n < 0)
			/* Short of room only if the limit cut the buffer. */
			return room < LZ4_LEGACY_BLOCK ? -TG_ERRNO__TOOBIG :
							 -TG_ERRNO__CORRUPT;
		o->len += n;
		err = ob_check(o);
		if (err)
			return err;
		pos += 4 + (size_t)blk;
	}
}

/* ---- lzop ------------------------------------------------------------ */

struct reader {
	const unsigned char *p;
	size_t size;
	size_t pos;
};

static bool rd_skip(struct reader *r, size_t n)
{
	if (r->size - r->pos < n)
		return false;
	r->pos += n;
	return true;
}

static bool rd_be(struct reader *r, size_t n, uint32_t *v)
{
	size_t i;

	if (r->size - r->pos < n)
		return false;
	*v = 0;
	for (i = 0; i < n; i++)
		*v = *v << 8 | r->p[r->pos + i];
	r->pos += n;
	return true;
}

static uint32_t lzop_sum(bool crc, const unsigned char *p, size_t len)
{
	return crc ? lzo_crc32(0, p, len) : lzo_adler32(1, p, len);
}

/* lzop's header: version, method, flags, mode, time, name, checksum. */
static int lzop_header(struct reader *r, uint32_t *flagsp)
{
	size_t start = r->pos;
	uint32_t version, method, fl, v, name_len, sum;

	if (!rd_be(r, 2, &version) || !rd_skip(r, 2) ||
	    (version >= 0x0940 && !rd_skip(r, 2)) || !rd_be(r, 1, &method) ||
	    (version >= 0x0940 && !rd_skip(r, 1)) || !rd_be(r, 4, &fl))
		return -TG_ERRNO__ZTRUNC;
	/* Methods 1-3 are all LZO1X; filters are not supported. */
	if (method < 1 || method > 3 || (fl & F_H_FILTER))
		return -TG_ERRNO__CORRUPT;
	if (!rd_skip(r, 8) || (version >= 0x0940 && !rd_skip(r, 4)) ||
	    !rd_be(r, 1, &name_len) || !rd_skip(r, name_len))
		return -TG_ERRNO__ZTRUNC;
	sum = lzop_sum(fl & F_H_CRC32, r->p + start, r->pos - start);
	if (!rd_be(r, 4, &v))
		return -TG_ERRNO__ZTRUNC;
	if (v != sum)
		return -TG_ERRNO__CHECKSUM;
	if (fl & F_H_EXTRA_FIELD) {
		if (!rd_be(r, 4, &v) || !rd_skip(r, v) || !rd_skip(r, 4))
			return -TG_ERRNO__ZTRUNC;
	}
	*flagsp = fl;
	return 0;
}

/* Checksums of one block: what lzop stored, as flags ask. */
struct lzop_sums {
	uint32_t d_adler, d_crc, c_adler, c_crc;
};

static int lzop_check(uint32_t fl, const struct lzop_sums *s, bool comp,
		      const unsigned char *p, size_t len)
{
	uint32_t want_adler = comp ? F_ADLER32_C : F_ADLER32_D;
	uint32_t want_crc = comp ? F_CRC32_C : F_CRC32_D;

	if ((fl & want_adler) &&
	    lzo_adler32(1, p, len) != (comp ? s->c_adler : s->d_adler))
		return -TG_ERRNO__CHECKSUM;
	if ((fl & want_crc) &&
	    lzo_crc32(0, p, len) != (comp ? s->c_crc : s->d_crc))
		return -TG_ERRNO__CHECKSUM;
	return 0;
}

static int lzop_decode(const unsigned char *in, size_t size,
		       unsigned int flags, struct outbuf *o)
{
	struct reader r = { .p = in, .size = size, .pos = sizeof(lzop_magic) };
	struct lzop_sums s = {};
	uint32_t fl, dlen, clen;
	lzo_uint out_len;
	bool comp;
	int err;

	(void)flags;
	if (lzo_init() != LZO_E_OK)
		return -EINVAL;
	err = lzop_header(&r, &fl);
	if (err)
		return err;
	for (;;) {
		/* An uncompressed size of 0 ends the stream. */
		if (!rd_be(&r, 4, &dlen))
			return -TG_ERRNO__ZTRUNC;
		if (!dlen)
			return 0;
		if (!rd_be(&r, 4, &clen))
			return -TG_ERRNO__ZTRUNC;
		if (dlen > LZOP_MAX_BLOCK || !clen || clen > dlen)
			return -TG_ERRNO__CORRUPT;
		comp = clen < dlen;
		if (((fl & F_ADLER32_D) && !rd_be(&r, 4, &s.d_adler)) ||
		    ((fl & F_CRC32_D) && !rd_be(&r, 4, &s.d_crc)) ||
		    (comp && (fl & F_ADLER32_C) && !rd_be(&r, 4, &s.c_adler)) ||
		    (comp && (fl & F_CRC32_C) && !rd_be(&r, 4, &s.c_crc)) ||
		    size - r.pos < clen)
			return -TG_ERRNO__ZTRUNC;
		if (comp) {
			err = lzop_check(fl, &s, true, in + r.pos, clen);
			if (err)
				return err;
		}

		err = ob_reserve(o, dlen);
		if (err)
			return err;
		if (ob_space(o) < dlen)
			return -TG_ERRNO__TOOBIG;
		if (comp) {
			out_len = dlen;
			if (lzo1x_decompress_safe(in + r.pos, clen,
						  o->data + o->len, &out_len,
						  NULL) != LZO_E_OK ||
			    out_len != dlen)
				return -TG_ERRNO__CORRUPT;
		} else {
			memcpy(o->data + o->len, in + r.pos, dlen);
		}
		err = lzop_check(fl, &s, false, o->data + o->len, dlen);
		if (err)
			return err;
		o->len += dlen;
		r.pos += clen;
		err = ob_check(o);
		if (err)
			return err;
	}
}

/* ---- all of them ------------------------------------------------------- */

/*
 * The size of the output, if its container (@usize) or the data says
 * (gzip's ISIZE, zstd's and lzma's headers): believed only within HINT_RATIO of the input size, as
 * a first allocation and never as a limit. 0 if unknown.
 */
static size_t size_hint(enum tg_format fmt, const unsigned char *in,
			size_t size, size_t usize)
{
	unsigned long long v = usize;

	/* The container's word first. */
	switch (usize ? TG_FORMAT_UNKNOWN : fmt) {
	case TG_FORMAT_GZIP:
		/* The smallest gzip member is 18 bytes. */
		if (size < 18)
			return 0;
		v = le32(in + size - 4);
		break;
	case TG_FORMAT_ZSTD:
		v = ZSTD_getFrameContentSize(in, size);
		if (v == ZSTD_CONTENTSIZE_UNKNOWN || v == ZSTD_CONTENTSIZE_ERROR)
			return 0;
		break;
	case TG_FORMAT_LZMA:
		v = le64(in + 5);
		break;
	default:
		break;
	}
	if (!v || size > SIZE_MAX / HINT_RATIO || v > size * HINT_RATIO)
		return 0;
	/* One more byte, so that the end shows without a second buffer. */
	return v + 1;
}

int tg_decompress(enum tg_format fmt, const void *data, size_t size,
		  unsigned int flags, size_t max, void **outp,
		  size_t *out_szp)
{
	return tg_decompress_peek(fmt, data, size, flags, max, NULL, outp,
				  out_szp);
}

int tg_decompress_peek(enum tg_format fmt, const void *data, size_t size,
		       unsigned int flags, size_t max,
		       const struct tg_dz_peek *peek, void **outp,
		       size_t *out_szp)
{
	struct outbuf o = {
		.max = max < SIZE_MAX ? max : SIZE_MAX - 1,
		.want_elf = flags & TG_DZ_ELF,
		.peek = peek && peek->fn ? peek : NULL,
	};
	const unsigned char *in = data;
	size_t first;
	int err;

	*outp = NULL;
	*out_szp = 0;
	if (tg_compression_detect(data, size) != fmt)
		return -EINVAL;

	ob_start(&o);
	first = size_hint(fmt, in, size, peek ? peek->usize : 0);
	if (!first)
		first = size > SIZE_MAX / GUESS_RATIO ? SIZE_MAX :
							size * GUESS_RATIO;
	err = ob_reserve(&o, first);
	if (err)
		return err;

	switch (fmt) {
	case TG_FORMAT_GZIP:
		err = gzip_decode(in, size, flags, &o);
		break;
	case TG_FORMAT_XZ:
	case TG_FORMAT_LZMA:
		err = xz_decode(in, size, flags, &o, fmt);
		break;
	case TG_FORMAT_ZSTD:
		err = zstd_decode(in, size, flags, &o);
		break;
	case TG_FORMAT_BZIP2:
		err = bzip2_decode(in, size, flags, &o);
		break;
	case TG_FORMAT_LZ4:
		if (le32(in) == LZ4_LEGACY_MAGIC)
			err = lz4_legacy_decode(in, size, flags, &o);
		else
			err = lz4_frame_decode(in, size, flags, &o);
		break;
	case TG_FORMAT_LZO:
		err = lzop_decode(in, size, flags, &o);
		break;
	default:
		err = -EINVAL;
	}
	/* The peek has what it wants: the rest is not decoded. */
	if (err == TG_DZ_STOP)
		err = 0;
	if (!err && o.len > o.max)
		err = -TG_ERRNO__TOOBIG;
	/* Too short to tell: what there is must still look like ELF. */
	if (!err && o.want_elf &&
	    (o.len < SELFMAG_LEN || memcmp(o.data, ELF_MAGIC, SELFMAG_LEN)))
		err = -TG_ERRNO__CORRUPT;
	if (err) {
		free(o.data);
		return err;
	}
	*outp = o.data;
	*out_szp = o.len;
	return 0;
}
