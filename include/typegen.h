/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * typegen.h - the libtypegen API.
 *
 * libtypegen reads Linux kernel types (BTF) from wherever a user has them,
 * finds the running kernel's types by itself, and writes them out as a C
 * header for BPF programs.
 *
 * Conventions (the same as libbpf's):
 *  - Every function that can fail returns 0 or a positive value on success
 *    and a negative error code on failure: either -errno (-ENOENT, -ENOMEM,
 *    ...) or one of the -TG_ERRNO__* codes below. tg_strerror() turns any of
 *    them into a message. The library never prints and never exits.
 *  - Objects are opaque. Constructors take an optional *_opts struct whose
 *    first member is its own size (.sz), so that the struct can grow without
 *    breaking binaries built against an older header. Declare opts with
 *    TG_OPTS(); passing NULL means "all defaults".
 *  - Strings returned by the library belong to the object they came from and
 *    live as long as it does.
 *  - There is no global state: objects may be used from different threads as
 *    long as one object is not used by two threads at once.
 */
#ifndef __TYPEGEN_H
#define __TYPEGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TG_API __attribute__((visibility("default")))

#define TG_VERSION_MAJOR 0
#define TG_VERSION_MINOR 1

struct btf;

/*
 * TG_OPTS(TYPE, NAME, ...) declares "struct TYPE NAME" with .sz set and the
 * given fields initialised, everything else zero:
 *
 *	TG_OPTS(tg_locate_opts, opts, .release = "6.1.0-13-amd64");
 */
#define TG_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = {						\
		.sz = sizeof(struct TYPE),				\
		__VA_ARGS__						\
	}

/* ------------------------------------------------------------------------
 * Errors
 */

/*
 * Error codes for problems that have no errno of their own. Functions return
 * them negated, like errno values.
 */
enum tg_errno {
	__TG_ERRNO__START = 4000,
	TG_ERRNO__EMPTY = __TG_ERRNO__START,	/* the file is empty */
	TG_ERRNO__FORMAT,	/* no format this library reads */
	TG_ERRNO__TRUNC,	/* shorter than its own headers say */
	TG_ERRNO__NOBTF,	/* an ELF file without a .BTF section */
	TG_ERRNO__BTF,		/* BTF data that does not validate */
	TG_ERRNO__ELF,		/* an ELF file libelf cannot read */
	TG_ERRNO__ENV_EMPTY,	/* REDBPF_VMLINUX is set to "" */
	TG_ERRNO__NOTFOUND,	/* no candidate for the kernel's BTF worked */
	TG_ERRNO__CYCLE,	/* types that no C declaration order satisfies */
	TG_ERRNO__CORRUPT,	/* compressed data that does not decode */
	TG_ERRNO__CHECKSUM,	/* compressed data that fails its checksum */
	TG_ERRNO__ZTRUNC,	/* compressed data that ends too early */
	TG_ERRNO__TOOBIG,	/* decompresses to more than the size limit */
	TG_ERRNO__DEPTH,	/* containers nested deeper than TG_MAX_LAYERS */
	TG_ERRNO__TAR,		/* a tar archive with a broken header */
	TG_ERRNO__NOARCHBTF,	/* an archive without a BTF file in it */
	TG_ERRNO__MULTIBTF,	/* an archive with several BTF files */
	TG_ERRNO__KIMAGE,	/* a boot image with no kernel ELF to be found */
	TG_ERRNO__NEEDBASE,	/* split BTF (a module's) opened without a base */
	TG_ERRNO__BASE,		/* split BTF that does not fit the base given */
	TG_ERRNO__NOTSPLIT,	/* not split BTF, where a module's was needed */
	TG_ERRNO__STALE,	/* a kernel image of another build than the running one */
	TG_ERRNO__NODWARF,	/* an ELF file without DWARF, where it was asked for */
	TG_ERRNO__DWARFVER,	/* a DWARF version other than 2 to 5 */
	TG_ERRNO__DWARF,	/* DWARF debug info that does not parse */
	__TG_ERRNO__END,
};

/*
 * tg_strerror - describe an error code returned by libtypegen.
 * @err: the error, negative or positive (-ENOENT and ENOENT are the same).
 * @buf: where the NUL-terminated message goes.
 * @size: size of @buf; the message is cut to fit.
 *
 * Returns 0, or -EINVAL if @err is not a known code (@buf then holds a
 * generic "unknown error N" message).
 */
