/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Definitions shared by the libtypegen modules; not installed. */
#ifndef __TG_INTERNAL_H
#define __TG_INTERNAL_H

#include <stdbool.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>
#include <linux/types.h>
#include "typegen.h"

struct btf;
struct btf_type;

/* Longest GNU build ID kept (SHA-1 gives 20 bytes; 64 leaves room). */
#define TG_BUILD_ID_MAX 64

struct tg_btf {
	struct btf *btf;
	char *path;
	enum tg_format format;	/* layers[0], or UNKNOWN */
	enum tg_format layers[TG_MAX_LAYERS];
	size_t layer_cnt;
	/* Split BTF: the base it was opened on (not owned). */
	const struct tg_btf *base;
	unsigned char build_id[TG_BUILD_ID_MAX];
	size_t build_id_sz;
	bool from_dwarf;	/* converted from DWARF */
	enum tg_arch arch;	/* the ELF input's, or tg_btf__set_arch()'s */
	size_t dwarf_skipped;	/* DWARF entries with no C meaning */
};

/*
 * An opts struct is valid when its .sz covers at least .sz itself and every
 * byte past the fields this library knows is zero: a caller built against a
 * newer header that sets a field we do not know gets -EINVAL, not silence.
 */
static inline bool tg_opts_valid(const void *opts, size_t known_sz,
				 size_t user_sz)
{
	const char *p = opts;
	size_t i;

	if (!opts)
		return true;
	if (user_sz < sizeof(size_t))
		return false;
	for (i = known_sz; i < user_sz; i++)
		if (p[i])
			return false;
	return true;
}

