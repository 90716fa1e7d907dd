/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * input/ - opening kernel types in every form they come in: the layers of
 * a file (load.c), decompression (decompress.c), tar archives
 * (archive.c), boot images (bzimage.c, image.c) and split BTF of modules
 * (split.c). Uses dwarf/ (DWARF inputs), btf/ and util/. Not installed.
 */
#ifndef __TG_INPUT_H
#define __TG_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <linux/types.h>
#include "btf/btf.h"

/* load.c */
int tg_btf_from_mem(const void *data, size_t size, const char *name,
		    struct tg_btf **btfp);
/*
 * New standalone BTF from the raw BTF at @data (header included), checked
 * as every input is: header, records, type ids and names. Returns 0,
 * -TG_ERRNO__TRUNC, -TG_ERRNO__BTF (split BTF too), -EFBIG or -ENOMEM.
 */
int tg_btf_parse_standalone(const void *data, size_t size, struct btf **btfp);
/* A new object holding @btf (taken over, freed on failure). */
int tg_btf_wrap(struct btf *btf, const char *name, struct tg_btf **btfp);

/*
 * decompress.c - the compressed formats, recognised by their magic numbers
 * and decoded by their own libraries (zlib, liblzma, libzstd, libbz2,
 * liblz4, liblzo2) into one growing buffer.
 */

/* Stop at the end of the first stream; ignore what follows it. */
#define TG_DZ_SINGLE	(1U << 0)
/* Give up (-TG_ERRNO__CORRUPT) as soon as the output is not ELF. */
#define TG_DZ_ELF	(1U << 1)

/* The compressed format @data starts with, or TG_FORMAT_UNKNOWN. */
enum tg_format tg_compression_detect(const void *data, size_t size);
/* True if @size bytes are too few for a magic number they begin. */
bool tg_compression_prefix(const void *data, size_t size);

/*
 * Decode @size bytes of @fmt at @data into a new malloc'ed buffer
 * (*@outp, *@out_szp bytes) of at most @max bytes. Returns 0, -ENOMEM,
 * -TG_ERRNO__CORRUPT, -TG_ERRNO__CHECKSUM, -TG_ERRNO__ZTRUNC or
 * -TG_ERRNO__TOOBIG; *@outp is NULL on failure.
 */
int tg_decompress(enum tg_format fmt, const void *data, size_t size,
		  unsigned int flags, size_t max, void **outp,
		  size_t *out_szp);

/*
 * Looks at the output as it is decoded, so that a bomb is stopped by what
 * it decodes to rather than by the size limit alone. Called once the
 * output holds *@next bytes (first TG_DZ_PEEK_SZ), with all of it; may set
 * *@next to when it wants to look again (SIZE_MAX: never) and *@limit to
 * the most the output may hold (past it: -TG_ERRNO__OVERRUN). Returns 0
 * or the error that stops decoding.
 */
/*
 * Enough for every format's test: a boot image's is at 0x206, an s390
 * image's "S390EP" at 0x10008.
 */
#define TG_DZ_PEEK_SZ (68 * 1024)
struct tg_dz_peek {
	int (*fn)(void *arg, const void *data, size_t len, size_t max,
		  size_t *limit, size_t *next);
	/* Called as each output starts (again), or NULL. */
	void (*reset)(void *arg);
	void *arg;
	/*
	 * The output's size as its container declares it (a bzImage's
	 * payload ends with it), or 0: the first allocation, believed as
	 * the data's own sizes are (within a ratio of the input).
	 */
	size_t usize;
};
/*
 * What @fn returns when the output so far is all that is wanted (the
 * kernel's BTF is in it): decoding ends there, without error, the rest of
 * the stream unread.
 */
#define TG_DZ_STOP 1

/* tg_decompress() with @peek watching the output (NULL: none). */
int tg_decompress_peek(enum tg_format fmt, const void *data, size_t size,
		       unsigned int flags, size_t max,
		       const struct tg_dz_peek *peek, void **outp,
		       size_t *out_szp);

/*
 * The most memory a decoder may take besides its output (an xz or lzma
 * dictionary): xz -9 needs 65 MiB; a stream asking for more is refused.
 */
#define TG_DZ_DECODER_MEM (128ULL << 20)

/* load.c */
/*
 * All of @path, at most @max bytes (-TG_ERRNO__TOOBIG), into a new
 * malloc'ed buffer; a FIFO without writer does not hang. *@mtime (if not
 * NULL) gets the file's modification time.
 */
int tg_read_file(const char *path, size_t max, void **bufp, size_t *sizep,
		 struct timespec *mtime);

/* archive.c - the regular files of a ustar or GNU tar archive. */
struct tg_tar {
	const unsigned char *data;
	size_t size;
	size_t pos;
};

bool tg_tar_detect(const void *data, size_t size);
void tg_tar_init(struct tg_tar *t, const void *data, size_t size);
/*
 * The next regular file: returns 1 with its content in *@datap and *@sizep
 * (pointing into the archive), 0 at the end of the archive,
 * -TG_ERRNO__TAR for a broken header or -TG_ERRNO__TRUNC.
 */