TG_API int tg_strerror(int err, char *buf, size_t size);

/* ------------------------------------------------------------------------
 * Loading kernel types
 */

/*
 * What a file turned out to be. Recognised by content, never by name: the
 * magic numbers of each format, "ustar" at offset 257 for tar, and "HdrS"
 * at 0x202 (with the boot flag 0xaa55 at 0x1fe) for an x86 boot image.
 *
 * Formats nest: a file is a chain of layers, from the file itself to the raw
 * BTF or ELF holding the types, e.g. XZ, TAR, RAW_BTF for a btfhub archive
 * (<release>.btf.tar.xz), BZIMAGE, XZ, ELF for a Debian vmlinuz, ZSTD, ELF
 * for a kernel module (.ko.zst). At most TG_MAX_LAYERS layers are followed.
 */
enum tg_format {
	TG_FORMAT_UNKNOWN = 0,
	TG_FORMAT_RAW_BTF,	/* raw BTF, as in /sys/kernel/btf/vmlinux */
	TG_FORMAT_ELF,		/* an ELF file with a .BTF section */
	TG_FORMAT_GZIP,		/* gzip (.gz) */
	TG_FORMAT_XZ,		/* xz (.xz) */
	TG_FORMAT_ZSTD,		/* zstd (.zst) */
	TG_FORMAT_LZMA,		/* legacy lzma (.lzma, LZMA_Alone) */
	TG_FORMAT_BZIP2,	/* bzip2 (.bz2) */
	TG_FORMAT_LZ4,		/* lz4, frame or legacy (lz4 -l, as kernels) */
	TG_FORMAT_LZO,		/* lzop (.lzo) */
	TG_FORMAT_TAR,		/* a ustar or GNU tar archive */
	TG_FORMAT_BZIMAGE,	/* an x86 boot image (vmlinuz, bzImage) */
};

/* The deepest nesting of layers followed (-TG_ERRNO__DEPTH beyond it). */
#define TG_MAX_LAYERS 8

/*
 * The largest size a decompressed layer may have unless
 * tg_open_opts.max_size says otherwise (-TG_ERRNO__TOOBIG beyond it): a
 * guard against decompression bombs, ten times a kernel's vmlinux.
 */
#define TG_MAX_SIZE_DEFAULT (1UL << 30)

/* A set of kernel types, with where they came from. */
struct tg_btf;

/*
 * Reports how far a long conversion (DWARF to BTF) got: @done of @total
 * units of work in @stage ("converting DWARF", "deduplicating"). Called
 * from the thread that opened the file, a few hundred times at most.
 */
typedef void (*tg_progress_fn)(const char *stage, __u64 done, __u64 total,
			       void *ctx);

struct tg_open_opts {
	size_t sz;	/* sizeof(struct tg_open_opts) */
	/*
	 * The kernel's types, for an input that is split BTF (a module's,
	 * from /sys/kernel/btf/<module> or a .ko): its type ids and string
	 * offsets continue those of @base. Used only when the input is
	 * split; @base must not be split itself and must outlive the new
	 * object.
	 */
	const struct tg_btf *base;
	/* Largest decompressed layer; 0 means TG_MAX_SIZE_DEFAULT. */
	size_t max_size;
	/*
	 * Read the types from the DWARF debug info of an ELF input even if
	 * it has a .BTF section (without it, DWARF is read only when there
	 * is no .BTF). See "Types from DWARF" below.
	 */
	bool from_dwarf;
	/* Called as a DWARF conversion goes on, or NULL. */
	tg_progress_fn progress;
	void *progress_ctx;
	size_t :0;
};
#define tg_open_opts__last_field progress_ctx

