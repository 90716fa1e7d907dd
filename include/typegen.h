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
	TG_ERRNO__NOMATCH,	/* no type matches a selection pattern */
	TG_ERRNO__UNKNOWN,	/* a program uses names the kernel's types lack */
	TG_ERRNO__COMPILE,	/* a program does not compile, whatever the types */
	TG_ERRNO__NOCLANG,	/* no clang to compile programs with */
	TG_ERRNO__RELO,		/* a BPF object's .BTF.ext CO-RE records are broken */
	TG_ERRNO__AMBIGUOUS,	/* kernel types that give a relocation two values */
	TG_ERRNO__NOHEADERS,	/* no usable kernel headers where they were looked for */
	TG_ERRNO__NODWARF,	/* an ELF file without DWARF, where it was asked for */
	TG_ERRNO__DWARFVER,	/* a DWARF version other than 2 to 5 */
	TG_ERRNO__DWARF,	/* DWARF debug info that does not parse */
	TG_ERRNO__RUNNING,	/* the running kernel's types, for another release or root */
	TG_ERRNO__NOTFILE,	/* a FIFO, device or socket where a file was looked for */
	TG_ERRNO__OUTSIDE,	/* a symlink leading out of the sysroot */
	TG_ERRNO__OVERRUN,	/* decompresses past the size its own header gives */
	TG_ERRNO__NOWRITER,	/* a FIFO nothing was written to in time */
	TG_ERRNO__NAME,		/* a name that is not a C identifier */
	TG_ERRNO__BATCHDIR,	/* min --batch output inside its input tree */
	TG_ERRNO__OUTCLASH,	/* two inputs of a batch with one output */
	TG_ERRNO__BADTYPE,	/* an array or member of void or function type */
	TG_ERRNO__BITFIELD,	/* a bitfield that is not an integer or enum, or wider than it */
	TG_ERRNO__INTSIZE,	/* an integer with more bits than its size */
	TG_ERRNO__PARAM,	/* a void parameter, or '...' alone */
	TG_ERRNO__DUPNAME,	/* a struct or union with two members of one name */
	TG_ERRNO__DEEP,	/* a chain of types deeper than 256, or a loop */
	TG_ERRNO__PADDING,	/* a struct with more padding than C can say */
	TG_ERRNO__SHADOW,	/* a program includes another vmlinux.h than the one written */
	TG_ERRNO__TIMEOUT,	/* the compiler did not finish in time */
	TG_ERRNO__IMGNOBTF,	/* a kernel built without BTF */
	TG_ERRNO__IMGARCH,	/* an image whose header the BTF contradicts */
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
	TG_FORMAT_KIMAGE,	/* a kernel as it runs: arm64, riscv, loongarch
				 * Image, or the kernel inside the next three */
	TG_FORMAT_ZBOOT,	/* an EFI zboot image (vmlinuz.efi) */
	TG_FORMAT_ZIMAGE,	/* an arm zImage */
	TG_FORMAT_S390,		/* an s390 boot image */
};

/* The deepest nesting of layers followed (-TG_ERRNO__DEPTH beyond it). */
#define TG_MAX_LAYERS 8

/*
 * The decompression budget unless tg_open_opts.max_size says otherwise
 * (-TG_ERRNO__TOOBIG beyond it): what all decompressed layers of one
 * input, and all the candidates of an archive, may add up to; a guard
 * against decompression bombs, ten times a kernel's vmlinux. What
 * remains of it bounds what an ELF file's compressed debug sections
 * claim to inflate to, and what is read of an input that is not ELF. An
 * xz or lzma decoder gets 128 MiB at most. Decoded data is also
 * refused once its first 4 KiB show no known format
 * (-TG_ERRNO__FORMAT), and raw BTF or ELF once it runs past the size its
 * own header gives (-TG_ERRNO__OVERRUN).
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
	/*
	 * The decompression budget, all layers and archive candidates
	 * together; 0 means TG_MAX_SIZE_DEFAULT.
	 */
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
	/*
	 * The BTF conventions of a DWARF conversion, as pahole's
	 * --btf_features names them (see tg_btf_features_parse()), or NULL
	 * for those the input kernel's own build used.
	 */
	const char *btf_features;
	size_t :0;
};
#define tg_open_opts__last_field btf_features

/*
 * tg_btf__open - load the types in the file at @path.
 * @path: raw BTF or an ELF file with a .BTF section, either of them
 *	compressed (gzip, xz, zstd, lzma, bzip2, lz4, lzop) or in a tar
 *	archive (as one file; btfhub's <release>.btf.tar.xz), an x86 boot
 *	image whose compressed kernel carries .BTF (vmlinuz), or another
 *	kernel image (arm64/riscv/loongarch Image, EFI zboot, arm zImage,
 *	s390 image) whose .BTF is found by content. BTF of either
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
 * images -TG_ERRNO__KIMAGE, -TG_ERRNO__IMGNOBTF (built without BTF),
 * -TG_ERRNO__IMGARCH; -TG_ERRNO__DEPTH; for split BTF
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
 *  - a static FUNC for each function (defined in the unit, or inlined
 *    there) whose name is a function symbol of the file and whose
 *    parameters all have names, once per name, as pahole keeps them (see
 *    enum tg_btf_feature for what changed across versions);
 *  - a VAR for each variable at an address of the .data..percpu section
 *    that the symbol table names, in one DATASEC, as pahole does;
 *  - "bpf_kfunc" decl tags on the kfuncs, with TG_BTF_FEAT_DECL_TAG_KFUNCS.
 * The result is standalone BTF, but for a kernel module (a .ko) opened
 * with tg_open_opts.base: split BTF on the base, deduplicated against it,
 * as the module's own build makes its .BTF.
 * Errors: -TG_ERRNO__NOBTF when there is neither .BTF nor DWARF (with
 * from_dwarf: -TG_ERRNO__NODWARF), -TG_ERRNO__DWARFVER,
 * -TG_ERRNO__DWARF; -ENOMEM.
 */

