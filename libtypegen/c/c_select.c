// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A header of some types only: which decls and kfuncs are selected, and
 * the C names they are selected by.
 *
 * Selection works on the names the whole header writes (foo___2 is the
 * second foo), so that a program written against the whole header finds
 * the same names in a selection of it. Planning the order from the
 * selected roots (emit_c.c) pulls in everything they need.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "emit_c.h"

struct lookup_entry {
	const char *name;	/* NULL: free slot */
	struct tg_c_ident val;
};

struct lookup_table {
	struct lookup_entry *slots;
	__u32 mask;
};

struct tg_c_lookup {
	struct lookup_table ns[2];	/* by enum tg_c_ns */
	char **owned;			/* enumerator names with ___N */
	__u32 owned_cnt;
	__u32 *owner;	/* per decl: the named decl an inline type is in */
};

static __u32 str_hash(const char *s)
{
	__u32 h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The first entry of a name wins: C names are unique per namespace. */
static void table_put(struct lookup_table *t, const char *name,
		      struct tg_c_ident val)
{
	__u32 i = str_hash(name) & t->mask;

	while (t->slots[i].name) {
		if (!strcmp(t->slots[i].name, name))
			return;
		i = (i + 1) & t->mask;
	}
	t->slots[i].name = name;
	t->slots[i].val = val;
}

static const struct lookup_entry *table_get(const struct lookup_table *t,
					    const char *name)
{
	__u32 i = str_hash(name) & t->mask;

	while (t->slots[i].name) {
		if (!strcmp(t->slots[i].name, name))
			return &t->slots[i];
		i = (i + 1) & t->mask;
	}
	return NULL;
}

static int table_init(struct lookup_table *t, __u32 n)
{
	__u32 cap = 16;

	while (cap < n * 2)
		cap *= 2;
	t->slots = calloc(cap, sizeof(*t->slots));
	t->mask = cap - 1;
	return t->slots ? 0 : -ENOMEM;
}

static __u64 enumerator_name_off(const struct btf_type *t, __u32 i)
{
	return btf_is_enum(t) ? btf_enum(t)[i].name_off :
				btf_enum64(t)[i].name_off;
}

/* Enumerator @i of enum @id under the name the header writes. */
static int put_enumerator(struct tg_c_dumper *d, struct tg_c_lookup *lk,
			  __u32 id, __u32 i,
			  const struct tg_c_enum_dup **dup)
{
	const struct btf_type *t = tg_c_type(d, id);
	const char *name = tg_c_str(d, enumerator_name_off(t, i));
	struct tg_c_ident val = { .id = id };
	char *s;

	if (!name || !*name)
		return 0;
	if (*dup && *dup < d->enum_dups + d->enum_dup_cnt &&
	    (*dup)->id == id && (*dup)->idx == i) {
		if (asprintf(&s, "%s___%u", name, (*dup)->dup) < 0)
			return -ENOMEM;
		lk->owned[lk->owned_cnt++] = s;
		name = s;
		(*dup)++;
	}
	table_put(&lk->ns[TG_C_NS_IDENT], name, val);
	return 0;
}

static int fill_lookup(struct tg_c_dumper *d, struct tg_c_lookup *lk)
{
	__u32 i, j;
	int err;

	for (i = 0; i < d->decl_cnt; i++) {
		__u32 id = d->decls[i];
		const struct btf_type *t = tg_c_type(d, id);
		const char *name = tg_c_name_of(d, id);
		struct tg_c_ident val = { .id = id };

		if (btf_is_any_enum(t)) {
			const struct tg_c_enum_dup *dup = tg_c_enum_dups(d, id);

			for (j = 0; j < btf_vlen(t); j++)
				if ((err = put_enumerator(d, lk, id, j, &dup)))
					return err;
		}
		if (!name || (btf_is_fwd(t) && tg_c_fwd_alias(d, id) != id))
			continue;
		table_put(&lk->ns[btf_is_typedef(t) ? TG_C_NS_IDENT :
						       TG_C_NS_TAG], name, val);
	}
	for (i = 0; i < d->kfunc_cnt; i++) {
		struct tg_c_ident val = { .id = d->kfuncs[i], .kfunc = i + 1 };

		table_put(&lk->ns[TG_C_NS_IDENT],
			  tg_c_name(d, tg_c_type(d, d->kfuncs[i])), val);
	}
	return 0;
}

static int make_lookup(struct tg_c_dumper *d)
{
	struct tg_c_lookup *lk = calloc(1, sizeof(*lk));
	int err = -ENOMEM;

	if (!lk)
		return -ENOMEM;
	d->lookup = lk;
	lk->owned = calloc(d->enum_dup_cnt + 1, sizeof(*lk->owned));
	if (!lk->owned)
		return err;
	/* name_bound counts decls and enumerators: room for both spaces */
	if ((err = table_init(&lk->ns[TG_C_NS_TAG], d->decl_cnt)) ||
	    (err = table_init(&lk->ns[TG_C_NS_IDENT],
			      d->name_bound + d->kfunc_cnt)))
		return err;
	return fill_lookup(d, lk);
}

int tg_c_lookup(struct tg_c_dumper *d, enum tg_c_ns ns, const char *name,
		struct tg_c_ident *res)
{
	const struct lookup_entry *e;
	int err;

	if (!d->lookup && (err = make_lookup(d)))
		return err;
	e = table_get(&d->lookup->ns[ns], name);
	if (!e)
		return -ENOENT;
	*res = e->val;
	return 0;
}

/* ------------------------------------------------------------------------
 * Anonymous enums written inline: selected through the type they are in
 */

static int mark_owner(struct tg_c_dumper *d, __u32 *owner, __u32 id,
		      __u32 top, int depth);

static int mark_members(struct tg_c_dumper *d, __u32 *owner,
			const struct btf_type *t, __u32 top, int depth)
{
	const struct btf_member *m = btf_members(t);
	__u32 i;
	int err;

	for (i = 0; i < btf_vlen(t); i++)
		if ((err = mark_owner(d, owner, m[i].type, top, depth + 1)))
			return err;
	return 0;
}

/* Mark the anonymous enums written inside @id's use as @top's. */
static int mark_owner(struct tg_c_dumper *d, __u32 *owner, __u32 id,
		      __u32 top, int depth)
{
	const struct btf_type *t = tg_c_type(d, id);

	if (!t || depth > TG_C_MAX_DEPTH)
		return -TG_ERRNO__CYCLE;
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (*tg_c_name(d, t))
			return 0;
		return mark_members(d, owner, t, top, depth);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (!*tg_c_name(d, t))
			owner[tg_c_decl(d, id)] = top;
		return 0;
	case BTF_KIND_PTR:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return mark_owner(d, owner, t->type, top, depth + 1);
	case BTF_KIND_ARRAY:
		return mark_owner(d, owner, btf_array(t)->type, top, depth + 1);
	default:
		/* prototypes: an enum in a parameter list is not written */
		return 0;
	}
}

