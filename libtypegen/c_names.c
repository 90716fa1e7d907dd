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

struct name_ent {
	const char *name;
	__u32 id;
	__u32 idx;	/* enumerator index, or NO_IDX */
	__u32 hash;
	__u8 ns;
	__u8 cls;
	__u8 tag_kind;	/* for NS_TAG: 's', 'u' or 'e' */
	__u32 dup;	/* assigned suffix: 0 plain, else N of ___N */
};

/* Names clang predefines; the kernel's BTF may carry its own version. */
static const char *const reserved_idents[] = {
	"__builtin_va_list", "__builtin_ms_va_list", "__int128_t",
	"__uint128_t", "__NSConstantString",
};
static const char *const reserved_tags[] = {
	"__NSConstantString_tag",
};

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
	int r;

	if (a->ns != b->ns)
		return a->ns < b->ns ? -1 : 1;
	r = strcmp(a->name, b->name);
	if (r)
		return r;
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

struct name_table {
	struct name_ent *ents;
	size_t cnt, cap;
};

static int add_ent(struct name_table *tab, const struct name_ent *e)
{
	if (tab->cnt == tab->cap) {
		size_t cap = tab->cap ? tab->cap * 2 : 4096;
		struct name_ent *n = realloc(tab->ents, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		tab->ents = n;
		tab->cap = cap;
	}
	tab->ents[tab->cnt++] = *e;
	return 0;
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

static int add_enumerators(struct name_table *tab, const struct btf *btf,
			   __u32 id, __u32 hash)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	__u32 i, n = btf_vlen(t);
	int err;

	for (i = 0; i < n; i++) {
		__u32 off = btf_is_enum(t) ? btf_enum(t)[i].name_off :
					     btf_enum64(t)[i].name_off;
		struct name_ent e = {
			.name = btf__name_by_offset(btf, off),
			.id = id, .idx = i, .hash = hash,
			.ns = NS_IDENT, .cls = CLS_DEF,
		};

		if (!e.name || !*e.name)
			return -TG_ERRNO__BTF;
		err = add_ent(tab, &e);
		if (err)
			return err;
	}
	return 0;
}

static int collect_names(struct tg_c_dumper *d, struct name_table *tab)
{
	const struct btf *btf = d->btf;
	size_t i;
	__u32 id;
	int err;

	for (i = 0; i < sizeof(reserved_idents) / sizeof(*reserved_idents); i++) {
		struct name_ent e = { .name = reserved_idents[i],
				      .idx = NO_IDX, .ns = NS_IDENT,
				      .cls = CLS_RESERVED };

		if ((err = add_ent(tab, &e)))
			return err;
	}
	for (i = 0; i < sizeof(reserved_tags) / sizeof(*reserved_tags); i++) {
		struct name_ent e = { .name = reserved_tags[i], .idx = NO_IDX,
				      .ns = NS_TAG, .cls = CLS_RESERVED };

		if ((err = add_ent(tab, &e)))
			return err;
	}

	for (id = 1; id < d->nr_types; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		struct name_ent e = { .name = name, .id = id, .idx = NO_IDX };
		bool named = name && *name;

		switch (btf_kind(t)) {
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			e.hash = type_shape_hash(btf, id);
			if ((err = add_enumerators(tab, btf, id, e.hash)))
				return err;
			/* fall through */
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_FWD:
			if (!named)
				continue;
			e.ns = NS_TAG;
			e.cls = btf_is_fwd(t) ? CLS_FWD : CLS_DEF;
			e.tag_kind = tag_kind_of(t);
			break;
		case BTF_KIND_TYPEDEF:
			if (!named)
				return -TG_ERRNO__BTF;
			e.ns = NS_IDENT;
			e.cls = CLS_DEF;
			break;
		default:
			continue;
		}
		if (!e.hash)
			e.hash = type_shape_hash(btf, id);
		if ((err = add_ent(tab, &e)))
			return err;
	}
	return 0;
}

/* Is "name" already a name of its own in namespace ns? */
static bool name_taken(const struct name_table *tab, __u8 ns, const char *name)
{
	size_t lo = 0, hi = tab->cnt;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct name_ent *e = &tab->ents[mid];
		int r = e->ns != ns ? (e->ns < ns ? -1 : 1) : strcmp(e->name, name);

		if (r == 0)
			return true;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The next ___N for this name that no type already has as its own name. */
static __u32 next_suffix(const struct name_table *tab, const struct name_ent *e,
			 __u32 *next)
{
	char buf[512];

	for (;; (*next)++) {
		if (*next < 2)
			*next = 2;
		if (strlen(e->name) > sizeof(buf) - 16)
			return (*next)++;
		snprintf(buf, sizeof(buf), "%s___%u", e->name, *next);
		if (!name_taken(tab, e->ns, buf))
			return (*next)++;
	}
}

/*
 * Within one group of equal names: the first definition keeps the name,
 * later ones get ___N. A forward declaration reuses the name of a
 * definition of the same kind (a pointer to it needs nothing more), and
 * only gets a name of its own when the tag is taken by another kind.
 */
static void assign_group(struct name_table *tab, size_t lo, size_t hi,
			 struct tg_c_dumper *d)
{
	bool plain_taken = false;
	__u32 next = 2;
	size_t i, j;

	for (i = lo; i < hi; i++) {
		struct name_ent *e = &tab->ents[i];

		if (e->cls == CLS_RESERVED) {
			plain_taken = true;
			continue;
		}
		if (e->cls == CLS_FWD) {
			for (j = lo; j < i; j++) {
				struct name_ent *o = &tab->ents[j];

				if (o->cls != CLS_RESERVED &&
				    o->tag_kind == e->tag_kind)
					break;
			}
			if (j < i) {
				d->fwd_alias[e->id] = tab->ents[j].id;
				e->dup = tab->ents[j].dup;
				continue;
			}
		}
		if (!plain_taken) {
			e->dup = 0;
			plain_taken = true;
		} else {
			e->dup = next_suffix(tab, e, &next);
		}
	}
}

static int set_enumerator_dup(struct tg_c_dumper *d, const struct name_ent *e)
{
	__u32 **slot = &d->enum_val_dup[e->id];

	if (!*slot) {
		const struct btf_type *t = btf__type_by_id(d->btf, e->id);

		*slot = calloc(btf_vlen(t), sizeof(**slot));
		if (!*slot)
			return -ENOMEM;
	}
	(*slot)[e->idx] = e->dup;
	return 0;
}

static int set_type_name(struct tg_c_dumper *d, const struct name_ent *e)
{
	char *s;

	if (e->dup == 0) {
		d->names[e->id] = e->name;
		return 0;
	}
	if (asprintf(&s, "%s___%u", e->name, e->dup) < 0)
		return -ENOMEM;
	d->owned_names[d->owned_cnt++] = s;
	d->names[e->id] = s;
	return 0;
}

static int record_names(struct tg_c_dumper *d, struct name_table *tab)
{
	size_t i, idents = 0;
	int err;

	d->owned_names = calloc(tab->cnt, sizeof(*d->owned_names));
	if (!d->owned_names)
		return -ENOMEM;
	for (i = 0; i < tab->cnt; i++)
		idents += tab->ents[i].ns == NS_IDENT;
	d->ident_sorted = calloc(idents + 1, sizeof(char *));
	if (!d->ident_sorted)
		return -ENOMEM;

	for (i = 0; i < tab->cnt; i++) {
		struct name_ent *e = &tab->ents[i];

		if (e->ns == NS_IDENT && e->idx == NO_IDX &&
		    e->cls != CLS_RESERVED)
			((const char **)d->ident_sorted)[d->ident_cnt++] = e->name;
		if (e->cls == CLS_RESERVED)
			continue;
		if (e->idx != NO_IDX) {
			if (e->dup && (err = set_enumerator_dup(d, e)))
				return err;
			continue;
		}
		if (e->cls == CLS_FWD && d->fwd_alias[e->id] != e->id)
			continue;	/* named through its alias */
		if ((err = set_type_name(d, e)))
			return err;
	}
	return 0;
}

int tg_c_names_plan(struct tg_c_dumper *d)
{
	struct name_table tab = {};
	size_t lo, hi;
	__u32 id;
	int err;

	d->names = calloc(d->nr_types, sizeof(*d->names));
	d->fwd_alias = calloc(d->nr_types, sizeof(*d->fwd_alias));
	d->enum_val_dup = calloc(d->nr_types, sizeof(*d->enum_val_dup));
	if (!d->names || !d->fwd_alias || !d->enum_val_dup)
		return -ENOMEM;
	for (id = 0; id < d->nr_types; id++)
		d->fwd_alias[id] = id;

	err = collect_names(d, &tab);
	if (err)
		goto out;
	qsort(tab.ents, tab.cnt, sizeof(*tab.ents), name_ent_cmp);

	for (lo = 0; lo < tab.cnt; lo = hi) {
		for (hi = lo + 1; hi < tab.cnt; hi++)
			if (tab.ents[hi].ns != tab.ents[lo].ns ||
			    strcmp(tab.ents[hi].name, tab.ents[lo].name))
				break;
		assign_group(&tab, lo, hi, d);
	}
	err = record_names(d, &tab);
out:
	free(tab.ents);
	return err;
}

/* Is @name a typedef name in this header (so not usable as a parameter)? */
bool tg_c_is_ident_name(const struct tg_c_dumper *d, const char *name)
{
	size_t lo = 0, hi = d->ident_cnt;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(d->ident_sorted[mid], name);

		if (r == 0)
			return true;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void tg_c_names_free(struct tg_c_dumper *d)
{
	__u32 i;

	if (d->owned_names)
		for (i = 0; i < d->owned_cnt; i++)
			free(d->owned_names[i]);
	if (d->enum_val_dup)
		for (i = 0; i < d->nr_types; i++)
			free(d->enum_val_dup[i]);
	free(d->owned_names);
	free(d->enum_val_dup);
	free(d->names);
	free(d->fwd_alias);
	free((void *)d->ident_sorted);
}
