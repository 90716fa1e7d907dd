/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * kernel/ - finding the kernel a program is built for: locating its BTF
 * (locate.c), the selection rules between vmlinux.h and the kernel headers
 * (select.c, its trail in trail.c), the headers method (headers.c) and the
 * kernels of a btfhub-like tree with a pool of workers (kernel_tree.c,
 * kernel_tree.h). Uses c/ (the header it writes), input/, btf/ and util/.
 * Not installed.
 */
#ifndef __TG_KERNEL_H
#define __TG_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include "btf/btf.h"

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

#endif /* __TG_KERNEL_H */