static int find_owners(struct tg_c_dumper *d)
{
	__u32 *owner, i;
	int err = 0;

	owner = calloc(d->decl_cnt + 1, sizeof(*owner));
	if (!owner)
		return -ENOMEM;
	d->lookup->owner = owner;
	for (i = 0; i < d->decl_cnt && !err; i++) {
		__u32 id = d->decls[i];
		const struct btf_type *t = tg_c_type(d, id);

		if (btf_is_composite(t) && *tg_c_name(d, t))
			err = mark_members(d, owner, t, id, 0);
		else if (btf_is_typedef(t))
			err = mark_owner(d, owner, t->type, id, 0);
	}
	return err;
}

/* The named type an anonymous enum written inline belongs to, or 0. */
static int inline_owner(struct tg_c_dumper *d, __u32 id, __u32 *top)
{
	int err;

	if (!d->lookup && (err = make_lookup(d)))
		return err;
	if (!d->lookup->owner && (err = find_owners(d)))
		return err;
	*top = d->lookup->owner[tg_c_decl(d, id)];
	return 0;
}

/* ------------------------------------------------------------------------
 * The selection
 */

int tg_c_select_start(struct tg_c_dumper *d)
{
	if (d->want)
		return 0;
	d->want = calloc(d->decl_cnt + 1, 1);
	d->kfunc_want = calloc(d->kfunc_cnt + 1, 1);
	if (!d->want || !d->kfunc_want)
		return -ENOMEM;
	d->planned = false;
	return 0;
}

/* Select decl @id, to be written as @want (or more). */
int tg_c_select_id(struct tg_c_dumper *d, __u32 id, int want)
{
	const struct btf_type *t = tg_c_type(d, id);
	__u8 *w;
	__u32 top;
	int err;

	if (!tg_c_decl(d, id))
		return -EINVAL;
	if ((err = tg_c_select_start(d)))
		return err;
	/* an anonymous enum written inline comes with its user only */
	if (btf_is_any_enum(t) && !*tg_c_name(d, t) && d->occ[tg_c_decl(d, id)] == 1) {
		if ((err = inline_owner(d, id, &top)))
			return err;
		if (top && top != id)
			return tg_c_select_id(d, top, TG_C_WANT_DEF);
	}
	w = &d->want[tg_c_decl(d, id)];
	if (*w < want) {
		*w = want;
		d->planned = false;
	}
	return 0;
}

int tg_c_select_kfunc(struct tg_c_dumper *d, __u32 idx)
{
	int err;

	if (idx >= d->kfunc_cnt)
		return -EINVAL;
	if ((err = tg_c_select_start(d)))
		return err;
	if (!d->kfunc_want[idx]) {
		d->kfunc_want[idx] = 1;
		d->planned = false;
	}
	return 0;
}

enum pattern_kind {
	PAT_ANY,	/* NAME: tag, typedef or kfunc */
	PAT_STRUCT,
	PAT_UNION,
	PAT_ENUM,
};

