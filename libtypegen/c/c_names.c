// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Which C name each type is written under.
 *
 * C has two namespaces that matter here: struct/union/enum tags, and
 * ordinary identifiers (typedef names and enumerators). BTF may hold several
 * different types under one name (two drivers' "struct priv"); C cannot, so
 * the second and later get the CO-RE flavor suffix "___2", "___3", which
 * libbpf ignores when matching types. Which one keeps the plain name is
 * decided by a hash of the type's contents, not by its id, so the choice
 * does not move when unrelated types are added to a kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "emit_c.h"

enum name_ns {
	NS_TAG = 0,	/* struct, union, enum tags */
	NS_IDENT = 1,	/* typedefs, enumerators */
};

enum name_cls {
	CLS_RESERVED = 0,	/* the compiler's own: never ours to take */
	CLS_DEF = 1,		/* a type with a body (or a typedef/enumerator) */
	CLS_FWD = 2,		/* a forward declaration: may share a def's name */
};

#define NO_IDX ((__u32)-1)

/* One holder of a clashing name, while its group is being named. */
struct name_ent {
	const char *name;
	__u32 id;
	__u32 idx;	/* enumerator index, or NO_IDX */
	__u32 hash;	/* shape hash */
	__u32 dup;	/* assigned suffix: 0 plain, else N of ___N */
	__u8 ns;
	__u8 cls;
	__u8 tag_kind;	/* for NS_TAG: 's', 'u' or 'e' */
};

/* Names clang predefines; the kernel's BTF may carry its own version. */
static const struct {
	const char *name;
	__u8 ns;
} reserved_names[] = {
	{ "__builtin_va_list", NS_IDENT },
	{ "__builtin_ms_va_list", NS_IDENT },
	{ "__int128_t", NS_IDENT },
	{ "__uint128_t", NS_IDENT },
	{ "__NSConstantString", NS_IDENT },
	{ "__NSConstantString_tag", NS_TAG },
};

#define RESERVED_CNT (sizeof(reserved_names) / sizeof(*reserved_names))

static __u32 fnv_str(__u32 h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static __u32 fnv_u32(__u32 h, __u32 v)
{
	int i;

	for (i = 0; i < 4; i++, v >>= 8)
		h = (h ^ (v & 0xff)) * 16777619u;
	return h;
}

/*
 * What a reference to type @id looks like: kinds down to the first named
 * type, and that name. Enough to tell "int a" from "unsigned int a" and
 * "struct x *p" from "struct y *p" without the ids, which move.
 */
static __u32 fnv_type_ref(__u32 h, const struct btf *btf, __u32 id)
{
	int depth;

	for (depth = 0; depth < 8; depth++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!t)
			break;
		h = fnv_u32(h, btf_kind(t));
		if (btf_is_int(t)) {
			/* old-style bitfields differ in bits only */
			h = fnv_u32(h, t->size);
			h = fnv_u32(h, *(const __u32 *)(t + 1));
		}
		name = btf__name_by_offset(btf, t->name_off);
		if (name && *name)
			return fnv_str(h, name);
		if (btf_is_array(t)) {
			h = fnv_u32(h, btf_array(t)->nelems);
			id = btf_array(t)->type;
		} else if (btf_is_ptr(t) || btf_is_mod(t)) {
			id = t->type;
		} else {
			/* void, or an anonymous body: its shape's outline */
			if (id)
				h = fnv_u32(fnv_u32(h, btf_vlen(t)), t->size);
			break;
		}
	}
	return h;
}

/* A hash of what a type looks like one level deep: stable across kernels. */
static __u32 type_shape_hash(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	__u32 h = 2166136261u, i, n = btf_vlen(t);

	h = fnv_u32(h, btf_kind(t));
	h = fnv_u32(h, n);
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = btf_members(t);

		h = fnv_u32(h, t->size);
		for (i = 0; i < n; i++, m++) {
			h = fnv_str(h, btf__name_by_offset(btf, m->name_off));
			h = fnv_u32(h, m->offset);
			h = fnv_type_ref(h, btf, m->type);
		}
		break;
	}
	case BTF_KIND_ENUM: {
		const struct btf_enum *e = btf_enum(t);

		h = fnv_u32(h, t->size);
		for (i = 0; i < n; i++, e++) {
			h = fnv_str(h, btf__name_by_offset(btf, e->name_off));
			h = fnv_u32(h, e->val);
		}
		break;
	}
	case BTF_KIND_ENUM64: {
		const struct btf_enum64 *e = btf_enum64(t);

		h = fnv_u32(h, t->size);
		for (i = 0; i < n; i++, e++) {
			h = fnv_str(h, btf__name_by_offset(btf, e->name_off));
			h = fnv_u32(h, e->val_lo32);
			h = fnv_u32(h, e->val_hi32);
		}
		break;
	}
	case BTF_KIND_TYPEDEF:
		h = fnv_type_ref(h, btf, t->type);
		break;
	default:
		break;
	}
	return h;
}