int tg_tar_next(struct tg_tar *t, const void **datap, size_t *sizep);

/* bzimage.c - the kernel ELF inside an x86 boot image. */
bool tg_bzimage_detect(const void *data, size_t size);
/*
 * Find the compressed kernel in the boot image at @data (by the setup
 * header's payload fields, else by scanning for compressed data that
 * decodes to ELF), decompress it into a new buffer (*@elfp, *@elf_szp
 * bytes, at most @max) and say how it was compressed (*@comp). Returns 0,
 * -TG_ERRNO__TRUNC (the payload lies past the end of the file), a
 * decompression error of the payload the header names, -TG_ERRNO__KIMAGE
 * or -ENOMEM.
 */
int tg_bzimage_extract(const void *data, size_t size, size_t max,
		       const struct tg_dz_peek *peek, void **elfp,
		       size_t *elf_szp, enum tg_format *comp);

/*
 * Find compressed data in @size bytes at @p that decodes (with @flags of
 * tg_decompress(), @peek watching) to something @accept takes: 0 with the
 * output in *@outp, *@out_szp and its format in *@comp, -TG_ERRNO__KIMAGE
 * if no stream does, -ENOMEM.
 */
int tg_kimage_scan(const unsigned char *p, size_t size, size_t max,
		   unsigned int flags, const struct tg_dz_peek *peek,
		   bool (*accept)(const void *data, size_t size, void *arg),
		   void *arg, void **outp, size_t *out_szp,
		   enum tg_format *comp);

/* Little-endian fields of boot image headers. */
static inline __u32 tg_le16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static inline __u32 tg_le32(const unsigned char *p)
{
	return tg_le16(p) | tg_le16(p + 2) << 16;
}

/* image.c - the kernel's BTF in boot images that are not ELF. */
struct tg_kimage {
	enum tg_arch arch;	/* the machine the header names */
	int order;		/* __ORDER_*_ENDIAN__ it implies, or 0 */
	bool cut;		/* the file is shorter than its PE header says */
};

/*
 * Which of TG_FORMAT_KIMAGE, _ZBOOT, _ZIMAGE, _S390 @data is (or
 * TG_FORMAT_UNKNOWN), and what its header says in *@img.
 */
enum tg_format tg_kimage_detect(const void *data, size_t size,
				struct tg_kimage *img);
/*
 * The kernel compressed inside a zboot, zImage or s390 image, decoded
 * into a new buffer (*@outp, *@out_szp, at most @max bytes), and how it
 * was compressed (*@comp). Returns 0, -TG_ERRNO__TRUNC, -TG_ERRNO__KIMAGE,
 * a decompression error or -ENOMEM.
 */
int tg_kimage_unpack(enum tg_format fmt, const void *data, size_t size,
		     size_t max, const struct tg_dz_peek *peek, void **outp,
		     size_t *out_szp, enum tg_format *comp);
/*
 * The kernel's BTF in the uncompressed kernel at @data, found by content,
 * checked against what @img says (pointer size, byte order) and given
 * the pointer size of @img's machine. Returns 0, -TG_ERRNO__IMGNOBTF,
 * -TG_ERRNO__TRUNC, -TG_ERRNO__IMGARCH or -ENOMEM.
 */
int tg_kimage_btf(const void *data, size_t size, const struct tg_kimage *img,
		  struct btf **btfp);
/*
 * Whether @btf fits what @img says (-TG_ERRNO__IMGARCH if not); gives it
 * the pointer size of @img's machine.
 */
int tg_kimage_check(struct btf *btf, const struct tg_kimage *img);

/*
 * The kernel's BTF, found as a kernel is decompressed, so that decoding
 * can stop as soon as it is whole: candidates are found and checked as in
 * an image (header, then all types), in the order the output brings them.
 * Only BTF of more than TG_WATCH_MIN_TYPES types is taken: a kernel's
 * describes the whole kernel (over 100,000 types in a distribution's), what
 * a kernel embeds besides (its preload programs') a few hundred; for
 * anything smaller the whole output is decoded and searched as before.
 */
#define TG_WATCH_MIN_TYPES 10000
#define TG_WATCH_CANDS 8
struct tg_btf_watch {
	size_t scan;			/* where the search goes on */
	size_t offs[TG_WATCH_CANDS];	/* candidates not whole yet */
	size_t ends[TG_WATCH_CANDS];
	size_t cnt;
	struct btf *btf;		/* the kernel's, once found */
	size_t off, len;		/* where it is in the output */
};
/*
 * Look at the output, @len bytes at @data, grown since the last call:
 * 1 with the kernel's BTF in w->btf, 0 with *@next the output length to
 * look again at, or -ENOMEM.
 */
int tg_btf_watch(struct tg_btf_watch *w, const unsigned char *data,
		 size_t len, size_t *next);
/* Forget all (a new output), freeing w->btf. */
void tg_btf_watch_reset(struct tg_btf_watch *w);

#endif /* __TG_INPUT_H */
