/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * c/ - the C header emitter, split by concern:
 *   c_names.c   which C name each type is written under (___N flavors)
 *   c_layout.c  packing, alignment and padding that reproduce BTF layouts
 *   c_select.c  the types a selection (dump -t, kfuncs) needs
 *   c_sources.c the types BPF sources use (dump --for)
 *   emit_c.c    declaration order and the text itself
 * Uses btf/ and util/ only; kernel/ writes its headers with it.
 */
#ifndef __TG_EMIT_C_H
#define __TG_EMIT_C_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include <bpf/btf.h>
#include "btf/btf.h"

/* What sharing a cache line means on the machines we know of. */
#define TG_C_CACHE_LINE 64

/* What must be written around one member for its offset to come out right. */
struct tg_c_member_layout {
	__u32 pad_bits;		/* unnamed bitfields before the member */
	__u32 align_attr;	/* __attribute__((aligned(N))) on it, or 0 */
};

/* How a struct or union is written so that clang lays it out as in BTF. */
struct tg_c_layout {
	struct tg_c_member_layout *members;	/* NULL: nothing per member */
	__u32 align;		/* alignment of the type as written, bytes */
	__u32 align_attr;	/* __attribute__((aligned(N))) on the type */
	__u32 tail_pad_bits;	/* unnamed bitfields after the last member */
	__u8 state;		/* planning state, see c_layout.c */
	bool packed;
	bool int_bits;		/* a member may be an old-style int bitfield */
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
	/* the string section, when it can be read directly (see tg_c_str()) */
	const char *strs;
	__u32 strs_len;
	/*
	 * Enums, structs, unions, typedefs and forwards by id: the only types
	 * that are named or written on their own, a sixth of them all.
	 */
	__u32 *decls;
	__u32 decl_cnt;
	/*
	 * id -> index in decls plus one, 0 for other types: what is kept
	 * per declaration is in arrays indexed by this (slot 0 for the rest).
	 */
	__u32 *decl_idx;
	__u32 name_bound;	/* names they have, enumerators included, at most */
	/* the C ABI of the input's machine, never the host's (c_layout.c) */
	enum tg_arch arch;	/* TG_ARCH_UNKNOWN: guessed from the types */
	__u32 ptr_size;		/* long and pointers, bytes */
	__u32 max_align;	/* largest alignment of a scalar member, bytes */
	bool pad_aligns;	/* unnamed bitfields count for alignment */
	bool sorted;

	/* c_names.c */
	const char **names;	/* C name per decl, NULL if it has none */
	char **owned_names;	/* the suffixed names we allocated */
	__u32 owned_cnt;
	struct tg_c_id_pair *fwd_aliases;	/* FWD -> type named for it */
	__u32 fwd_alias_cnt;
	struct tg_c_enum_dup *enum_dups;	/* enumerators given ___N */
	__u32 enum_dup_cnt;
	const char **typedef_set;	/* open addressing, for lookups */
	__u32 *typedef_hash;		/* the name_hash() of each */
	__u32 typedef_mask;

	/* c_layout.c */
	struct tg_c_layout *layouts;	/* per decl, used for structs/unions */

	/* emit_c.c */
	__u8 *occ;		/* per decl: inline uses if anonymous: 0, 1, 2+ */
	__u32 *kfuncs;		/* FUNCs tagged bpf_kfunc, by name once named */
	__u32 kfunc_cnt;
	__u32 *fastcalls;	/* FUNCs tagged bpf_fastcall, by id */
	__u32 fastcall_cnt;
	bool planned;		/* the steps are those of the selection */

	/*
	 * c_select.c: a header of some types only. @want is NULL for the
	 * whole header; else what each decl is written as (TG_C_WANT_*).
	 */
	__u8 *want;
	__u8 *kfunc_want;	/* per kfuncs[] entry, with @want */
	bool pointee_full;	/* pointers pull in their target's definition */
	struct tg_c_lookup *lookup;	/* C names to ids, made when needed */

	/*
	 * Written all through planning, by one thread each while the other
	 * reads the fields above: each group on cache lines of its own, or
	 * every write takes the line away from the other core (planning the
	 * order alongside the layouts took half as long again).
	 */
	char pad0[TG_C_CACHE_LINE];
	/* planning the order (emit_c.c) */
	struct tg_c_root *roots;	/* sorted, until the steps are planned */
	__u32 root_cnt;
	__u8 *decl_state;	/* per decl */
	struct tg_c_step *steps;	/* the order, printed from once planned */
	__u32 step_cnt, step_cap;
	__u32 cur_def;		/* type whose definition is being planned */
	int depth;
	__u32 *pending;		/* pointees still to define (pointee_full) */
	__u32 pending_cnt, pending_cap;
	char pad1[TG_C_CACHE_LINE];
	/* the second planning thread: inline-use counts and layouts */
	int count_depth;
	int layout_depth;
	char pad2[TG_C_CACHE_LINE];
};

