/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The round-trip oracle: write a header from BTF, compile it back with
 * clang -g -target bpf, and compare every named type of the input with what
 * clang made of the header.
 */
#ifndef __TG_ROUNDTRIP_H
#define __TG_ROUNDTRIP_H

#include <stdbool.h>
#include "typegen.h"

struct btf;

/* Write the C header for @btf to @path; returns 0 or a negative error. */
int rt_write_header(const struct tg_c_dumper *d, const char *path);

/*
 * Compile @hdr together with a file that uses every type @d names, with
 * "clang -g -target bpf" into @obj. Returns clang's exit status; clang's
 * diagnostics go to *diag (malloc'ed, may be NULL).
 */
int rt_compile_uses(const struct tg_btf *in, struct tg_c_dumper *d,
		    const char *hdr, const char *obj, char **diag);

/*
 * Compare every named struct, union, enum and typedef of @in with the type
 * of the same (emitted) name in @out: size, members (name, bit offset,
 * bitfield size, type size), enumerators (name, value), recursing into
 * anonymous member types. Each difference is printed; returns how many.
 * *checked receives the number of types compared.
 */
int rt_compare(const struct btf *in, struct tg_c_dumper *d,
	       const struct btf *out, int *checked);

/*
 * The whole check for the BTF in @path: returns the number of differences
 * (0 = exact), or a negative error if a step failed (printed).
 */
int rt_check_file(const char *path, int *checked);

#endif /* __TG_ROUNDTRIP_H */