/*
 * tg_btf__open - load the types in the file at @path.
 * @path: raw BTF or an ELF file with a .BTF section, either of them
 *	compressed (gzip, xz, zstd, lzma, bzip2, lz4, lzop) or in a tar
 *	archive (as one file; btfhub's <release>.btf.tar.xz), or an x86 boot
 *	image whose compressed kernel carries .BTF (vmlinuz). BTF of either
 *	byte order. Split BTF (a kernel module's) needs @opts->base.
 * @opts: options, or NULL.
 * @btfp: on success, the new object (free with tg_btf__free()).
 *
 * Split BTF is recognised by its string section, which does not start
 * with the empty string as standalone BTF must; it is checked against the
 * base: every type id it uses must exist and every name must start a
 * string, else -TG_ERRNO__BASE.
 *
 * Returns 0 or a negative error: -ENOENT, -EISDIR, -EACCES...,
 * -TG_ERRNO__EMPTY, -TG_ERRNO__FORMAT, -TG_ERRNO__TRUNC, -TG_ERRNO__NOBTF,
 * -TG_ERRNO__BTF, -TG_ERRNO__ELF; for compressed data -TG_ERRNO__CORRUPT,
 * -TG_ERRNO__CHECKSUM, -TG_ERRNO__ZTRUNC, -TG_ERRNO__TOOBIG; for archives
 * -TG_ERRNO__TAR, -TG_ERRNO__NOARCHBTF, -TG_ERRNO__MULTIBTF; for boot
 * images -TG_ERRNO__KIMAGE; -TG_ERRNO__DEPTH; for split BTF
 * -TG_ERRNO__NEEDBASE (no @opts->base) or -TG_ERRNO__BASE; -EINVAL if
 * @opts->base is itself split.
 */
TG_API int tg_btf__open(const char *path, const struct tg_open_opts *opts,
			struct tg_btf **btfp);

/*
 * tg_btf__open_mem - like tg_btf__open(), from @size bytes at @data.
 * @name: what to call the input in tg_btf__path() (may be NULL).
 *
 * @data is copied; the caller may free it once this returns.
 */
TG_API int tg_btf__open_mem(const void *data, size_t size, const char *name,
			    const struct tg_open_opts *opts,
			    struct tg_btf **btfp);

/*
 * Types from DWARF
 *
 * An ELF file with no .BTF section (or any ELF file, with
 * tg_open_opts.from_dwarf) has its types read from its DWARF debug info
 * (.debug_info, DWARF 2 to 5, compressed or not, with type units and dwz's
 * partial units) and converted to BTF, deduplicated by libbpf. A stripped
 * file's debug info is looked for in a separate file, by GNU build ID
 * (/usr/lib/debug/.build-id/xx/yyyy.debug) and by .gnu_debuglink (beside
 * the file, in its .debug/ directory, and under /usr/lib/debug). Relocatable
 * files (.o, .ko) are relocated first (libdwfl). Besides the types:
 *  - a FUNC for each function with code of its own whose name is a
 *    function symbol of the file (foo.isra.0 and the like count as foo)
 *    and whose parameters all have names, once per name (the first in
 *    the file), as pahole keeps them;
 *  - a VAR for each variable at an address of the .data..percpu section
 *    that the symbol table names, in one DATASEC, as pahole does.
 * The result is standalone BTF, even for a kernel module.
 * Errors: -TG_ERRNO__NOBTF when there is neither .BTF nor DWARF (with
 * from_dwarf: -TG_ERRNO__NODWARF), -TG_ERRNO__DWARFVER,
 * -TG_ERRNO__DWARF; -ENOMEM.
 */

/*
 * tg_btf__dwarf_skipped - how many DWARF entries had no C meaning (a
 * _Complex base type, a Fortran string, a Pascal set...) and were left
 * out, void to whatever referred to them. 0 for types read from BTF.
 */
TG_API size_t tg_btf__dwarf_skipped(const struct tg_btf *btf);

/* tg_btf__from_dwarf - whether the types were converted from DWARF. */
TG_API bool tg_btf__from_dwarf(const struct tg_btf *btf);

/* tg_btf__free - release @btf and everything it owns. NULL is a no-op. */
TG_API void tg_btf__free(struct tg_btf *btf);

/*
 * tg_btf__btf - the types, as a libbpf object owned by @btf. For split BTF
 * its base is the base's own libbpf object: ids 1.. are the base's types.
 */
TG_API const struct btf *tg_btf__btf(const struct tg_btf *btf);

/*
 * tg_btf__format - what kind of file the types were read from: the
 * outermost layer (TG_FORMAT_XZ for a .btf.tar.xz). TG_FORMAT_UNKNOWN for
 * types made by tg_btf__merge().
 */
TG_API enum tg_format tg_btf__format(const struct tg_btf *btf);

