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
	__u32 hash;	/* shape hash; computed only for clashing names */
	__u32 next;	/* next entry with the same name, or NO_IDX */
	__u32 dup;	/* assigned suffix: 0 plain, else N of ___N */
	__u8 ns;
	__u8 cls;
	__u8 tag_kind;	/* for NS_TAG: 's', 'u' or 'e' */
	bool head;	/* first entry of its name's group */
	__u32 nhash;	/* name_hash() of ns and name */
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
 * All names, grouped by (namespace, name) in a hash table: sorting the
 * kernel's 75k names would cost more than the rest of the plan, and only
 * a few dozen of them clash.
 */
struct name_table {
	struct name_ent *ents;
	size_t cnt, cap, hint;
	__u32 *heads;		/* bucket -> first group head, NO_IDX if none */
	__u32 *chain;		/* group head -> next head in its bucket */
	__u32 mask;
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

static int add_ent(struct name_table *tab, const struct name_ent *e)
{
	if (tab->cnt == tab->cap) {
		/* kernels have about 0.6 names (most enumerators) per type */
		size_t cap = tab->cap ? tab->cap * 2 : tab->hint;
		struct name_ent *n = realloc(tab->ents, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		tab->ents = n;
		tab->cap = cap;
	}
	tab->ents[tab->cnt] = *e;
	tab->ents[tab->cnt].next = NO_IDX;
	tab->cnt++;
	return 0;
}

/* The head of the group named @name in @ns (hashing to @h), or NO_IDX. */
static __u32 find_group_hashed(const struct name_table *tab, __u8 ns,
			       const char *name, __u32 h)
{
	__u32 i = tab->heads[h & tab->mask];

	for (; i != NO_IDX; i = tab->chain[i]) {
		const struct name_ent *e = &tab->ents[i];

		if (e->nhash == h && e->ns == ns && !strcmp(e->name, name))
			return i;
	}
	return NO_IDX;
}

static __u32 find_group(const struct name_table *tab, __u8 ns,
			const char *name)
{
	return find_group_hashed(tab, ns, name, name_hash(ns, name));
}

static int group_names(struct name_table *tab)
{
	__u32 nb = 1024, i, b, head, *tail_of;

	while (nb < tab->cnt * 2)
		nb *= 2;
	tab->mask = nb - 1;
	tab->heads = malloc(nb * sizeof(*tab->heads));
	tab->chain = malloc(tab->cnt * sizeof(*tab->chain));
	tail_of = malloc(tab->cnt * sizeof(*tail_of));
	if (!tab->heads || !tab->chain || !tail_of) {
		free(tail_of);
		return -ENOMEM;
	}
	memset(tab->heads, 0xff, nb * sizeof(*tab->heads));
	for (i = 0; i < tab->cnt; i++) {
		struct name_ent *e = &tab->ents[i];

		tab->chain[i] = NO_IDX;
		e->nhash = name_hash(e->ns, e->name);
		head = find_group_hashed(tab, e->ns, e->name, e->nhash);
		if (head == NO_IDX) {
			b = e->nhash & tab->mask;
			tab->chain[i] = tab->heads[b];
			tab->heads[b] = i;
			tail_of[i] = i;
			e->head = true;
			continue;
		}
		tab->ents[tail_of[head]].next = i;
		tail_of[head] = i;
	}
	free(tail_of);
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
			   __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	__u32 i, n = btf_vlen(t);
	int err;

	for (i = 0; i < n; i++) {
		__u32 off = btf_is_enum(t) ? btf_enum(t)[i].name_off :
					     btf_enum64(t)[i].name_off;
		struct name_ent e = {
			.name = btf__name_by_offset(btf, off),
			.id = id, .idx = i, .ns = NS_IDENT, .cls = CLS_DEF,
		};

		if (!e.name || !*e.name)
			return -TG_ERRNO__BTF;
		err = add_ent(tab, &e);
		if (err)
			return err;
	}
	return 0;
}

static int add_reserved(struct name_table *tab)
{
	size_t i;
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
	return 0;
}

static int collect_names(struct tg_c_dumper *d, struct name_table *tab)
{
	const struct btf *btf = d->btf;
	__u32 id;
	int err;

	if ((err = add_reserved(tab)))
		return err;
	for (id = 1; id < d->nr_types; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		struct name_ent e = { .name = name, .id = id, .idx = NO_IDX };
		bool named = name && *name;

		switch (btf_kind(t)) {
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			if ((err = add_enumerators(tab, btf, id)))
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
		if ((err = add_ent(tab, &e)))
			return err;
	}
	return 0;
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
		if (find_group(tab, e->ns, buf) == NO_IDX)
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
			e->dup = next_suffix(tab, e, &next);
		}
	}
	return 0;
}

static int add_enum_dup(struct tg_c_dumper *d, const struct name_ent *e)
{
	struct tg_c_enum_dup *p;

	p = realloc(d->enum_dups, (d->enum_dup_cnt + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	d->enum_dups = p;
	p[d->enum_dup_cnt++] = (struct tg_c_enum_dup){ e->id, e->idx, e->dup };
	return 0;
}

static int set_type_name(struct tg_c_dumper *d, const struct name_ent *e)
{
	char **owned;
	char *s;

	if (e->dup == 0) {
		d->names[e->id] = e->name;
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
	d->names[e->id] = s;
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

/* Sort a clashing group by content and name its members. */
static int plan_group(struct tg_c_dumper *d, struct name_table *tab,
		      __u32 head, struct name_ent **scratch, size_t *cap)
{
	size_t n = 0, k;
	__u32 i;
	int err;

	for (i = head; i != NO_IDX; i = tab->ents[i].next) {
		struct name_ent *e = &tab->ents[i];

		if (n == *cap) {
			size_t c = *cap ? *cap * 2 : 16;
			struct name_ent *s = realloc(*scratch, c * sizeof(*s));

			if (!s)
				return -ENOMEM;
			*scratch = s;
			*cap = c;
		}
		if (e->cls != CLS_RESERVED)
			e->hash = type_shape_hash(d->btf, e->id);
		(*scratch)[n++] = *e;
	}
	qsort(*scratch, n, sizeof(**scratch), name_ent_cmp);
	err = assign_group(tab, *scratch, n, d);
	for (k = 0; !err && k < n; k++)
		err = record_name(d, &(*scratch)[k]);
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

/* Typedef names, for the check that a parameter name hides none. */
static int build_typedef_set(struct tg_c_dumper *d, const struct name_table *tab)
{
	__u32 i, cnt = 0, nb = 64;

	for (i = 0; i < tab->cnt; i++)
		cnt += tab->ents[i].ns == NS_IDENT && tab->ents[i].idx == NO_IDX;
	while (nb < cnt * 2)
		nb *= 2;
	d->typedef_set = calloc(nb, sizeof(*d->typedef_set));
	if (!d->typedef_set)
		return -ENOMEM;
	d->typedef_mask = nb - 1;
	for (i = 0; i < tab->cnt; i++) {
		const struct name_ent *e = &tab->ents[i];
		__u32 b;

		if (e->ns != NS_IDENT || e->idx != NO_IDX)
			continue;
		b = name_hash(NS_IDENT, e->name) & d->typedef_mask;
		while (d->typedef_set[b] && strcmp(d->typedef_set[b], e->name))
			b = (b + 1) & d->typedef_mask;
		d->typedef_set[b] = e->name;
	}
	return 0;
}

int tg_c_names_plan(struct tg_c_dumper *d)
{
	struct name_table tab = { .hint = d->nr_types * 2 / 3 + 64 };
	struct name_ent *scratch = NULL;
	size_t cap = 0;
	__u32 i;
	int err;

	d->names = calloc(d->nr_types, sizeof(*d->names));
	if (!d->names)
		return -ENOMEM;

	err = collect_names(d, &tab);
	if (!err)
		err = group_names(&tab);
	for (i = 0; !err && i < tab.cnt; i++) {
		struct name_ent *e = &tab.ents[i];

		if (!e->head)
			continue;
		if (e->next == NO_IDX)
			err = record_name(d, e);	/* the only one */
		else
			err = plan_group(d, &tab, i, &scratch, &cap);
	}
	if (!err)
		err = build_typedef_set(d, &tab);
	/* qsort() and bsearch() want an array even for zero elements */
	if (d->fwd_alias_cnt)
		qsort(d->fwd_aliases, d->fwd_alias_cnt,
		      sizeof(*d->fwd_aliases), id_pair_cmp);
	if (d->enum_dup_cnt)
		qsort(d->enum_dups, d->enum_dup_cnt, sizeof(*d->enum_dups),
		      enum_dup_cmp);
	free(scratch);
	free(tab.ents);
	free(tab.heads);
	free(tab.chain);
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
	__u32 b = name_hash(NS_IDENT, name) & d->typedef_mask;

	for (; d->typedef_set[b]; b = (b + 1) & d->typedef_mask)
		if (!strcmp(d->typedef_set[b], name))
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
}
