/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * dwarf/ - types from DWARF debug info, converted to BTF (dwarf.c, one
 * compile unit at a time in dwarf_cu.c; dwarf_conv.h is theirs alone).
 * Uses btf/ and util/; the inputs call it. Not installed.
 */
#ifndef __TG_DWARF_H
#define __TG_DWARF_H

#include <stddef.h>
#include "btf/btf.h"

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

#endif /* __TG_DWARF_H */