/* What a selected decl is written as. */
enum {
	TG_C_WANT_DECLARE = 1,	/* "struct foo;" */
	TG_C_WANT_DEF = 2,	/* its definition */
};

/*
 * Padding beyond this in one struct or union (64 KiB, as unnamed
 * bitfields: 8,192 lines of "long: 64;") is hostile input too: the kernel's
 * largest is a few KiB, from page-aligned members.
 */
#define TG_C_MAX_PAD_BITS (64ULL * 1024 * 8)

/* c_names.c */
int tg_c_names_plan(struct tg_c_dumper *d);
void tg_c_names_free(struct tg_c_dumper *d);
bool tg_c_is_ident_name(const struct tg_c_dumper *d, const char *name);
__u32 tg_c_fwd_alias(const struct tg_c_dumper *d, __u32 id);
const struct tg_c_enum_dup *tg_c_enum_dups(const struct tg_c_dumper *d,
					   __u32 id);

/* c_select.c */
int tg_c_select_start(struct tg_c_dumper *d);
int tg_c_select_id(struct tg_c_dumper *d, __u32 id, int want);
int tg_c_select_kfunc(struct tg_c_dumper *d, __u32 idx);
void tg_c_select_free(struct tg_c_dumper *d);
/* Look C names up: tags, or ordinary identifiers (typedefs, enumerators, kfuncs). */
enum tg_c_ns { TG_C_NS_TAG, TG_C_NS_IDENT };
struct tg_c_ident {
	__u32 id;	/* the type: an enum for an enumerator, a FUNC for a kfunc */
	__u32 kfunc;	/* index in kfuncs[] plus one, for a kfunc */
};
int tg_c_lookup(struct tg_c_dumper *d, enum tg_c_ns ns, const char *name,
		struct tg_c_ident *res);

/* emit_c.c */
int tg_c_plan_steps(struct tg_c_dumper *d);

/* c_layout.c */
int tg_c_layouts_plan(struct tg_c_dumper *d);
void tg_c_abi_plan(struct tg_c_dumper *d);
__u32 tg_c_scalar_align(const struct tg_c_dumper *d, __u32 size);
const struct tg_c_layout *tg_c_layout(const struct tg_c_dumper *d, __u32 id);
void tg_c_layouts_free(struct tg_c_dumper *d);
int tg_c_int_name(const struct tg_c_dumper *d, const struct btf_type *t,
		  const char *btf_name, const char **name);

/* Skips const/volatile/restrict/type tags and typedefs. */
__u32 tg_c_skip_mods_typedefs(const struct tg_c_dumper *d, __u32 id);

/* Type @id, or NULL if there is none. */
static inline const struct btf_type *tg_c_type(const struct tg_c_dumper *d,
					       __u32 id)
{
	return id < d->nr_types ? d->types[id] : NULL;
}

/*
 * Zeroed memory for tables written at random: calloc() leaves fresh pages
 * unmapped, so a first read maps the shared zero page and the first write
 * after it faults again and flushes the TLB of every core we run on.
 */
static inline void *tg_c_zalloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = malloc(n * size);
	if (!p)
		return NULL;
	/* or the compiler turns malloc() and memset() back into calloc() */
	__asm__ __volatile__("" : : "r"(p) : "memory");
	return memset(p, 0, n * size);
}

/* Index of @id in d->decls plus one; 0 if it is no declaration. */
static inline __u32 tg_c_decl(const struct tg_c_dumper *d, __u32 id)
{
	return id < d->nr_types ? d->decl_idx[id] : 0;
}

/* The C name of type @id, NULL if it has none. */
static inline const char *tg_c_name_of(const struct tg_c_dumper *d, __u32 id)
{
	return d->names[tg_c_decl(d, id)];
}

/* The string at @off, or NULL if there is none: btf__name_by_offset(). */
static inline const char *tg_c_str(const struct tg_c_dumper *d, __u32 off)
{
	if (off < d->strs_len)
		return d->strs + off;
	return btf__name_by_offset(d->btf, off);
}

/* The name of @t, "" if it has none. */
static inline const char *tg_c_name(const struct tg_c_dumper *d,
				    const struct btf_type *t)
{
	const char *s = tg_c_str(d, t->name_off);

	return s ? s : "";
}

#endif /* __TG_EMIT_C_H */