/* tg_btf__layer_cnt - how many layers the input had (0 for merged types). */
TG_API size_t tg_btf__layer_cnt(const struct tg_btf *btf);

/*
 * tg_btf__layer - layer @idx, the file itself first and the raw BTF or ELF
 * last; TG_FORMAT_UNKNOWN past the last one.
 */
TG_API enum tg_format tg_btf__layer(const struct tg_btf *btf, size_t idx);

/* tg_format__str - a short name: "raw BTF", "ELF", "xz", "bzImage"... */
TG_API const char *tg_format__str(enum tg_format fmt);

/*
 * tg_btf__path - the file the types were read from, or the name given to
 * tg_btf__open_mem() (NULL if it was given none, and for merged types).
 */
TG_API const char *tg_btf__path(const struct tg_btf *btf);

/* tg_btf__base - the base of split BTF (tg_open_opts.base), else NULL. */
TG_API const struct tg_btf *tg_btf__base(const struct tg_btf *btf);

/*
 * tg_btf__build_id - the GNU build ID of the ELF file the types were read
 * from (a vmlinux, a vmlinuz's kernel, a .ko), or NULL when there is none
 * (raw BTF). *@size is set to its length in bytes.
 */
TG_API const unsigned char *tg_btf__build_id(const struct tg_btf *btf,
					     size_t *size);

/* ------------------------------------------------------------------------
 * Kernel modules
 *
 * A module's BTF is split BTF on the kernel's (see tg_open_opts.base).
 * Several modules of one kernel can be merged into one set of types.
 */

struct tg_merge_opts {
	size_t sz;		/* sizeof(struct tg_merge_opts) */
	/*
	 * Keep only the types the modules add, and of the base's only those
	 * they need: by value in full, named structs and unions reached only
	 * through pointers as forward declarations. Default: all of the
	 * base's types and the modules'.
	 */
	bool module_only;
	size_t :0;
};
#define tg_merge_opts__last_field module_only

/*
 * tg_btf__merge - the types of @base and of @cnt modules, deduplicated.
 * @base: the kernel's types; not split.
 * @mods: @cnt >= 1 modules, each opened as split BTF on @base itself.
 * @opts: options, or NULL.
 * @btfp: on success, new standalone (not split) types, which neither
 *	@base nor @mods need to outlive; free with tg_btf__free().
 *
 * The modules' types are deduplicated against the base and each other
 * (libbpf's btf__dedup()): a type that two modules define alike, or that
 * a module repeats from the base, is there once. The ids of @base's types
 * are kept unless @opts->module_only. Byte order and pointer size are the
 * base's.
 *
 * Returns 0, -EINVAL (no modules, a NULL one, @base split),
 * -TG_ERRNO__NOTSPLIT (a module that is not split BTF on @base), -ENOMEM,
 * or -TG_ERRNO__BTF if libbpf cannot deduplicate the types.
 */
TG_API int tg_btf__merge(const struct tg_btf *base,
			 struct tg_btf *const *mods, size_t cnt,
			 const struct tg_merge_opts *opts,
			 struct tg_btf **btfp);

/* ------------------------------------------------------------------------
 * Writing raw BTF
 */

enum tg_byte_order {
	TG_BYTE_ORDER_INPUT = 0,	/* as the input had it */
	TG_BYTE_ORDER_NATIVE,		/* this machine's */
	TG_BYTE_ORDER_LITTLE,
	TG_BYTE_ORDER_BIG,
};

struct tg_raw_opts {
	size_t sz;		/* sizeof(struct tg_raw_opts) */
	enum tg_byte_order byte_order;
	size_t :0;
};
#define tg_raw_opts__last_field byte_order

/*
 * tg_btf__write_raw - write the types to @out as raw BTF, the format of
 * /sys/kernel/btf/: loading the output gives the same types. Split BTF (a
 * module's) is written split, as /sys/kernel/btf/<module> is: only its own
 * types, loadable again on the same base.
 * @opts: options (byte order; default: the input's), or NULL.
 *
 * Returns 0, -EINVAL (bad opts), -ENOMEM, or -EIO if writing failed.
 */
TG_API int tg_btf__write_raw(const struct tg_btf *btf, FILE *out,
			     const struct tg_raw_opts *opts);