#define TG_OPTS_KNOWN_SZ(type)						\
	(offsetof(struct type, type##__last_field) +			\
	 sizeof(((struct type *)0)->type##__last_field))

#define TG_OPTS_VALID(opts, type)					\
	(!(opts) || tg_opts_valid((opts), TG_OPTS_KNOWN_SZ(type),	\
				  (opts)->sz))

/* A field of opts if the caller's struct is large enough to hold it. */
#define TG_OPTS_HAS(opts, field)					\
	((opts) && (opts)->sz >= offsetof(typeof(*(opts)), field) +	\
				  sizeof((opts)->field))
#define TG_OPTS_GET(opts, field, fallback)				\
	(TG_OPTS_HAS(opts, field) ? (opts)->field : (fallback))

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

/* util/file.c - reading files. */
/*
 * pread() until @len bytes or end of file (read() from the file position
 * if @off is negative): the count read, or -errno.
 */
ssize_t tg_pread_full(int fd, void *buf, size_t len, off_t off);
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

/* split.c - split BTF (modules). */

/* Call @fn on every type id / string offset that @t holds. */
typedef int (*tg_u32_fn)(__u32 *v, void *ctx);
int tg_type_visit_ids(struct btf_type *t, tg_u32_fn fn, void *ctx);
int tg_type_visit_strs(struct btf_type *t, tg_u32_fn fn, void *ctx);

/*
 * Check that the types of @btf from id @first on refer only to types that
 * exist and name only strings that exist; with @starts, also that every
 * name starts a string, which a split BTF on the wrong base fails.
 * Returns 0 or -EINVAL.
 */
int tg_btf_check_refs(const struct btf *btf, __u32 first, bool starts);
/*
 * The same check for standalone BTF whose string section is @str_len
 * bytes, in one pass without callbacks (it runs on every load: 150,000
 * types for a kernel). Also rejects kinds this library does not know.
 * Returns 0 or -EINVAL.
 */
int tg_btf_check_standalone(const struct btf *btf, __u32 str_len);

/*
 * btf_check.c - the kernel's rules for the types from id @first on (1 if
 * 0): names that are C identifiers, integers that fit, bitfields of
 * integers, no void parameter, distinct member names, chains no deeper
 * than the emitter follows. Returns 0, -ENOMEM or the -TG_ERRNO__* code
 * of the first rule broken.
 */
int tg_btf_check_rules(const struct btf *btf, __u32 first);

/*
 * Nesting deeper than this is hostile input, not a kernel type: the
 * rules refuse it, and the C emitter never follows a chain deeper.
 */
#define TG_C_MAX_DEPTH 256

/* dwarf.c - types from DWARF debug info. */
struct tg_dwarf_args {
	const char *path;	/* the file, for separate debug files; or NULL */
	int fd;			/* the file (mapped here), or -1: use the image */
	tg_progress_fn progress;
	void *progress_ctx;
	/* Most bytes compressed sections may inflate to, all together. */
	size_t max_size;
	/* A module's kernel: its BTF is made split on this one, or NULL. */
	struct btf *base;
	/* tg_open_opts.btf_features, or NULL. */
	const char *btf_features;
};

/*
 * The types in the DWARF of the ELF image at @image (@size bytes; with
 * @a->fd >= 0 the file is mapped instead), as new deduplicated BTF.
 * *@skipped counts DIEs left out. Returns 0, -TG_ERRNO__NODWARF (neither
 * in the file nor in a separate debug file), -TG_ERRNO__TOOBIG (compressed
 * sections that claim more than @a->max_size bytes), -TG_ERRNO__DWARFVER,
 * -TG_ERRNO__DWARF, -TG_ERRNO__ELF, -TG_ERRNO__BTF or -ENOMEM.
 */
int tg_dwarf_to_btf(const void *image, size_t size,
		    const struct tg_dwarf_args *a, struct btf **btfp,
		    size_t *skipped);

/* locate.c - for tests: check build IDs against this notes file. */
struct tg_locator;
int tg_locator_set_notes(struct tg_locator *loc, const char *path);
/* What @loc's last tg_locator__load() returned, in *@errp; -EINVAL if none. */
int tg_locator_load_err(const struct tg_locator *loc, int *errp);
/* The GNU build ID in a notes blob (as /sys/kernel/notes); 0 if none. */
size_t tg_notes_build_id(const void *notes, size_t size, bool swap,
			 unsigned char *id, size_t id_max);

/* kernel/trail.c - the trail of a selection. */
struct tg_trail {
	struct tg_select_step *steps;
	size_t cnt, cap;
};
/* Record a step; @path is copied, @what must be a string literal. */
int tg_trail_add(struct tg_trail *t, enum tg_method method, const char *what,
		 const char *path, int err);

/* util/strv.c */
struct tg_strv {
	char **v;		/* NULL-terminated */
	size_t cnt, cap;
};
int tg_strv_add(struct tg_strv *sv, const char *s);
void tg_strv_free(struct tg_strv *sv);

/*
 * Call before copying types of a split BTF into another split BTF on the
 * same @base. libbpf 1.1's btf__add_type() takes a name's pointer from the
 * source, then looks the name up in the base, which the first lookup turns
 * modifiable, freeing the raw data the pointer points into when the name
 * is the base's own: a read after free (a segfault when merging a module
 * whose first name is the kernel's). Indexing the base's strings first
 * does that while no pointer is held. 0 or -ENOMEM. (split.c)
 */
int tg_btf_index_base_strs(const struct btf *base);

/* arch.c - the architecture an ELF file's e_machine and class name. */
enum tg_arch tg_arch_from_elf(unsigned int e_machine, bool is_64bit);
/*
 * The kernel's name for architecture @name ("x86" for "x86_64"), with the
 * clang target triple of its C code in *@triple; NULL if not known.
 */
const char *tg_arch_kernel(const char *name, const char **triple);

/* headers.c - kernel header trees and the flags to compile against them. */

/*
 * locate.c: @rel resolved inside @root as openat2(RESOLVE_IN_ROOT) does (an
 * absolute symlink is relative to @root, ".." stops at it): *realp, the
 * host path it names (malloc'ed). Returns 0 or -errno (-ENOSYS before
 * Linux 5.6).
 */
int tg_resolve_in_root(const char *root, const char *rel, char **realp);

/*
 * Find the kernel headers: in @kernel_source if not NULL, else in @moddir
 * (a /lib/modules/<release> directory). Every check is recorded in @t.
 * KERNEL_SOURCE may be the build half of a distribution's split headers
 * (Debian's linux-headers-<ver>-<flavour>): the source half is found from
 * its Makefile's include, or as the -common sibling.
 * @moddir is under @root (a sysroot, or NULL): its symlinks are resolved
 * inside @root.
 * Returns 0 with malloc'ed *@srcp and *@buildp, -TG_ERRNO__NOHEADERS, or
 * -ENOMEM.
 */
int tg_headers_find(struct tg_trail *t, const char *kernel_source,
		    const char *moddir, const char *root, char **srcp,
		    char **buildp);

/* Append the flags for compiling against the trees to @sv. */
int tg_headers_flags(struct tg_strv *sv, const char *src, const char *build,
		     const char *karch, const char *triple);

/*
 * spawn.c: a second thread for work split in two. Linux often queues a
 * new thread on its creator's CPU, and an idle CPU takes it over only at a
 * balancing tick, milliseconds later: in 8 of 14 runs of two 4 ms jobs on
 * a 2-CPU machine they ran one after the other. So the thread is started
 * on another CPU than this one, when there is another it may use, and
 * lifts that restriction as it starts.
 */
struct tg_spawn {
	void *(*fn)(void *);
	void *arg;
	cpu_set_t allowed;	/* what the thread may run on afterwards */
};

/* pthread_create() on another CPU; @sp must outlive the thread. */
int tg_spawn_thread(pthread_t *th, struct tg_spawn *sp,
		    void *(*fn)(void *), void *arg);

#endif /* __TG_INTERNAL_H */
