/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The C header emitter, split by concern:
 *   c_names.c   which C name each type is written under (___N flavors)
 *   c_layout.c  packing, alignment and padding that reproduce BTF layouts
 *   emit_c.c    declaration order and the text itself
 */
#ifndef __TG_EMIT_C_H
#define __TG_EMIT_C_H

#include <stdbool.h>
#include <linux/types.h>
#include "internal.h"

struct btf;
struct btf_type;

/* What must be written around one member for its offset to come out right. */
struct tg_c_member_layout {
	__u32 pad_bits;		/* unnamed bitfields before the member */
	__u32 align_attr;	/* __attribute__((aligned(N))) on it, or 0 */
};

/* How a struct or union is written so that clang lays it out as in BTF. */
struct tg_c_layout {
	__u8 state;		/* planning state, see c_layout.c */
	__u32 align;		/* alignment of the type as written, bytes */
	__u32 align_attr;	/* __attribute__((aligned(N))) on the type */
	__u32 tail_pad_bits;	/* unnamed bitfields after the last member */
	bool packed;
	struct tg_c_member_layout *members;	/* NULL: nothing per member */
};

struct tg_c_id_pair {
	__u32 key, val;
};

/* Enumerator @idx of enum @id is written with ___@dup. */
struct tg_c_enum_dup {
	__u32 id, idx, dup;
};

/* A declaration written at the top level in its own right. */
struct tg_c_root {
	__u64 prefix;		/* rank and the key's first bytes, big-endian */
	__u64 prefix2;		/* the key's next eight bytes */
	const char *key;	/* name, or first enumerator of an anonymous enum */
	__u32 id;
};

/* One top-level declaration, in output order. */
struct tg_c_step {
	__u32 id;
	bool fwd;		/* "struct foo;" rather than the definition */
};

struct tg_c_dumper {
	const struct tg_btf *tgb;
	const struct btf *btf;
	__u32 nr_types;		/* btf__type_cnt(): ids are 1..nr_types-1 */
	/* every type by id: libbpf's accessor is a call per use */
	const struct btf_type **types;
	bool sorted;

	/* c_names.c */
	const char **names;	/* C name per id, NULL if it has none */
	char **owned_names;	/* the suffixed names we allocated */
	__u32 owned_cnt;
	struct tg_c_id_pair *fwd_aliases;	/* FWD -> type named for it */
	__u32 fwd_alias_cnt;
	struct tg_c_enum_dup *enum_dups;	/* enumerators given ___N */
	__u32 enum_dup_cnt;
	const char **typedef_set;	/* open addressing, for lookups */
	__u32 typedef_mask;

	/* c_layout.c */
	struct tg_c_layout *layouts;	/* one per struct/union, [0] unused */
	__u32 *layout_idx;	/* id -> index in layouts, 0 if none */
	int layout_depth;	/* planned alongside the order: its own */

	/* emit_c.c */
	struct tg_c_root *roots;	/* sorted, until the steps are planned */
	__u32 root_cnt;
	__u8 *occ;		/* inline uses of anonymous types: 0, 1, 2+ */
	__u8 *decl_state;
	struct tg_c_step *steps;
	__u32 step_cnt, step_cap;
	__u32 cur_def;		/* type whose definition is being planned */
	int depth;
};

/* Nesting deeper than this is hostile input, not a kernel type. */
#define TG_C_MAX_DEPTH 256

/* c_names.c */
int tg_c_names_plan(struct tg_c_dumper *d);
void tg_c_names_free(struct tg_c_dumper *d);
bool tg_c_is_ident_name(const struct tg_c_dumper *d, const char *name);
__u32 tg_c_fwd_alias(const struct tg_c_dumper *d, __u32 id);
const struct tg_c_enum_dup *tg_c_enum_dups(const struct tg_c_dumper *d,
					   __u32 id);

/* c_layout.c */
int tg_c_layouts_plan(struct tg_c_dumper *d);
const struct tg_c_layout *tg_c_layout(const struct tg_c_dumper *d, __u32 id);
void tg_c_layouts_free(struct tg_c_dumper *d);
int tg_c_int_name(const struct btf_type *t, const char *btf_name,
		  const char **name);

/* Skips const/volatile/restrict/type tags and typedefs. */
__u32 tg_c_skip_mods_typedefs(const struct tg_c_dumper *d, __u32 id);

/* Type @id, or NULL if there is none. */
static inline const struct btf_type *tg_c_type(const struct tg_c_dumper *d,
					       __u32 id)
{
	return id < d->nr_types ? d->types[id] : NULL;
}

#endif /* __TG_EMIT_C_H */