/*
 * The conventions of BTF made from DWARF that changed across pahole
 * versions. A kernel's build passes pahole those its version supports
 * (scripts/Makefile.btf, formerly scripts/pahole-flags.sh); a DWARF
 * conversion follows, by default, what the build of the input's kernel
 * version (from linux_banner, or a module's vermagic) would have got from
 * the pahole of its day:
 *  - TG_BTF_FEAT_VAR: per-CPU variables, as VARs in a DATASEC;
 *  - TG_BTF_FEAT_ENUM64: 8-byte enums as ENUM64 (kernel 6.0, pahole
 *    1.24), else as 8-byte ENUMs of their low 32 bits;
 *  - TG_BTF_FEAT_OPTIMIZED_FUNC: a function whose symbol is a clone of
 *    gcc's (foo.isra.0, foo.constprop.0) counts as foo (kernel 6.4,
 *    pahole 1.25);
 *  - TG_BTF_FEAT_CONSISTENT_FUNC: a function whose units give it different
 *    prototypes (as pahole compares them: named types by name, const or
 *    not) is left out (kernel 6.4, pahole 1.25); without it, the first
 *    unit's prototype is kept;
 *  - TG_BTF_FEAT_DECL_TAG_KFUNCS: a "bpf_kfunc" decl tag on each kfunc of
 *    the kernel's .BTF_ids kfunc sets, "bpf_fastcall" on those flagged so
 *    (kernel 6.11, pahole 1.27).
 * Before 6.0 a kernel had VAR only; from 6.0, VAR and ENUM64 (Debian 12's
 * 6.1: pahole 1.24); from 6.4, the two FUNC ones too; from 6.11, all. An
 * input that is no kernel (no version found) gets all of them. Functions
 * are always static (linkage 0) and multi-dimensional arrays flattened,
 * as every pahole makes them.
 */
enum tg_btf_feature {
	TG_BTF_FEAT_VAR			= 1U << 0,
	TG_BTF_FEAT_ENUM64		= 1U << 1,
	TG_BTF_FEAT_OPTIMIZED_FUNC	= 1U << 2,
	TG_BTF_FEAT_CONSISTENT_FUNC	= 1U << 3,
	TG_BTF_FEAT_DECL_TAG_KFUNCS	= 1U << 4,
};

/*
 * tg_btf_features_parse - the features a comma-separated @list names:
 * var, enum64, optimized_func, consistent_func, decl_tag_kfuncs, and
 * pahole's names for what a conversion always does (encode_force, float,
 * decl_tag, type_tag), accepted and ignored. "" names none.
 * @features: the TG_BTF_FEAT_* bits (may be NULL, to check @list).
 * Returns 0, or -EINVAL for a name not in the list.
 */
TG_API int tg_btf_features_parse(const char *list, __u32 *features);

/*
 * tg_btf__dwarf_skipped - how many DWARF entries had no C meaning (a
 * _Complex base type, a Fortran string, a Pascal set...) and were left
 * out, void to whatever referred to them. 0 for types read from BTF.
 */
TG_API size_t tg_btf__dwarf_skipped(const struct tg_btf *btf);

/* tg_btf__from_dwarf - whether the types were converted from DWARF. */
TG_API bool tg_btf__from_dwarf(const struct tg_btf *btf);

/* ------------------------------------------------------------------------
 * Target architectures
 *
 * A header is exact only for the machine the types are from: the size of
 * long and pointers, how 8-byte integers align (4 on i386, 8 elsewhere),
 * which types exist (__int128 on 64-bit targets only). An ELF input says
 * which machine it is for (e_machine and class); raw BTF does not, and is
 * then TG_ARCH_UNKNOWN until the caller says (tg_btf__set_arch(), the
 * CLI's --arch). Byte order is the BTF's own (btf__endianness()).
 */
enum tg_arch {
	TG_ARCH_UNKNOWN = 0,
	TG_ARCH_X86_64,
	TG_ARCH_I386,
	TG_ARCH_ARM64,
	TG_ARCH_ARM,		/* 32-bit ARM, EABI */
	TG_ARCH_PPC64,		/* either byte order (ppc64, ppc64le) */
	TG_ARCH_PPC,		/* 32-bit PowerPC */
	TG_ARCH_S390X,
	TG_ARCH_RISCV64,
	TG_ARCH_RISCV32,
	TG_ARCH_LOONGARCH64,
	TG_ARCH_MIPS64,
	TG_ARCH_MIPS,		/* 32-bit MIPS, o32 */
	TG_ARCH_SPARC64,
	__TG_ARCH_CNT,
};

/*
 * tg_btf__arch - the machine the types are from: the ELF file's (a
 * vmlinux, the kernel in a boot image, a .ko, a debug image), a split
 * BTF's base's when the module itself does not say, what
 * tg_btf__set_arch() set, else TG_ARCH_UNKNOWN.
 */
TG_API enum tg_arch tg_btf__arch(const struct tg_btf *btf);

/*
 * tg_btf__set_arch - say which machine the types are from, where the input
 * cannot (raw BTF), or override what it said. Returns 0, or -EINVAL for a
 * value outside enum tg_arch.
 */
TG_API int tg_btf__set_arch(struct tg_btf *btf, enum tg_arch arch);

/*
 * tg_arch__str - the architecture's name as the kernel's ARCH and uname
 * spell it ("x86_64", "i386", "arm64", "arm", "ppc64", "ppc", "s390x",
 * "riscv64", "riscv32", "loongarch64", "mips64", "mips", "sparc64"), or
 * "unknown".
 */
TG_API const char *tg_arch__str(enum tg_arch arch);

/*
 * tg_arch__from_str - parse an architecture name: tg_arch__str()'s, and
 * the names of Debian (amd64, arm64, armhf, armel, i386, ppc64el,
 * powerpc, s390x, riscv64, loong64, mips64el, mipsel), of uname -m
 * (aarch64, i686, ppc64le, armv7l...) and of __TARGET_ARCH_* (x86, s390,
 * powerpc, riscv, loongarch; 64-bit where that is ambiguous).
 * Returns 0, or -EINVAL for a name it does not know.
 */
TG_API int tg_arch__from_str(const char *name, enum tg_arch *arch);

/*
 * tg_arch__target - the suffix libbpf's bpf_tracing.h expects in
 * -D__TARGET_ARCH_<suffix> for @arch ("x86", "arm64", "arm", "powerpc",
 * "s390", "riscv", "loongarch", "mips", "sparc"), or NULL when unknown.
 */
TG_API const char *tg_arch__target(enum tg_arch arch);

/*
 * tg_arch__ptr_size - the size of long and of pointers on @arch (4 or 8),
 * or 0 when unknown.
 */
TG_API unsigned int tg_arch__ptr_size(enum tg_arch arch);

/*
 * tg_arch__triple - clang's target triple for Linux on @arch
 * ("aarch64-linux-gnu", "s390x-linux-gnu"...; the byte order Debian uses
 * where the machine has both: powerpc64le, mips64el), or NULL when
 * unknown.
 */
TG_API const char *tg_arch__triple(enum tg_arch arch);