static bool kind_matches(const struct btf_type *t, enum pattern_kind k)
{
	switch (k) {
	case PAT_STRUCT:
		return btf_is_struct(t) || (btf_is_fwd(t) && !btf_kflag(t));
	case PAT_UNION:
		return btf_is_union(t) || (btf_is_fwd(t) && btf_kflag(t));
	case PAT_ENUM:
		return btf_is_any_enum(t);
	default:
		return true;
	}
}

static const char *strip_keyword(const char *pattern, enum pattern_kind *k)
{
	static const struct {
		const char *word;
		enum pattern_kind kind;
	} kw[] = {
		{ "struct", PAT_STRUCT },
		{ "union", PAT_UNION },
		{ "enum", PAT_ENUM },
	};
	size_t i, n;

	*k = PAT_ANY;
	for (i = 0; i < sizeof(kw) / sizeof(kw[0]); i++) {
		n = strlen(kw[i].word);
		if (!strncmp(pattern, kw[i].word, n) &&
		    (pattern[n] == ' ' || pattern[n] == '\t')) {
			*k = kw[i].kind;
			pattern += n;
			while (*pattern == ' ' || *pattern == '\t')
				pattern++;
			return pattern;
		}
	}
	return pattern;
}

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Every decl and kfunc whose C name matches the glob. */
static int select_glob(struct tg_c_dumper *d, const char *glob,
		       enum pattern_kind k)
{
	int err, n = 0;
	__u32 i;

	for (i = 0; i < d->decl_cnt; i++) {
		__u32 id = d->decls[i];
		const struct btf_type *t = tg_c_type(d, id);
		const char *name = tg_c_name_of(d, id);

		if (!name || !kind_matches(t, k) ||
		    (btf_is_fwd(t) && tg_c_fwd_alias(d, id) != id) ||
		    (k != PAT_ANY && btf_is_typedef(t)) ||
		    fnmatch(glob, name, 0))
			continue;
		if ((err = tg_c_select_id(d, id, TG_C_WANT_DEF)))
			return err;
		n++;
	}
	for (i = 0; k == PAT_ANY && i < d->kfunc_cnt; i++) {
		if (fnmatch(glob, tg_c_name(d, tg_c_type(d, d->kfuncs[i])), 0))
			continue;
		if ((err = tg_c_select_kfunc(d, i)))
			return err;
		n++;
	}
	return n;
}

static int select_exact(struct tg_c_dumper *d, const char *name,
			enum pattern_kind k)
{
	struct tg_c_ident v;
	int err, n = 0;

	err = tg_c_lookup(d, TG_C_NS_TAG, name, &v);
	if (!err && kind_matches(tg_c_type(d, v.id), k)) {
		if ((err = tg_c_select_id(d, v.id, TG_C_WANT_DEF)))
			return err;
		n++;
	} else if (err && err != -ENOENT) {
		return err;
	}
	if (k != PAT_ANY)
		return n;
	err = tg_c_lookup(d, TG_C_NS_IDENT, name, &v);
	if (err == -ENOENT)
		return n;
	if (err)
		return err;
	if (v.kfunc)
		err = tg_c_select_kfunc(d, v.kfunc - 1);
	else if (btf_is_typedef(tg_c_type(d, v.id)))
		err = tg_c_select_id(d, v.id, TG_C_WANT_DEF);
	else
		return n;	/* an enumerator: not a type */
	return err ? err : n + 1;
}

int tg_c_dumper__select(struct tg_c_dumper *d, const char *pattern)
{
	enum pattern_kind k;
	const char *name;
	int n;

	if (!d || !pattern)
		return -EINVAL;
	name = strip_keyword(pattern, &k);
	if (!*name)
		return -EINVAL;
	n = is_glob(name) ? select_glob(d, name, k) : select_exact(d, name, k);
	if (n == 0)
		return -TG_ERRNO__NOMATCH;
	return n;
}

int tg_c_dumper__find(struct tg_c_dumper *d, const char *name, __u32 *id)
{
	struct tg_c_ident v;
	enum pattern_kind k;
	int err;

	if (!d || !name || !id)
		return -EINVAL;
	name = strip_keyword(name, &k);
	err = tg_c_lookup(d, TG_C_NS_TAG, name, &v);
	if (!err && kind_matches(tg_c_type(d, v.id), k)) {
		*id = v.id;
		return 0;
	}
	if (err && err != -ENOENT)
		return err;
	if (k != PAT_ANY)
		return -ENOENT;
	err = tg_c_lookup(d, TG_C_NS_IDENT, name, &v);
	if (err)
		return err;
	if (v.kfunc || !btf_is_typedef(tg_c_type(d, v.id)))
		return -ENOENT;
	*id = v.id;
	return 0;
}

void tg_c_select_free(struct tg_c_dumper *d)
{
	struct tg_c_lookup *lk = d->lookup;
	__u32 i;

	free(d->want);
	free(d->kfunc_want);
	if (!lk)
		return;
	for (i = 0; i < lk->owned_cnt; i++)
		free(lk->owned[i]);
	free(lk->owned);
	free(lk->ns[0].slots);
	free(lk->ns[1].slots);
	free(lk->owner);
	free(lk);
}