static int name_ent_cmp(const void *pa, const void *pb)
{
	const struct name_ent *a = pa, *b = pb;

	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if (a->idx != b->idx)
		return a->idx < b->idx ? -1 : 1;
	return 0;
}

/*
 * All names in one open-addressing hash table keyed by namespace and
 * name. A slot holds the first type or enumerator met under its name;
 * later ones are set aside as clashes (the kernel has a few dozen), and
 * only their groups are sorted and suffixed. Slots are small on purpose:
 * the table is written at random, and each of its pages is a page fault.
 */
struct name_slot {
	__u32 hash;	/* name_hash() | 1; 0: the slot is free */
	__u32 id;	/* the type, or the index in reserved_names[] */
	__u16 enum_idx;	/* enumerator index + 1; 0: the type's own name */
	__u8 ns;
	bool reserved;
};

/* A later holder of the name in @slot. */
struct name_clash {
	__u32 slot;
	__u32 id;
	__u32 enum_idx;
};

struct name_table {
	struct name_slot *slots;
	__u32 mask;
	struct name_clash *clashes;
	__u32 clash_cnt, clash_cap;
	const char **typedefs;	/* typedef names, for the typedef set */
	__u32 typedef_cnt, typedef_cap;
};

/* A hash of a name, eight bytes at a time: it runs on every name. */
static __u32 name_hash(__u8 ns, const char *name)
{
	size_t len = strlen(name);
	__u64 h = 0x9e3779b97f4a7c15ULL ^ len ^ ((__u64)ns << 56), w;

	for (; len >= 8; len -= 8, name += 8) {
		memcpy(&w, name, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, name, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

/* Name of enumerator @enum_idx - 1 of @id, or of @id itself if 0. */
static const char *holder_name(const struct tg_c_dumper *d, __u32 id,
			       __u32 enum_idx)
{
	const struct btf_type *t = tg_c_type(d, id);

	if (!enum_idx)
		return tg_c_str(d, t->name_off);
	return tg_c_str(d, btf_is_enum(t) ? btf_enum(t)[enum_idx - 1].name_off :
				       btf_enum64(t)[enum_idx - 1].name_off);
}

static const char *slot_name(const struct tg_c_dumper *d,
			     const struct name_slot *s)
{
	if (s->reserved)
		return reserved_names[s->id].name;
	return holder_name(d, s->id, s->enum_idx);
}

/* The slot named @name in @ns (hashed to @h), or the free slot for it. */
static struct name_slot *find_slot(const struct tg_c_dumper *d,
				   const struct name_table *tab, __u8 ns,
				   const char *name, __u32 h)
{
	__u32 i = h & tab->mask;

	for (;; i = (i + 1) & tab->mask) {
		struct name_slot *s = &tab->slots[i];

		if (!s->hash)
			return s;
		if (s->hash == h && s->ns == ns && !strcmp(slot_name(d, s), name))
			return s;
	}
}

static bool name_taken(const struct tg_c_dumper *d,
		       const struct name_table *tab, __u8 ns, const char *name)
{
	return find_slot(d, tab, ns, name, name_hash(ns, name) | 1)->hash;
}

static int add_clash(struct name_table *tab, __u32 slot, __u32 id,
		     __u32 enum_idx)
{
	if (tab->clash_cnt == tab->clash_cap) {
		__u32 cap = tab->clash_cap ? tab->clash_cap * 2 : 64;
		struct name_clash *c = realloc(tab->clashes, cap * sizeof(*c));

		if (!c)
			return -ENOMEM;
		tab->clashes = c;
		tab->clash_cap = cap;
	}
	tab->clashes[tab->clash_cnt++] = (struct name_clash){ slot, id, enum_idx };
	return 0;
}

/*
 * Add @name of @id (its enumerator @enum_idx - 1 if not 0). A type first
 * to hold its name gets it now; clashes are named in plan_group().
 */
static int add_name(struct tg_c_dumper *d, struct name_table *tab, __u8 ns,
		    const char *name, __u32 id, __u32 enum_idx)
{
	__u32 h = name_hash(ns, name) | 1;
	struct name_slot *s = find_slot(d, tab, ns, name, h);

	if (s->hash)
		return add_clash(tab, s - tab->slots, id, enum_idx);
	*s = (struct name_slot){ .hash = h, .id = id, .enum_idx = enum_idx,
				 .ns = ns };
	if (!enum_idx)
		d->names[tg_c_decl(d, id)] = name;
	return 0;
}

static int add_typedef(struct name_table *tab, const char *name)
{
	if (tab->typedef_cnt == tab->typedef_cap) {
		__u32 cap = tab->typedef_cap ? tab->typedef_cap * 2 : 1024;
		const char **n = realloc(tab->typedefs, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		tab->typedefs = n;
		tab->typedef_cap = cap;
	}
	tab->typedefs[tab->typedef_cnt++] = name;
	return 0;
}

static int add_enumerators(struct tg_c_dumper *d, struct name_table *tab,
			   __u32 id, const struct btf_type *t)
{
	__u32 i, n = btf_vlen(t);
	int err;

	for (i = 0; i < n; i++) {
		const char *name = holder_name(d, id, i + 1);

		if (!name || !*name)
			return -TG_ERRNO__BTF;
		if ((err = add_name(d, tab, NS_IDENT, name, id, i + 1)))
			return err;
	}
	return 0;
}

static void add_reserved(const struct tg_c_dumper *d, struct name_table *tab)
{
	__u32 i;

	for (i = 0; i < RESERVED_CNT; i++) {
		__u8 ns = reserved_names[i].ns;
		__u32 h = name_hash(ns, reserved_names[i].name) | 1;
		struct name_slot *s = find_slot(d, tab, ns,
						reserved_names[i].name, h);

		*s = (struct name_slot){ .hash = h, .id = i, .ns = ns,
					 .reserved = true };
	}
}

static int add_type_names(struct tg_c_dumper *d, struct name_table *tab,
			  __u32 id)
{
	const struct btf_type *t = tg_c_type(d, id);
	const char *name = tg_c_str(d, t->name_off);
	bool named = name && *name;
	int err;

	switch (btf_kind(t)) {
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if ((err = add_enumerators(d, tab, id, t)))
			return err;
		/* fall through */
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FWD:
		return named ? add_name(d, tab, NS_TAG, name, id, 0) : 0;
	case BTF_KIND_TYPEDEF:
		if (!named)
			return -TG_ERRNO__BTF;
		if ((err = add_typedef(tab, name)))
			return err;
		return add_name(d, tab, NS_IDENT, name, id, 0);
	default:
		return 0;
	}
}

static int collect_names(struct tg_c_dumper *d, struct name_table *tab)
{
	__u32 n = 1024, i;
	int err;

	/* at most three quarters full: few probes, and no growing */
	while (n < (__u64)(d->name_bound + RESERVED_CNT) * 4 / 3)
		n *= 2;
	tab->mask = n - 1;
	tab->slots = tg_c_zalloc(n, sizeof(*tab->slots));
	if (!tab->slots)
		return -ENOMEM;
	add_reserved(d, tab);
	for (i = 0; i < d->decl_cnt; i++)
		if ((err = add_type_names(d, tab, d->decls[i])))
			return err;
	return 0;
}

/* The next ___N for this name that no type already has as its own name. */
static __u32 next_suffix(const struct tg_c_dumper *d,
			 const struct name_table *tab, const struct name_ent *e,
			 __u32 *next)
{
	char buf[512];

	for (;; (*next)++) {
		if (*next < 2)
			*next = 2;
		if (strlen(e->name) > sizeof(buf) - 16)
			return (*next)++;
		snprintf(buf, sizeof(buf), "%s___%u", e->name, *next);
		if (!name_taken(d, tab, e->ns, buf))
			return (*next)++;
	}
}

static int add_fwd_alias(struct tg_c_dumper *d, __u32 fwd, __u32 target)
{
	struct tg_c_id_pair *p;

	p = realloc(d->fwd_aliases, (d->fwd_alias_cnt + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	d->fwd_aliases = p;
	p[d->fwd_alias_cnt].key = fwd;
	p[d->fwd_alias_cnt].val = target;
	d->fwd_alias_cnt++;
	return 0;
}

/*
 * Within one group of equal names, in content-hash order: the first
 * definition keeps the name, later ones get ___N. A forward declaration
 * reuses the name of a definition of the same kind (a pointer to it needs
 * nothing more), and only gets a name of its own when the tag is taken by
 * another kind.
 */
static int assign_group(const struct name_table *tab, struct name_ent *g,
			size_t n, struct tg_c_dumper *d)
{
	bool plain_taken = false;
	__u32 next = 2;
	size_t i, j;
	int err;

	for (i = 0; i < n; i++) {
		struct name_ent *e = &g[i];

		if (e->cls == CLS_RESERVED) {
			plain_taken = true;
			continue;
		}
		if (e->cls == CLS_FWD) {
			for (j = 0; j < i; j++)
				if (g[j].cls != CLS_RESERVED &&
				    g[j].tag_kind == e->tag_kind)
					break;
			if (j < i) {
				if ((err = add_fwd_alias(d, e->id, g[j].id)))
					return err;
				e->dup = g[j].dup;
				e->cls = CLS_RESERVED;	/* named through g[j] */
				continue;
			}
		}
		if (!plain_taken) {
			e->dup = 0;
			plain_taken = true;
		} else {
			e->dup = next_suffix(d, tab, e, &next);
		}
	}
	return 0;
}

static int add_enum_dup(struct tg_c_dumper *d, const struct name_ent *e)
{
	struct tg_c_enum_dup *p;
	size_t n = d->enum_dup_cnt;

	/* Doubling at powers of two: 65,535 clashes are no 65,535 copies. */
	if (!(n & (n - 1))) {
		p = realloc(d->enum_dups, (n ? 2 * n : 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		d->enum_dups = p;
	}
	p = d->enum_dups;
	p[d->enum_dup_cnt++] = (struct tg_c_enum_dup){ e->id, e->idx, e->dup };
	return 0;
}

static int set_type_name(struct tg_c_dumper *d, const struct name_ent *e)
{
	char **owned;
	char *s;

	if (e->dup == 0) {
		d->names[tg_c_decl(d, e->id)] = e->name;
		return 0;
	}
	if (asprintf(&s, "%s___%u", e->name, e->dup) < 0)
		return -ENOMEM;
	owned = realloc(d->owned_names, (d->owned_cnt + 1) * sizeof(*owned));
	if (!owned) {
		free(s);
		return -ENOMEM;
	}
	d->owned_names = owned;
	d->owned_names[d->owned_cnt++] = s;
	d->names[tg_c_decl(d, e->id)] = s;
	return 0;
}

static int record_name(struct tg_c_dumper *d, const struct name_ent *e)
{
	if (e->cls == CLS_RESERVED)
		return 0;
	if (e->idx != NO_IDX)
		return e->dup ? add_enum_dup(d, e) : 0;
	return set_type_name(d, e);
}

static char tag_kind_of(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
		return 's';
	case BTF_KIND_UNION:
		return 'u';
	case BTF_KIND_FWD:
		return btf_kflag(t) ? 'u' : 's';
	default:
		return 'e';
	}
}

/*
 * The group entry for holder @id (its enumerator @enum_idx - 1 if not 0).
 * The shape hash reads the whole type: taken from @prev when it is the
 * same holder, or an enum of 65,535 same-named values costs 65,535 times
 * its own size.
 */
static struct name_ent holder_ent(const struct tg_c_dumper *d, __u32 id,
				  __u32 enum_idx, const struct name_ent *prev)
{
	const struct btf_type *t = tg_c_type(d, id);
	struct name_ent e = {
		.name = holder_name(d, id, enum_idx), .id = id,
		.idx = enum_idx ? enum_idx - 1 : NO_IDX,
		.hash = prev && prev->cls != CLS_RESERVED && prev->id == id ?
			prev->hash : type_shape_hash(d->btf, id),
		.ns = NS_IDENT, .cls = CLS_DEF,
	};

	if (!enum_idx && !btf_is_typedef(t)) {
		e.ns = NS_TAG;
		e.cls = btf_is_fwd(t) ? CLS_FWD : CLS_DEF;
		e.tag_kind = tag_kind_of(t);
	}
	return e;
}

static struct name_ent slot_ent(const struct tg_c_dumper *d,
				const struct name_slot *s)
{
	if (s->reserved)
		return (struct name_ent){ .name = reserved_names[s->id].name,
					  .idx = NO_IDX, .ns = s->ns,
					  .cls = CLS_RESERVED };
	return holder_ent(d, s->id, s->enum_idx, NULL);
}

static int name_clash_cmp(const void *pa, const void *pb)
{
	const struct name_clash *a = pa, *b = pb;

	/* By holder within a slot: one holder's clashes are adjacent. */
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->enum_idx < b->enum_idx ? -1 : a->enum_idx > b->enum_idx;
}

/*
 * Sort a clashing group by content and name its members: @c are the
 * clashes with the name in slot c->slot, @n of them.
 */
static int plan_group(struct tg_c_dumper *d, const struct name_table *tab,
		      const struct name_clash *c, __u32 n,
		      struct name_ent *g)
{
	__u32 i;
	int err;

	g[0] = slot_ent(d, &tab->slots[c->slot]);
	for (i = 0; i < n; i++)
		g[i + 1] = holder_ent(d, c[i].id, c[i].enum_idx, &g[i]);
	n++;
	/* the first holder was given the name before it was known to clash */
	for (i = 0; i < n; i++)
		if (g[i].cls != CLS_RESERVED && g[i].idx == NO_IDX)
			d->names[tg_c_decl(d, g[i].id)] = NULL;
	qsort(g, n, sizeof(*g), name_ent_cmp);
	err = assign_group(tab, g, n, d);
	for (i = 0; !err && i < n; i++)
		err = record_name(d, &g[i]);
	return err;
}

static int plan_groups(struct tg_c_dumper *d, struct name_table *tab)
{
	struct name_ent *g;
	__u32 i, j;
	int err = 0;

	if (!tab->clash_cnt)
		return 0;
	qsort(tab->clashes, tab->clash_cnt, sizeof(*tab->clashes),
	      name_clash_cmp);
	/* no group is larger than all clashes and one first holder */
	g = malloc((tab->clash_cnt + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	for (i = 0; i < tab->clash_cnt && !err; i = j) {
		for (j = i; j < tab->clash_cnt &&
			    tab->clashes[j].slot == tab->clashes[i].slot; j++)
			;
		err = plan_group(d, tab, &tab->clashes[i], j - i, g);
	}
	free(g);
	return err;
}

static int id_pair_cmp(const void *pa, const void *pb)
{
	const struct tg_c_id_pair *a = pa, *b = pb;

	return a->key < b->key ? -1 : a->key > b->key;
}

static int enum_dup_cmp(const void *pa, const void *pb)
{
	const struct tg_c_enum_dup *a = pa, *b = pb;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static void typedef_set_add(struct tg_c_dumper *d, const char *name)
{
	__u32 h = name_hash(NS_IDENT, name), b = h & d->typedef_mask;

	while (d->typedef_set[b] && strcmp(d->typedef_set[b], name))
		b = (b + 1) & d->typedef_mask;
	d->typedef_set[b] = name;
	d->typedef_hash[b] = h;
}

/* Typedef names, for the check that a parameter name hides none. */
static int build_typedef_set(struct tg_c_dumper *d, const struct name_table *tab)
{
	__u32 i, nb = 64;

	while (nb < (tab->typedef_cnt + RESERVED_CNT) * 2)
		nb *= 2;
	d->typedef_set = tg_c_zalloc(nb, sizeof(*d->typedef_set));
	d->typedef_hash = malloc(nb * sizeof(*d->typedef_hash));
	if (!d->typedef_set || !d->typedef_hash)
		return -ENOMEM;
	d->typedef_mask = nb - 1;
	for (i = 0; i < RESERVED_CNT; i++)
		if (reserved_names[i].ns == NS_IDENT)
			typedef_set_add(d, reserved_names[i].name);
	for (i = 0; i < tab->typedef_cnt; i++)
		typedef_set_add(d, tab->typedefs[i]);
	return 0;
}

int tg_c_names_plan(struct tg_c_dumper *d)
{
	struct name_table tab = { 0 };
	int err;

	d->names = tg_c_zalloc(d->decl_cnt + 1, sizeof(*d->names));
	if (!d->names)
		return -ENOMEM;

	err = collect_names(d, &tab);
	if (!err)
		err = plan_groups(d, &tab);
	if (!err)
		err = build_typedef_set(d, &tab);
	/* qsort() and bsearch() want an array even for zero elements */
	if (d->fwd_alias_cnt)
		qsort(d->fwd_aliases, d->fwd_alias_cnt,
		      sizeof(*d->fwd_aliases), id_pair_cmp);
	if (d->enum_dup_cnt)
		qsort(d->enum_dups, d->enum_dup_cnt, sizeof(*d->enum_dups),
		      enum_dup_cmp);
	free(tab.slots);
	free(tab.clashes);
	free(tab.typedefs);
	return err;
}

__u32 tg_c_fwd_alias(const struct tg_c_dumper *d, __u32 id)
{
	struct tg_c_id_pair key = { .key = id }, *p;

	if (!d->fwd_alias_cnt)
		return id;
	p = bsearch(&key, d->fwd_aliases, d->fwd_alias_cnt,
		    sizeof(*d->fwd_aliases), id_pair_cmp);
	return p ? p->val : id;
}

/* First clash suffix of enum @id, or NULL if none of its values clash. */
const struct tg_c_enum_dup *tg_c_enum_dups(const struct tg_c_dumper *d,
					   __u32 id)
{
	size_t lo = 0, hi = d->enum_dup_cnt;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (d->enum_dups[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->enum_dup_cnt && d->enum_dups[lo].id == id ?
	       &d->enum_dups[lo] : NULL;
}

/* Is @name a typedef name in this header (so not usable as a parameter)? */
bool tg_c_is_ident_name(const struct tg_c_dumper *d, const char *name)
{
	__u32 h = name_hash(NS_IDENT, name), b = h & d->typedef_mask;

	/* this runs on every parameter: compare hashes before names */
	for (; d->typedef_set[b]; b = (b + 1) & d->typedef_mask)
		if (d->typedef_hash[b] == h && !strcmp(d->typedef_set[b], name))
			return true;
	return false;
}

void tg_c_names_free(struct tg_c_dumper *d)
{
	__u32 i;

	for (i = 0; i < d->owned_cnt; i++)
		free(d->owned_names[i]);
	free(d->owned_names);
	free(d->names);
	free(d->fwd_aliases);
	free(d->enum_dups);
	free(d->typedef_set);
	free(d->typedef_hash);
}