/*
 * tg_arch__byte_order - __ORDER_BIG_ENDIAN__ or __ORDER_LITTLE_ENDIAN__
 * for a machine that has only that byte order (s390x, sparc64; x86,
 * riscv, loongarch), 0 for one that has both (arm, arm64, ppc, mips) or
 * an unknown one: then the BTF's own order (btf__endianness()) says.
 */
TG_API int tg_arch__byte_order(enum tg_arch arch);

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
 *    and the first that loads wins. /sys/kernel/btf/vmlinux is the
 *    running kernel's: a candidate only when R is the running release and
 *    no sysroot is given, else rejected with -TG_ERRNO__RUNNING. Under a
 *    sysroot, symlinks are resolved inside it (openat2's RESOLVE_IN_ROOT;
 *    the step's resolved says where they led). Only regular files are
 *    read: a FIFO, device or socket is rejected (-TG_ERRNO__NOTFILE);
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
	const char *path;	/* the file as looked for (sysroot applied) */
	int err;		/* 0 if this one was chosen, else why not */
	/*
	 * Under a sysroot, the file the symlinks on @path led to, resolved
	 * inside the sysroot (an absolute link is relative to it, ".." stops
	 * at it), when that is not @path; else NULL.
	 */
	const char *resolved;
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

/*
 * How a header of selected types follows pointers (see
 * tg_c_dumper__select()): a pointer member needs only "struct foo;" to
 * compile, and following every pointer to its definition pulls in most of
 * the kernel (task_struct reaches nearly everything), so FWD is the default.
 */
enum tg_pointee {
	TG_POINTEE_FWD = 0,	/* declare what pointers point to */
	TG_POINTEE_FULL = 1,	/* define it, and so on through its pointers */
};

struct tg_c_opts {
	size_t sz;		/* sizeof(struct tg_c_opts) */
	/* Keep BTF type id order instead of sorting by kind and name. */
	bool unsorted;
	/* With a selection: what pointers pull in (TG_POINTEE_FWD). */
	enum tg_pointee pointee;
	size_t :0;
};
#define tg_c_opts__last_field pointee

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

/*
 * The header holds every type of the BTF, and every kernel function tagged
 * "bpf_kfunc" as an extern __weak __ksym prototype (sorted by name, inside
 * #ifndef BPF_NO_KFUNC_PROTOTYPES), unless some are selected: once
 * tg_c_dumper__select() or tg_c_dumper__select_sources() has selected
 * anything, it holds the selected types and kfuncs and what they need to
 * compile (definitions of what they use by value; for pointers, see enum
 * tg_pointee), nothing else. Names and layouts stay those of the whole
 * header, so a program compiles the same against either.
 */

/*
 * tg_c_dumper__select - add types to the header's selection.
 * @pattern: "struct NAME", "union NAME", "enum NAME" (that kind only), or
 *	NAME: a typedef, a struct, union or enum tag, or a kfunc. NAME is
 *	matched against the names the header writes (foo___2 for the
 *	second foo) and may be a shell glob ('bpf_*', fnmatch(3)).
 *
 * Returns how many types and kfuncs matched (at least 1),
 * -TG_ERRNO__NOMATCH if none did, or -EINVAL, -ENOMEM.
 */
TG_API int tg_c_dumper__select(struct tg_c_dumper *d, const char *pattern);

/* What tg_c_dumper__select_sources() tells its caller. */
enum tg_src_note_kind {
	/* a struct, union or enum the program names, in no header: @text */
	TG_SRC_NOTE_UNKNOWN_TAG,
	/* a type, value or function the program uses, in no header: @text */
	TG_SRC_NOTE_UNKNOWN_NAME,
	/* a line of the compiler's diagnostics, for an error not ours */
	TG_SRC_NOTE_COMPILER,
	/* what a compiler's error is when it is no kernel type's lack: @text */
	TG_SRC_NOTE_NOT_KERNEL,
	/*
	 * the program includes the vmlinux.h at path @text instead of the
	 * header (#include "vmlinux.h" looks beside the including file
	 * first); an error if it is not tg_src_opts.header
	 */
	TG_SRC_NOTE_SHADOW,
};

typedef void (*tg_src_note_fn)(void *ctx, enum tg_src_note_kind kind,
			       const char *src, const char *text);

struct tg_src_opts {
	size_t sz;		/* sizeof(struct tg_src_opts) */
	/* The compiler: NULL means "clang-19", else "clang", in PATH. */
	const char *clang;
	/*
	 * Flags the programs are compiled with (-I, -D, -target...), as
	 * for the real build. "-target bpf" is added unless a target is
	 * given; the header's own directory comes first in the include path,
	 * so #include "vmlinux.h" and <vmlinux.h> find the selection.
	 */
	const char *const *cflags;
	size_t cflag_cnt;
	/* Called for what the caller should show (may be NULL). */
	tg_src_note_fn note;
	void *note_ctx;
	/* Rounds of compiling before giving up (0: 16). */
	unsigned int max_rounds;
	/*
	 * The file the header will be written to, or NULL if unknown. A
	 * vmlinux.h the programs include in its place (one beside them) is
	 * an error unless it is this file.
	 */
	const char *header;
	/* Seconds a compiler run may take before it is killed (0: 60). */
	unsigned int timeout;
	/*
	 * A directory for selections already proven (created if missing),
	 * or NULL for none: when the kernel's types, the compiler, the
	 * flags and the programs' preprocessed text are those of a proven
	 * selection, it is taken again without compiling.
	 */
	const char *cache_dir;
	/*
	 * With @cache_dir, the direct cache: what else the header depends
	 * on, as text (the CLI: its arguments), and files whose content
	 * counts too (the kernel's types, read from them). The header proven
	 * is kept whole with the list of files the programs read, and
	 * tg_src_cache__lookup() gives it back, with no compiler run and no
	 * kernel types loaded, while nothing of it has changed. The text
	 * must name all else that shapes the header: the dumper's options,
	 * other types selected.
	 */
	const char *direct_key;
	const char *const *key_files;
	size_t key_file_cnt;
	size_t :0;
};
#define tg_src_opts__last_field key_file_cnt

/*
 * tg_c_dumper__select_sources - select what BPF programs use.
 * @srcs, @cnt: the programs' C sources.
 *
 * Each program is preprocessed with its flags, so that macros (libbpf's
 * BPF_CORE_READ() and the like) count: every struct, union and enum it
 * names in its own code is selected, defined, with the typedefs,
 * enumerators and kfuncs it uses, and the targets of the pointer members
 * it reaches by name (task->mm->pgd). Then it is compiled against the
 * selection (clang -fsyntax-only), which proves it, and anything the
 * compiler still misses is added until it compiles. A header holding the
 * selection gives the same object code, CO-RE relocations included, as
 * the whole header. Two compiler runs per program, usually, one with
 * @opts->cache_dir for a program unchanged since (none with
 * @opts->direct_key and tg_src_cache__lookup()); each is killed after
 * @opts->timeout. No file is written: the header is shown to
 * the compiler from memory, also in place of any vmlinux.h the program
 * includes beside itself.
 *
 * Returns 0; -TG_ERRNO__UNKNOWN if a program names types or uses names
 * that the kernel's types do not have (each one told to @opts->note);
 * -TG_ERRNO__COMPILE if it does not compile for another reason (the
 * compiler's first error, and what it is, told to @opts->note);
 * -TG_ERRNO__SHADOW if a program includes a vmlinux.h other than
 * @opts->header; -TG_ERRNO__TIMEOUT; -ENOENT if a source is missing,
 * -TG_ERRNO__NOTFILE if it is no regular file; -TG_ERRNO__NOCLANG
 * without the compiler; -ENOMEM...
 */
TG_API int tg_c_dumper__select_sources(struct tg_c_dumper *d,
				       const char *const *srcs, size_t cnt,
				       const struct tg_src_opts *opts);

/*
 * tg_src_cache__lookup - the header tg_c_dumper__select_sources() proved
 * for @srcs with the same @opts, if nothing it depends on has changed.
 * @header, @len: on a hit, the malloc'ed header text and its length.
 *
 * It is a hit when @opts->direct_key, the content of each of
 * @opts->key_files, the compiler (path, size, mtime), the flags, the
 * working directory, $CPATH, $C_INCLUDE_PATH and the programs' text are
 * those of a proven run, each file its preprocessing read has the same
 * content, no name it included has appeared or gone in a directory it
 * searched, and a vmlinux.h it included that was @opts->header still is.
 * No compiler runs; the notes that run told are told again.
 * Only a __has_include() of a file missing then is not seen.
 *
 * Returns 1 on a hit, 0 on a miss (or without @opts->direct_key and
 * @opts->cache_dir), -EINVAL or -ENOMEM.
 */
TG_API int tg_src_cache__lookup(const char *const *srcs, size_t cnt,
				const struct tg_src_opts *opts, char **header,
				size_t *len);

/*
 * tg_c_dumper__find - the type called @name in the header.
 * @name: "struct NAME", "union NAME", "enum NAME", or NAME: a tag, else a
 *	typedef (no globs).
 * @id: on success, its BTF type id.
 *
 * Returns 0, -ENOENT, -EINVAL or -ENOMEM.
 */
TG_API int tg_c_dumper__find(struct tg_c_dumper *d, const char *name,
			     __u32 *id);

/*
 * tg_c_dumper__decl - the C declaration of a value of type @id called
 * @name ("" for none), as the header writes it: "struct mm_struct *mm",
 * "void (*fn)(int)". Anonymous structs and unions come with their body.
 * @text: on success, the malloc'ed text.
 *
 * Returns 0, -EINVAL, -ENOMEM or -TG_ERRNO__BTF.
 */
TG_API int tg_c_dumper__decl(struct tg_c_dumper *d, __u32 id,
			     const char *name, char **text);

/* tg_c_dumper__free - release @d. NULL is a no-op. */
TG_API void tg_c_dumper__free(struct tg_c_dumper *d);

/* ------------------------------------------------------------------------
 * Writing files safely
 */

/* Writes the content of a file to @out; returns 0 or a negative error. */
typedef int (*tg_write_fn)(FILE *out, void *ctx);

/*
 * tg_write_file_atomic - create or replace @path with what @fn writes,
 * never destroying what @path names.
 *
 * @fn writes into memory first: when it fails, nothing is written
 * anywhere. Then, by what @path is:
 *  - a regular file, or none yet: the content goes to a new temporary file
 *    beside it (".NAME.XXXXXX", created with O_EXCL, so a symlink planted
 *    at that name is never followed), which is renamed over @path: readers
 *    see the old file or the whole new one, never a part. An existing
 *    file's mode (and owner, when the caller may give it) is kept; a new
 *    file's mode is 0666 less the umask;
 *  - a character device, FIFO or socket: written through, never replaced
 *    (renaming over /dev/null would make it a regular file);
 *  - /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: written to
 *    that descriptor of the calling process;
 *  - a symlink: followed; the file it ends at is written as above, in its
 *    own directory, and the link stays a link.
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE are blocked (in the calling
 * thread, never handled) while the temporary file exists; one that comes
 * meanwhile, and that the caller neither blocks nor ignores, cancels the
 * rename: the temporary file is removed, then the signal delivered on
 * return (-EINTR if it does not end the process). No handler is installed.
 * Like a compiler's output the file is not fsync'ed: a header is cheaper to
 * regenerate after a power cut than to sync on every build.
 *
 * Returns 0, the error @fn returned (a negative one; a positive return
 * counts as success), -EIO if @fn left a write error on its stream, -EISDIR
 * if @path is a directory, -ENOTSUP if it is a block device, -ELOOP, -EINTR,
 * or another negative errno (as the failing call gave it: -ENOSPC for a
 * full disk).
 */
TG_API int tg_write_file_atomic(const char *path, tg_write_fn fn, void *ctx);

/*
 * tg_write_stream - write what @fn writes to @out, all or nothing: @fn
 * writes into memory first, and @out gets the bytes only once it
 * succeeded, then is flushed. For standard output, where an error must
 * come before the first byte.
 *
 * Returns 0, the error @fn returned, -EIO if @fn left a write error on its
 * stream, -EINVAL, or the errno of the failing write (-ENOSPC, -EPIPE...).
 */
TG_API int tg_write_stream(FILE *out, tg_write_fn fn, void *ctx);

/* ------------------------------------------------------------------------
 * Minimized BTF for CO-RE objects
 *
 * A compiled CO-RE BPF object (clang -g -target bpf) carries its own types
 * (.BTF) and the relocations libbpf applies to it at load time (.BTF.ext).
 * Given a kernel's types, libtypegen resolves every relocation the way
 * libbpf does and keeps only the types and members they resolve to, at
 * their original offsets and sizes: BTF of a few kilobytes that libbpf
 * takes as bpf_object_open_opts.btf_custom_path on a kernel without BTF of
 * its own, and that relocates the object exactly as the full types do.
 */

/* The CO-RE relocation kinds (the values of libbpf's bpf_core_relo_kind). */
enum tg_relo_kind {
	TG_RELO_FIELD_BYTE_OFFSET = 0,
	TG_RELO_FIELD_BYTE_SIZE = 1,
	TG_RELO_FIELD_EXISTS = 2,
	TG_RELO_FIELD_SIGNED = 3,
	TG_RELO_FIELD_LSHIFT_U64 = 4,
	TG_RELO_FIELD_RSHIFT_U64 = 5,
	TG_RELO_TYPE_ID_LOCAL = 6,
	TG_RELO_TYPE_ID_TARGET = 7,
	TG_RELO_TYPE_EXISTS = 8,
	TG_RELO_TYPE_SIZE = 9,
	TG_RELO_ENUMVAL_EXISTS = 10,
	TG_RELO_ENUMVAL_VALUE = 11,
	TG_RELO_TYPE_MATCHES = 12,
};

/* tg_relo_kind__str - "byte_off", "field_exists"... as libbpf logs them. */
TG_API const char *tg_relo_kind__str(enum tg_relo_kind kind);

/* What a relocation came to on one kernel. */
enum tg_relo_status {
	TG_RELO_OK = 0,		/* resolved to the kernel's types */
	/*
	 * Not on this kernel, and the relocation asks just that: an
	 * existence check (field, type, enumerator, match), a type's size
	 * or id: value 0, as libbpf gives it. Not a failure.
	 */
	TG_RELO_ABSENT,
	/*
	 * Cannot be satisfied (a field or enumerator the kernel lacks, a
	 * load whose size would change): libbpf replaces the instruction by
	 * an invalid call. The object still loads if the instruction is dead
	 * code on that kernel (guarded by an existence check), else the
	 * verifier refuses the program.
	 */
	TG_RELO_POISON,
	/* libbpf refuses the whole object (ambiguous types, bad record). */
	TG_RELO_ERROR,
};

/* One relocation of one object, resolved against one kernel. */
struct tg_min_relo {
	size_t obj;		/* the object's index (tg_min__add_object order) */
	const char *section;	/* ELF section of the relocated instruction */
	const char *program;	/* function it is in, or NULL if unknown */
	__u32 insn_idx;		/* instruction index within its section */
	__u32 index;		/* the record's index within its section */
	enum tg_relo_kind kind;
	const char *spec;	/* local access, e.g. "task_struct.mm", "pid_type::PIDTYPE_TGID" */
	enum tg_relo_status status;
	int err;		/* TG_RELO_ERROR: why (negative code) */
	__u64 value;		/* the value libbpf patches in (OK, ABSENT) */
};

/* Whether an object will load on the kernel, by its relocations. */
enum tg_min_verdict {
	TG_MIN_LOADS = 0,	/* every relocation resolves */
	TG_MIN_LOADS_IF_DEAD,	/* some are poisoned: loads if those are dead code */
	TG_MIN_FAILS,		/* libbpf refuses the object */
};

/* A set of BPF objects to minimize kernels' types for. */
struct tg_min;

struct tg_min_opts {
	size_t sz;		/* sizeof(struct tg_min_opts) */
	size_t :0;
};
#define tg_min_opts__last_field sz

/*
 * tg_min__new - an empty set of objects.
 * Returns 0, -EINVAL (bad opts) or -ENOMEM.
 */
TG_API int tg_min__new(const struct tg_min_opts *opts, struct tg_min **mp);

/*
 * tg_min__add_object - read the BPF object (ELF) at @path: its .BTF and
 * the CO-RE relocations of its .BTF.ext (an object without .BTF.ext has
 * none). Returns 0, the open error (-ENOENT...), -TG_ERRNO__ELF,
 * -TG_ERRNO__NOBTF, -TG_ERRNO__BTF, -TG_ERRNO__RELO or -ENOMEM.
 */
TG_API int tg_min__add_object(struct tg_min *m, const char *path);

/* tg_min__object_cnt / tg_min__object_path - the objects added so far. */
TG_API size_t tg_min__object_cnt(const struct tg_min *m);
TG_API const char *tg_min__object_path(const struct tg_min *m, size_t idx);

/* tg_min__free - release @m. NULL is a no-op. */
TG_API void tg_min__free(struct tg_min *m);

/* The minimized types for one kernel, and how each relocation resolved. */
struct tg_min_result;

/*
 * tg_min__run - resolve the objects' relocations against a kernel.
 * @kernel: the kernel's types (vmlinux; not split).
 * @mods: @mod_cnt kernel modules' types, each split BTF on @kernel, or
 *	NULL. As libbpf does on a live kernel, a relocation looks in the
 *	modules only when vmlinux has no type of its name and kind.
 * @resp: on success the result (free with tg_min_result__free()).
 *
 * The result's types are standalone BTF holding what the relocations
 * need from vmlinux and the modules alike, so that libbpf, which reads
 * modules from the kernel but takes one btf_custom_path, finds them all.
 * @m is only read: several threads may run it on different kernels.
 *
 * Returns 0 (unsatisfied relocations are not an error: see
 * tg_min_result__relo()), -EINVAL (@kernel split, a module not split on
 * it), -ENOMEM or -TG_ERRNO__BTF.
 */
TG_API int tg_min__run(const struct tg_min *m, const struct tg_btf *kernel,
		       struct tg_btf *const *mods, size_t mod_cnt,
		       struct tg_min_result **resp);

/* tg_min_result__btf - the minimized types, owned by @res. */
TG_API const struct btf *tg_min_result__btf(const struct tg_min_result *res);

/*
 * tg_min_result__write - write the minimized types to @out as raw BTF
 * (for btf_custom_path). Returns 0, -ENOMEM or -EIO.
 */
TG_API int tg_min_result__write(const struct tg_min_result *res, FILE *out);

/* tg_min_result__relo_cnt / __relo - every relocation of every object. */
TG_API size_t tg_min_result__relo_cnt(const struct tg_min_result *res);
TG_API const struct tg_min_relo *
tg_min_result__relo(const struct tg_min_result *res, size_t idx);

/* tg_min_result__verdict - whether object @obj will load on the kernel. */
TG_API enum tg_min_verdict
tg_min_result__verdict(const struct tg_min_result *res, size_t obj);

/* tg_min_result__free - release @res. NULL is a no-op. */
TG_API void tg_min_result__free(struct tg_min_result *res);

/*
 * Batch mode: a tree of kernels in btfhub's layout,
 * <distro>/<version>/<arch>/<release>.btf[.tar.xz], minimized into the
 * same tree under another directory as <release>.btf (raw BTF).
 */

/* One kernel of a batch. */
struct tg_min_kernel {
	const char *input;	/* path under the input directory */
	const char *output;	/* path under the output directory */
	int err;		/* 0, or why it failed (negative code) */
	bool skipped;		/* the output was already up to date */
	size_t in_bytes;	/* size of the input file */
	size_t out_bytes;	/* size of the output file */
	size_t poison_cnt;	/* relocations poisoned on this kernel */
	size_t error_cnt;	/* relocations libbpf would refuse */
};

/*
 * Called once per kernel as it is finished, from a worker thread, one call
 * at a time; @done of @total kernels are finished.
 */
typedef void (*tg_min_progress_fn)(const struct tg_min_kernel *k,
				   size_t done, size_t total, void *ctx);

struct tg_min_batch_opts {
	size_t sz;		/* sizeof(struct tg_min_batch_opts) */
	/* Worker threads; 0 means one per online CPU. */
	unsigned int jobs;
	/* Redo kernels whose output is up to date. */
	bool force;
	tg_min_progress_fn progress;
	void *ctx;
	size_t :0;
};
#define tg_min_batch_opts__last_field ctx

struct tg_min_batch;

/*
 * tg_min__batch - minimize every kernel under @in_dir into @out_dir.
 *
 * Kernel files are recognised by name: ending in .btf, or .btf followed by
 * compression or archive suffixes (.btf.tar.xz, .btf.xz...). A kernel is
 * skipped when its output is newer than both its input and every object.
 * A kernel that fails does not stop the others: see tg_min_batch__kernel().
 * Outputs are written with tg_write_file_atomic().
 *
 * Returns 0 (even if some kernels failed), -ENOENT / -ENOTDIR for
 * @in_dir, -EINVAL, -ENOMEM, or an error creating a thread.
 */
TG_API int tg_min__batch(const struct tg_min *m, const char *in_dir,
			 const char *out_dir,
			 const struct tg_min_batch_opts *opts,
			 struct tg_min_batch **bp);

/* tg_min_batch__cnt / __kernel - the kernels found, in path order. */
TG_API size_t tg_min_batch__cnt(const struct tg_min_batch *b);
TG_API const struct tg_min_kernel *
tg_min_batch__kernel(const struct tg_min_batch *b, size_t idx);

/* tg_min_batch__free - release @b. NULL is a no-op. */
TG_API void tg_min_batch__free(struct tg_min_batch *b);

/* ------------------------------------------------------------------------
 * Will it load? CO-RE objects checked against kernels
 *
 * For each program of each object, the verdict libbpf reaches when it
 * loads the object on a kernel: every relocation resolves; some are
 * poisoned (libbpf turns the instruction into an invalid call) but only
 * on paths the verifier never walks, because an existence check
 * (bpf_core_field_exists(), bpf_core_type_exists(), ...) relocated to a
 * constant rules them out; or it fails: a poisoned instruction is
 * reachable, or libbpf refuses a relocation outright. Reachability is
 * found as the verifier finds dead branches: constants, the relocated
 * values among them, followed through registers and conditional jumps.
 * Each relocation the kernel cannot satisfy is a tg_check_problem, named
 * in source terms.
 */

/* How a program, or an object, fares on a kernel. */
enum tg_check_verdict {
	TG_CHECK_LOADS = 0,	/* every relocation resolves */
	TG_CHECK_LOADS_DEAD,	/* poisoned instructions, all dead code: loads */
	TG_CHECK_FAILS,		/* libbpf or the verifier refuses it */
};

/* tg_check_verdict__str - "loads", "loads (poisoned dead code)", "fails". */
TG_API const char *tg_check_verdict__str(enum tg_check_verdict v);

/* Why a relocation is not satisfied. */
enum tg_check_reason {
	TG_CHECK_TYPE_MISSING = 0,	/* no type of that name and kind */
	TG_CHECK_FIELD_MISSING,		/* no member of that name on the path */
	TG_CHECK_FIELD_TYPE,		/* the member is there, of another type */
	TG_CHECK_FIELD_SIZE,		/* the load's size would change */
	TG_CHECK_ENUMVAL_MISSING,	/* the enum lacks the enumerator */
	TG_CHECK_AMBIGUOUS,		/* kernel types that give two values */
	TG_CHECK_INVALID,		/* a record libbpf rejects */
};

/* One relocation a kernel does not satisfy. */
struct tg_check_problem {
	size_t obj;		/* the object's index */
	size_t prog;		/* the program's index (tg_check__prog()) */
	__u32 insn_idx;		/* instruction index within its section */
	enum tg_relo_kind kind;
	const char *spec;	/* local access, e.g. "task_struct.__state" */
	enum tg_check_reason reason;
	/* In source terms: "struct task_struct.__state missing". */
	const char *what;
	/* Poisoned, but dead code on this kernel: the program loads. */
	bool dead;
	/*
	 * The existence check ("field_exists task_struct.__state") that
	 * makes the instruction dead, or, if it is reachable, one in the
	 * program that tests the same thing without guarding it; NULL if
	 * there is none.
	 */
	const char *guard;
};

/* A program of an object: a function in an executable section. */
struct tg_check_prog {
	size_t obj;
	const char *name;
	const char *section;
	/* A function of .text: a subprogram, checked as if called. */
	bool subprog;
	/*
	 * The functions it calls (tg_check__prog() indexes): a program
	 * fares as badly as any function it calls, as libbpf loads them
	 * with it.
	 */
	const size_t *calls;
	size_t call_cnt;
};

struct tg_check;

struct tg_check_opts {
	size_t sz;		/* sizeof(struct tg_check_opts) */
	size_t :0;
};
#define tg_check_opts__last_field sz

/* tg_check__new - an empty set of objects. 0, -EINVAL or -ENOMEM. */
TG_API int tg_check__new(const struct tg_check_opts *opts,
			 struct tg_check **cp);

/*
 * tg_check__add_object - read the BPF object at @path: its programs'
 * instructions and CO-RE relocations. Returns 0 or the errors of
 * tg_min__add_object() (@c is then as it was); if the object was read but
 * its programs could not be (out of memory, or the file changed in
 * between), every later check of @c fails with that error.
 */
TG_API int tg_check__add_object(struct tg_check *c, const char *path);

TG_API size_t tg_check__object_cnt(const struct tg_check *c);
TG_API const char *tg_check__object_path(const struct tg_check *c,
					 size_t idx);
/* tg_check__prog_cnt / __prog - the programs of every object, in order. */
TG_API size_t tg_check__prog_cnt(const struct tg_check *c);
TG_API const struct tg_check_prog *tg_check__prog(const struct tg_check *c,
						  size_t idx);

/* tg_check__free - release @c. NULL is a no-op. */
TG_API void tg_check__free(struct tg_check *c);

/* The verdicts and problems on one kernel. */
struct tg_check_result;

/*
 * tg_check__run - check every program against one kernel: @kernel and
 * @mods as for tg_min__run(). @c is only read: threads may run it on
 * different kernels. Returns 0, -EINVAL, -ENOMEM or -TG_ERRNO__BTF.
 */
TG_API int tg_check__run(const struct tg_check *c, const struct tg_btf *kernel,
			 struct tg_btf *const *mods, size_t mod_cnt,
			 struct tg_check_result **resp);

/* The verdict of program @prog, or of object @obj (its worst program's). */
TG_API enum tg_check_verdict
tg_check_result__prog(const struct tg_check_result *res, size_t prog);
TG_API enum tg_check_verdict
tg_check_result__object(const struct tg_check_result *res, size_t obj);

/* tg_check_result__problem_cnt / __problem - in object, record order. */
TG_API size_t tg_check_result__problem_cnt(const struct tg_check_result *res);
TG_API const struct tg_check_problem *
tg_check_result__problem(const struct tg_check_result *res, size_t idx);

/* tg_check_result__free - release @res. NULL is a no-op. */
TG_API void tg_check_result__free(struct tg_check_result *res);

/* One kernel of a batch check. */
struct tg_check_kernel {
	const char *path;	/* under the directory */
	int err;		/* 0, or why its types could not be read */
	const struct tg_check_result *res;	/* NULL if @err */
};

typedef void (*tg_check_progress_fn)(const struct tg_check_kernel *k,
				     size_t done, size_t total, void *ctx);

struct tg_check_batch_opts {
	size_t sz;		/* sizeof(struct tg_check_batch_opts) */
	/* Worker threads; 0 means one per online CPU. */
	unsigned int jobs;
	/* Called as each kernel is done, one call at a time. */
	tg_check_progress_fn progress;
	void *ctx;
	size_t :0;
};
#define tg_check_batch_opts__last_field ctx

struct tg_check_batch;

/*
 * tg_check__batch - check every kernel of a btfhub-like tree (as
 * tg_min__batch() finds them) on worker threads; each kernel's types are
 * freed once it is checked, so memory holds a kernel per thread. Returns
 * 0 (even if some kernels could not be read), -ENOENT / -ENOTDIR for
 * @dir, -EINVAL, -ENOMEM, or an error creating a thread.
 */
TG_API int tg_check__batch(const struct tg_check *c, const char *dir,
			   const struct tg_check_batch_opts *opts,
			   struct tg_check_batch **bp);

/* tg_check_batch__cnt / __kernel - the kernels found, in path order. */
TG_API size_t tg_check_batch__cnt(const struct tg_check_batch *b);
TG_API const struct tg_check_kernel *
tg_check_batch__kernel(const struct tg_check_batch *b, size_t idx);

/* tg_check_batch__free - release @b. NULL is a no-op. */
TG_API void tg_check_batch__free(struct tg_check_batch *b);

/* ------------------------------------------------------------------------
 * Choosing where a BPF program's kernel types come from
 *
 * A build system asks once and gets the same answer every time. Two
 * methods: TG_METHOD_VMLINUX (the types from BTF, written as vmlinux.h)
 * and TG_METHOD_HEADERS (compile against the installed kernel headers).
 * The rules redbpf users know decide between them:
 *  - REDBPF_VMLINUX set: the vmlinux method only, with the locator's rules
 *    (a path, or "system" to probe). It takes precedence over the others;
 *  - else KERNEL_SOURCE or KERNEL_VERSION set: the headers method only;
 *  - else the headers method if usable headers are found, and if not the
 *    vmlinux method (probing); the trail says why the headers were not
 *    usable.
 * Kernel headers are looked for in KERNEL_SOURCE, taken first as a
 * /lib/modules/<ver>-like directory (one with build/ or source/), then as
 * a kernel tree (one with include/linux/kconfig.h), then as the build half
 * of split headers (Debian's linux-headers-<ver>-amd64), whose source half
 * is what its Makefile includes, else its -common sibling; else in
 * /lib/modules/<KERNEL_VERSION, or the release>/. There the source tree is
 * source/ if it has include/linux/kconfig.h, else build/; the build tree
 * (generated headers) is build/ unless it lacks
 * include/generated/uapi/linux/version.h, then the source tree. Headers
 * are usable when the source tree has include/linux/kconfig.h and the
 * build tree include/generated/autoconf.h (configured).
 */

enum tg_method {
	TG_METHOD_AUTO = 0,	/* let the rules decide (tg_select_opts) */
	TG_METHOD_VMLINUX,	/* vmlinux.h from the kernel's BTF */
	TG_METHOD_HEADERS,	/* the installed kernel headers */
};

/* Which rule made the decision. */
enum tg_select_rule {
	TG_SELECT_FORCED = 0,	/* tg_select_opts.method or .btf_path */
	TG_SELECT_ENV_VMLINUX,	/* REDBPF_VMLINUX set */
	TG_SELECT_ENV_HEADERS,	/* KERNEL_SOURCE or KERNEL_VERSION set */
	TG_SELECT_DEFAULT,	/* none set: headers first, then vmlinux */
};

struct tg_select_opts {
	size_t sz;		/* sizeof(struct tg_select_opts) */
	/* Use this method whatever the environment says; default: the rules. */
	enum tg_method method;
	/* Read the kernel's types from this file: the vmlinux method. */
	const char *btf_path;
	/*
	 * The three variables of the rules. A field that is NULL is read
	 * from the environment, unless @no_env; then NULL means unset.
	 */
	const char *env_vmlinux;	/* REDBPF_VMLINUX */
	const char *kernel_source;	/* KERNEL_SOURCE */
	const char *kernel_version;	/* KERNEL_VERSION */
	bool no_env;
	/* Kernel release; default uname -r. */
	const char *release;
	/* Directory /lib/modules and the BTF probe paths are under; "/". */
	const char *sysroot;
	/*
	 * Architecture the programs are built for, as the kernel (x86,
	 * arm64, riscv, s390, powerpc, loongarch) or uname -m (x86_64,
	 * aarch64...) names it; default: this machine's.
	 */
	const char *arch;
	/*
	 * The vmlinux method's search, already made: @locator after its
	 * tg_locator__load(), and @btf, the types that load gave (NULL if
	 * it failed). The selection takes their result and trail instead of
	 * searching and loading the kernel's types a second time (typegen
	 * probe shows the locator's candidates too, and reads its input
	 * once: a FIFO can be read only once). Both are borrowed and must
	 * outlive the selection; @btf must be what @locator's last load
	 * gave (-EINVAL if the locator has not loaded). Default NULL: the
	 * selection searches with @btf_path, @release and @sysroot itself.
	 */
	const struct tg_locator *locator;
	const struct tg_btf *btf;
	size_t :0;
};
#define tg_select_opts__last_field btf

/* One thing the selection looked at, in order. */
struct tg_select_step {
	enum tg_method method;	/* the method it was looked at for */
	const char *what;	/* "BTF", "KERNEL_SOURCE", "source tree"... */
	const char *path;	/* the file or directory */
	int err;		/* 0 if it was usable, else why not */
};

struct tg_selection;

/*
 * tg_selection__new - decide where the kernel's types come from.
 * @opts: options, or NULL.
 * @selp: on success, the decision (free with tg_selection__free()).
 *
 * For the vmlinux method the kernel's types are found and loaded here (the
 * file that loads is the decision); for the headers method the trees are
 * found and checked. A decision that found nothing usable is still a
 * decision: it is returned, with tg_selection__err() saying why and the
 * trail saying what was looked at.
 *
 * Returns 0, -EINVAL (bad opts: unknown fields, an empty path, release or
 * sysroot, an architecture not known, a release or version with '/'), or
 * -ENOMEM.
 */
TG_API int tg_selection__new(const struct tg_select_opts *opts,
			     struct tg_selection **selp);

/*
 * tg_selection__err - 0 if the decision can be carried out, else why not:
 * -TG_ERRNO__ENV_EMPTY, the load error of the BTF file asked for,
 * -TG_ERRNO__NOTFOUND (no BTF found), -TG_ERRNO__NOHEADERS (the headers
 * method was required and no usable headers were found).
 */
TG_API int tg_selection__err(const struct tg_selection *sel);

/* tg_selection__method - the method chosen (never TG_METHOD_AUTO). */
TG_API enum tg_method tg_selection__method(const struct tg_selection *sel);

/* tg_selection__rule - the rule that chose it. */
TG_API enum tg_select_rule tg_selection__rule(const struct tg_selection *sel);

/* tg_method__str - "vmlinux", "headers" (or "auto"). */
TG_API const char *tg_method__str(enum tg_method method);

/*
 * tg_selection__release - the kernel release the paths were made with;
 * NULL when KERNEL_VERSION is no release ("" or with a '/').
 */
TG_API const char *tg_selection__release(const struct tg_selection *sel);

/*
 * tg_selection__arch - the kernel's name of the target architecture:
 * tg_select_opts.arch's if given, else that of the vmlinux method's types
 * when their file says (an ELF file, a kernel image: "arm64" for an arm64
 * Image read on x86-64), else this machine's.
 */
TG_API const char *tg_selection__arch(const struct tg_selection *sel);

/*
 * tg_selection__byte_order - __ORDER_BIG_ENDIAN__ or
 * __ORDER_LITTLE_ENDIAN__: the vmlinux method's types', else this
 * machine's. Where it is not this machine's, the flags say so
 * (-mbig-endian or -mlittle-endian: clang's -target bpf is this
 * machine's order, bpfeb or bpfel with them).
 */
TG_API int tg_selection__byte_order(const struct tg_selection *sel);

/* tg_selection__btf_path - the vmlinux method's BTF file, else NULL. */
TG_API const char *tg_selection__btf_path(const struct tg_selection *sel);

/*
 * tg_selection__btf - the vmlinux method's loaded types (owned by @sel,
 * or tg_select_opts.btf itself if given), else NULL.
 */
TG_API const struct tg_btf *tg_selection__btf(const struct tg_selection *sel);

/*
 * tg_selection__source_dir, tg_selection__build_dir - the headers
 * method's source and build trees (the same directory for a kernel tree
 * built in place), else NULL.
 */
TG_API const char *tg_selection__source_dir(const struct tg_selection *sel);
TG_API const char *tg_selection__build_dir(const struct tg_selection *sel);

/* tg_selection__step_cnt - how many steps the trail has. */
TG_API size_t tg_selection__step_cnt(const struct tg_selection *sel);

/* tg_selection__step - step @idx of the trail, or NULL past the end. */
TG_API const struct tg_select_step *
tg_selection__step(const struct tg_selection *sel, size_t idx);

/*
 * tg_selection__flags - the compiler flags for BPF programs, as an argv
 * array of *@cnt strings (NULL-terminated, owned by @sel). Both methods
 * give -D__TARGET_ARCH_<arch> (for libbpf's bpf_tracing.h). The vmlinux
 * method adds -DTYPEGEN_VMLINUX and, once tg_selection__apply() wrote the
 * header, -I <out_dir>; the programs are compiled with -target bpf. The
 * headers method gives --target=<the architecture's triple>, the kernel's
 * include directories (-isystem, so that kernel headers do not trip the
 * program's own warnings), -include linux/kconfig.h, -D__KERNEL__,
 * -D__BPF_TRACING__, -DKBUILD_MODNAME, -DTYPEGEN_KERNEL_HEADERS and
 * -fno-stack-protector: kernel headers hold inline assembly for the
 * architecture, which clang refuses for -target bpf, so the programs are
 * compiled for the architecture to LLVM IR (-emit-llvm) and lowered with
 * llc -march=bpf, as the kernel's samples/bpf are. Empty (cnt 0) when
 * tg_selection__err() is set.
 */
TG_API const char *const *tg_selection__flags(const struct tg_selection *sel,
					      size_t *cnt);

/*
 * tg_selection__apply - carry the decision out.
 * @out_dir: for the vmlinux method, the directory vmlinux.h is written to
 *	(it must exist); unused by the headers method (may be NULL).
 *
 * The vmlinux method writes @out_dir/vmlinux.h with tg_write_file_atomic(),
 * but only when its content changes, so that what depends on it is
 * rebuilt only when it must be; -I @out_dir is then among the flags.
 *
 * Returns 1 if vmlinux.h was written, 0 if nothing needed writing, or a
 * negative error: tg_selection__err(), -EINVAL (no @out_dir for the
 * vmlinux method), or the error of writing the header.
 */
TG_API int tg_selection__apply(struct tg_selection *sel, const char *out_dir);

/* tg_selection__free - release @sel. NULL is a no-op. */
TG_API void tg_selection__free(struct tg_selection *sel);

#ifdef __cplusplus
}
#endif

#endif /* __TYPEGEN_H */