/* ------------------------------------------------------------------------
 * Finding the kernel's types
 *
 * The rules redbpf users know:
 *  - an explicit path (tg_locate_opts.path, the CLI's -i) wins;
 *  - else REDBPF_VMLINUX=<path> names the file, and REDBPF_VMLINUX=system
 *    (or REDBPF_VMLINUX unset) probes, in order, with R the kernel release:
 *	/sys/kernel/btf/vmlinux
 *	/boot/vmlinux-R
 *	/lib/modules/R/vmlinux-R
 *	/lib/modules/R/build/vmlinux
 *	/usr/lib/modules/R/kernel/vmlinux
 *	/usr/lib/debug/boot/vmlinux-R
 *	/usr/lib/debug/boot/vmlinux-R.debug
 *	/usr/lib/debug/lib/modules/R/vmlinux
 *	/boot/vmlinuz-R
 *    and the first that loads wins;
 *  - when probing for the running kernel (no release and no sysroot
 *    given), a candidate read from an ELF file (a vmlinux, the kernel in
 *    a vmlinuz) whose GNU build ID differs from the one the running kernel
 *    gives in /sys/kernel/notes is stale: rejected with -TG_ERRNO__STALE.
 *    Raw BTF, files without a build ID, and a kernel that does not give
 *    its own are not checked;
 *  - REDBPF_VMLINUX set to "" is an error (-TG_ERRNO__ENV_EMPTY), never a
 *    silent probe.
 * Every candidate tried is recorded, with the reason it was rejected, so a
 * tool can explain the decision (see `typegen probe`).
 */

/* How the input was asked for. */
enum tg_request {
	TG_REQUEST_PATH = 0,	/* an explicit path (tg_locate_opts.path) */
	TG_REQUEST_ENV_PATH,	/* REDBPF_VMLINUX=<path> */
	TG_REQUEST_ENV_SYSTEM,	/* REDBPF_VMLINUX=system */
	TG_REQUEST_SYSTEM,	/* REDBPF_VMLINUX unset: probe */
	TG_REQUEST_ENV_EMPTY,	/* REDBPF_VMLINUX="": an error */
};

struct tg_locate_opts {
	size_t sz;		/* sizeof(struct tg_locate_opts) */
	/* Load this file; REDBPF_VMLINUX is then ignored. */
	const char *path;
	/* Kernel release R used in probe paths; default: uname -r. */
	const char *release;
	/* Directory the probe paths are resolved under; default "/". */
	const char *sysroot;
	/* Do not read REDBPF_VMLINUX from the environment. */
	bool no_env;
	/*
	 * How each candidate is opened (from_dwarf, progress...), or NULL;
	 * copied, without its base (the kernel's types have none).
	 */
	const struct tg_open_opts *open_opts;
	size_t :0;
};
#define tg_locate_opts__last_field open_opts

/* One candidate the locator tried. */
struct tg_probe_step {
	const char *path;	/* the file as opened (sysroot applied) */
	int err;		/* 0 if this one was chosen, else why not */
};

struct tg_locator;

/*
 * tg_locator__new - decide how the kernel's types are to be found.
 * @opts: options, or NULL.
 * @locp: on success, the new locator (free with tg_locator__free()).
 *
 * Reads REDBPF_VMLINUX (unless @opts->no_env) and the kernel release; loads
 * nothing yet. Returns 0, -EINVAL for bad opts (a field this library does
 * not know set, an empty path, release or sysroot, a release with a '/'),
 * or -ENOMEM.
 */
TG_API int tg_locator__new(const struct tg_locate_opts *opts,
			   struct tg_locator **locp);

/*
 * tg_locator__load - find and load the kernel's types.
 * @btfp: on success, the loaded types (the caller frees them).
 *
 * Returns 0; -TG_ERRNO__ENV_EMPTY; the load error of the one file asked for
 * (explicit path or REDBPF_VMLINUX=<path>); or -TG_ERRNO__NOTFOUND when no
 * probed candidate loaded. The steps are recorded either way. Calling it
 * again probes again, replacing the recorded steps.
 */
TG_API int tg_locator__load(struct tg_locator *loc, struct tg_btf **btfp);

/* tg_locator__request - how the input was asked for. */
TG_API enum tg_request tg_locator__request(const struct tg_locator *loc);

