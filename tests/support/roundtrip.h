/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The round-trip oracle: write a header from BTF, compile it back with
 * clang -g -target bpf, and compare every named type of the input with what
 * clang made of the header.
 */
#ifndef __TG_ROUNDTRIP_H
#define __TG_ROUNDTRIP_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "typegen.h"

struct btf;

/* Write the C header for @btf to @path; returns 0 or a negative error. */
int rt_write_header(const struct tg_c_dumper *d, const char *path);

/*
 * The C name a header gives input type @id, or NULL to leave it out. The
 * oracle works for any header, ours or libbpf's, through this.
 */
typedef const char *(*rt_name_fn)(void *ctx, __u32 id);

/* rt_name_fn for typegen's headers: tg_c_dumper__name(). */
const char *rt_dumper_name(void *dumper, __u32 id);

/*
 * Compile @hdr together with a file that uses every type @name names, with
 * "clang -g -target bpf" into @obj (with -Wall -Werror when @werror).
 * Returns clang's exit status; clang's diagnostics go to *diag (malloc'ed,
 * may be NULL).
 */
int rt_compile_uses(const struct btf *in, rt_name_fn name, void *ctx,
		    const char *hdr, const char *obj, bool werror, char **diag);

/*
 * rt_compile_uses() for clang's -target @target ("bpfeb", or a machine's
 * triple such as "i386-linux-gnu": then with BPF_NO_PRESERVE_ACCESS_INDEX,
 * and the object carries DWARF, which tg_btf__open() reads).
 */
int rt_compile_uses_for(const char *target, const struct btf *in,
			rt_name_fn name, void *ctx, const char *hdr,
			const char *obj, bool werror, char **diag);

struct rt_result {
	int checked;	/* types compared */
	int diffs;	/* differences found (several per type possible) */
	__u32 *bad_ids;	/* input ids of the types that differ (malloc'ed) */
	int bad_cnt;
};

/*
 * Compare every named struct, union, enum and typedef of @in with the type
 * of the same (emitted) name in @out: size, members (name, bit offset,
 * bitfield size, type size), enumerators (name, value), recursing into
 * anonymous member types. Each difference is printed to @log (NULL: quiet).
 * Returns 0 or -ENOMEM; free res->bad_ids.
 */
int rt_compare(const struct btf *in, rt_name_fn name, void *ctx,
	       const struct btf *out, FILE *log, struct rt_result *res);

/*
 * The whole check for the BTF in @path: returns the number of differences
 * (0 = exact), or a negative error if a step failed (printed).
 */
int rt_check_file(const char *path, int *checked);

#endif /* __TG_ROUNDTRIP_H */
