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
	TG_ERRNO__FORMAT,	/* neither raw BTF nor ELF */
	TG_ERRNO__TRUNC,	/* shorter than its own headers say */
	TG_ERRNO__NOBTF,	/* an ELF file without a .BTF section */
	TG_ERRNO__BTF,		/* BTF data that does not validate */
	TG_ERRNO__ELF,		/* an ELF file libelf cannot read */
	TG_ERRNO__ENV_EMPTY,	/* REDBPF_VMLINUX is set to "" */
	TG_ERRNO__NOTFOUND,	/* no candidate for the kernel's BTF worked */
	TG_ERRNO__CYCLE,	/* types that no C declaration order satisfies */
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

/* What a file turned out to be. Recognised by content, never by name. */
enum tg_format {
	TG_FORMAT_UNKNOWN = 0,
	TG_FORMAT_RAW_BTF,	/* raw BTF, as in /sys/kernel/btf/vmlinux */
	TG_FORMAT_ELF,		/* an ELF file with a .BTF section */
};

/* A set of kernel types, with where they came from. */
struct tg_btf;

struct tg_open_opts {
	size_t sz;	/* sizeof(struct tg_open_opts) */
};
#define tg_open_opts__last_field sz

/*
 * tg_btf__open - load the types in the file at @path.
 * @path: raw BTF or an ELF file with a .BTF section.
 * @opts: options, or NULL.
 * @btfp: on success, the new object (free with tg_btf__free()).
 *
 * Returns 0 or a negative error: -ENOENT, -EISDIR, -EACCES...,
 * -TG_ERRNO__EMPTY, -TG_ERRNO__FORMAT, -TG_ERRNO__TRUNC, -TG_ERRNO__NOBTF,
 * -TG_ERRNO__BTF, -TG_ERRNO__ELF.
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

/* tg_btf__free - release @btf and everything it owns. NULL is a no-op. */
TG_API void tg_btf__free(struct tg_btf *btf);

/* tg_btf__btf - the types, as a libbpf object owned by @btf. */
TG_API const struct btf *tg_btf__btf(const struct tg_btf *btf);

/* tg_btf__format - what kind of file the types were read from. */
TG_API enum tg_format tg_btf__format(const struct tg_btf *btf);

/*
 * tg_btf__path - the file the types were read from, or the name given to
 * tg_btf__open_mem() (NULL if it was given none).
 */
TG_API const char *tg_btf__path(const struct tg_btf *btf);

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
 *    and the first that loads wins;
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
	size_t :0;
};
#define tg_locate_opts__last_field no_env

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
 * The second half of the header is printed by a second thread into memory
 * while the first goes to @out; the thread is joined before returning.
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