/*
 * tg_locator__request_path - the path that was asked for (TG_REQUEST_PATH
 * and TG_REQUEST_ENV_PATH), or NULL when probing.
 */
TG_API const char *tg_locator__request_path(const struct tg_locator *loc);

/* tg_locator__release - the kernel release used in probe paths. */
TG_API const char *tg_locator__release(const struct tg_locator *loc);

/* tg_locator__sysroot - the root the probe paths are resolved under. */
TG_API const char *tg_locator__sysroot(const struct tg_locator *loc);

/* tg_locator__step_cnt - how many candidates the last load tried. */
TG_API size_t tg_locator__step_cnt(const struct tg_locator *loc);

/* tg_locator__step - candidate @idx (in the order tried), or NULL. */
TG_API const struct tg_probe_step *
tg_locator__step(const struct tg_locator *loc, size_t idx);

/* tg_locator__free - release @loc. NULL is a no-op. */
TG_API void tg_locator__free(struct tg_locator *loc);

/* ------------------------------------------------------------------------
 * Writing C headers
 *
 * The header holds every type that C can express: each defined before any
 * use that needs its size (a pointer only needs a forward declaration), in a
 * deterministic order (kind rank, then name), with sizes, offsets, packing
 * and alignment exactly as in the BTF. Names that clash get the CO-RE flavor
 * suffix (name___2, ...), which libbpf ignores when matching types.
 */

struct tg_c_opts {
	size_t sz;		/* sizeof(struct tg_c_opts) */
	/* Keep BTF type id order instead of sorting by kind and name. */
	bool unsorted;
	size_t :0;
};
#define tg_c_opts__last_field unsorted

struct tg_c_dumper;

/*
 * tg_c_dumper__new - plan a C header for the types in @btf.
 * @btf: the types; must outlive the dumper.
 * @opts: options, or NULL.
 * @dp: on success, the new dumper (free with tg_c_dumper__free()).
 *
 * Names, order and layout are all decided here, so errors in the input
 * (-TG_ERRNO__CYCLE, -TG_ERRNO__BTF) are reported before anything is
 * written. Planning runs on two threads (one started here and joined
 * before returning); nothing is left running.
 */
TG_API int tg_c_dumper__new(const struct tg_btf *btf,
			    const struct tg_c_opts *opts,
			    struct tg_c_dumper **dp);

/*
 * tg_c_dumper__dump - write the whole header to @out.
 *
 * The header is printed in chunks by this thread and a second one, and
 * written to @out in order as they finish; the second thread is joined
 * before returning.
 *
 * Returns 0 or a negative errno from writing (-EIO, -ENOSPC...).
 */
TG_API int tg_c_dumper__dump(struct tg_c_dumper *d, FILE *out);

/*
 * tg_c_dumper__name - the C name type @id is written under: "task_struct",
 * "foo___2" for the second type named foo. NULL for types that carry no
 * name of their own in the header (pointers, anonymous types...).
 */
TG_API const char *tg_c_dumper__name(const struct tg_c_dumper *d, __u32 id);

/* tg_c_dumper__free - release @d. NULL is a no-op. */
TG_API void tg_c_dumper__free(struct tg_c_dumper *d);

/* ------------------------------------------------------------------------
 * Writing files safely
 */

/* Writes the content of a file to @out; returns 0 or a negative error. */
typedef int (*tg_write_fn)(FILE *out, void *ctx);

/*
 * tg_write_file_atomic - create or replace @path with what @fn writes.
 *
 * The content goes to a new temporary file beside @path (created with
 * O_EXCL, so a symlink planted at that name is never followed), which is
 * renamed over @path only once @fn succeeded and everything was written:
 * readers see the old file or the whole new one, never a part. On any
 * failure @path is left as it was and the temporary file is removed. Like a
 * compiler's output the file is not fsync'ed: a header is cheaper to
 * regenerate after a power cut than to sync on every build.
 * The new file's mode is 0666 less the umask, as for any created file. A
 * symlink at @path is replaced, never written through.
 *
 * Returns 0, the error @fn returned (a negative one; a positive return
 * counts as success), -EIO if @fn left a write error on @out, -EISDIR if
 * @path is a directory, or another negative errno.
 */
TG_API int tg_write_file_atomic(const char *path, tg_write_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* __TYPEGEN_H */
