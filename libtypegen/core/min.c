// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Minimized BTF for CO-RE objects: resolve every relocation of a set of
 * BPF objects against a kernel (core_relo.c), mark what each resolution
 * touched, and write just that as new BTF.
 *
 * What is kept, and why it is enough for libbpf to resolve the same way:
 *  - field relocations: the root type and, along the access path, each
 *    struct or union with only the members walked through (names, offsets,
 *    bitfield sizes and the struct's size as they were), and the accessed
 *    field's type "shallow": its kind, name, size and signedness, which is
 *    all libbpf's field compatibility and value rules look at;
 *  - type existence, size and id: the type shallow, following pointers,
 *    arrays and function prototypes as libbpf's compatibility check does;
 *  - type matches: what libbpf's "match" walk visits, members included;
 *  - enumerator relocations: the enum with the matched enumerators only.
 * A pointer whose pointee nothing else needs points to void: libbpf never
 * looks behind a pointer for fields, and a type kept for another
 * relocation is pointed to as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "core_relo.h"
#include "input/input.h"
#include "min.h"

struct tg_min {
	struct tg_core_obj *objs;
	size_t obj_cnt;
};

struct tg_min_result {
	struct btf *btf;
	struct tg_min_relo *relos;
	size_t relo_cnt;
	enum tg_min_verdict *verdicts;
	size_t obj_cnt;
	/* Without types: the candidates of each unsatisfied relocation. */
	struct tg_core_cands *cands;
};

/* ---- objects ------------------------------------------------------------ */

int tg_min__new(const struct tg_min_opts *opts, struct tg_min **mp)
{
	*mp = NULL;
	if (!TG_OPTS_VALID(opts, tg_min_opts))
		return -EINVAL;
	*mp = calloc(1, sizeof(**mp));
	return *mp ? 0 : -ENOMEM;
}

int tg_min__add_object(struct tg_min *m, const char *path)
{
	struct tg_core_obj *o;
	int err;

	if (!m || !path)
		return -EINVAL;
	o = realloc(m->objs, (m->obj_cnt + 1) * sizeof(*o));
	if (!o)
		return -ENOMEM;
	m->objs = o;
	err = tg_core_obj_load(path, &o[m->obj_cnt]);
	if (err)
		return err;
	m->obj_cnt++;
	return 0;
}

size_t tg_min__object_cnt(const struct tg_min *m)
{
	return m ? m->obj_cnt : 0;
}

const char *tg_min__object_path(const struct tg_min *m, size_t idx)
{
	return m && idx < m->obj_cnt ? m->objs[idx].path : NULL;
}

void tg_min__free(struct tg_min *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->obj_cnt; i++)
		tg_core_obj_free(&m->objs[i]);
	free(m->objs);
	free(m);
}

const struct timespec *tg_min_newest_object(const struct tg_min *m)
{
	const struct timespec *t = NULL;
	size_t i;

	for (i = 0; i < m->obj_cnt; i++) {
		const struct timespec *o = &m->objs[i].mtime;

		if (!t || o->tv_sec > t->tv_sec ||
		    (o->tv_sec == t->tv_sec && o->tv_nsec > t->tv_nsec))
			t = o;
	}
	return t;
}

const char *tg_relo_kind__str(enum tg_relo_kind kind)
{
	static const char *const names[] = {
		[TG_RELO_FIELD_BYTE_OFFSET] = "byte_off",
		[TG_RELO_FIELD_BYTE_SIZE] = "byte_sz",
		[TG_RELO_FIELD_EXISTS] = "field_exists",
		[TG_RELO_FIELD_SIGNED] = "signed",
		[TG_RELO_FIELD_LSHIFT_U64] = "lshift_u64",
		[TG_RELO_FIELD_RSHIFT_U64] = "rshift_u64",
		[TG_RELO_TYPE_ID_LOCAL] = "local_type_id",
		[TG_RELO_TYPE_ID_TARGET] = "target_type_id",
		[TG_RELO_TYPE_EXISTS] = "type_exists",
		[TG_RELO_TYPE_SIZE] = "type_size",
		[TG_RELO_ENUMVAL_EXISTS] = "enumval_exists",
		[TG_RELO_ENUMVAL_VALUE] = "enumval_value",
		[TG_RELO_TYPE_MATCHES] = "type_matches",
	};

	if ((unsigned int)kind >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[kind];
}

/* ---- the target and what is kept of it ---------------------------------- */

/* Per BTF of the target: a mark per own type, members kept per type. */
struct marks {
	__u32 start;		/* first own type id */
	__u32 cnt;		/* own types */
	__u8 *flags;
	/* Kept members / enumerators: few types have any, so a short list. */
	struct member_bits *bits;
	size_t bits_cnt;
	__u32 *new_id;
};

struct member_bits {
	__u32 idx;		/* own type index */
	unsigned char *bits;
};

#define MARK_KEEP	1
#define MARK_FOLLOW	2	/* pointers behind it followed too */

/* Candidate lists by essential name, for the names the objects use. */
struct name_ent {
	const char *name;	/* in an object's .BTF */
	size_t len;		/* essential length */
	struct tg_tref *refs;
	size_t cnt, cap;
};

struct cand_cache_ent {
	size_t obj;
	__u32 local_id;
	struct tg_core_cands cands;
};

struct run {
	const struct tg_min *m;
	struct tg_core_target tgt;
	struct marks *marks;
	struct name_ent *names;	/* open addressing, @name_cap slots */
	size_t name_cap;
	__u32 kinds;		/* bit per BTF kind of the local root types */
	/* A bit per first two bytes of their names: most names miss. */
	__u64 prefix[65536 / 64];
	struct cand_cache_ent *cache;
	size_t cache_cnt;
	struct tg_min_result *res;
	bool types;		/* keep and write types, not just resolve */
	const struct tg_core_cands *cur;	/* the last resolve()'s */
};

static __u32 hash_str(const char *s, size_t n)
{
	__u32 h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct name_ent *name_slot(struct run *r, const char *s, size_t n)
{
	size_t i = hash_str(s, n) & (r->name_cap - 1);

	for (;; i = (i + 1) & (r->name_cap - 1)) {
		struct name_ent *e = &r->names[i];

		if (!e->name || (e->len == n && !memcmp(e->name, s, n)))
			return e;
	}
}

static const char *local_root_name(const struct tg_core_obj *o,
				   const struct tg_core_rec *rec)
{
	const struct btf_type *t = btf__type_by_id(o->btf, rec->type_id);

	return t ? btf__name_by_offset(o->btf, t->name_off) : NULL;
}

/* Candidates differ in kind only as enum and enum64 do: one bit for both. */
static __u32 kind_bit(const struct btf_type *t)
{
	return 1U << (btf_is_enum64(t) ? BTF_KIND_ENUM : btf_kind(t));
}

/*
 * The first two bytes of @name, the second taken as 0 if it is '_': then
 * a ___flavor may start there, and "a___x" must meet "a".
 */
static __u32 prefix_of(const char *name)
{
	unsigned char c = name[0] ? name[1] : 0;

	return (unsigned char)name[0] | (c == '_' ? 0 : c << 8);
}

static void set_prefix(struct run *r, const char *name)
{
	__u32 p = prefix_of(name);

	r->prefix[p / 64] |= 1ULL << (p % 64);
}

static bool has_prefix(const struct run *r, const char *name)
{
	__u32 p = prefix_of(name);

	return r->prefix[p / 64] & (1ULL << (p % 64));
}

/* The essential names of every relocation's root type. */
static int collect_names(struct run *r)
{
	size_t i, j, n = 0;

	for (i = 0; i < r->m->obj_cnt; i++)
		n += r->m->objs[i].rec_cnt;
	for (r->name_cap = 16; r->name_cap < 2 * n + 1; r->name_cap *= 2)
		;
	r->names = calloc(r->name_cap, sizeof(*r->names));
	if (!r->names)
		return -ENOMEM;
	for (i = 0; i < r->m->obj_cnt; i++) {
		const struct tg_core_obj *o = &r->m->objs[i];

		for (j = 0; j < o->rec_cnt; j++) {
			const char *name = local_root_name(o, &o->recs[j]);
			struct name_ent *e;
			size_t len;

			if (!name || !*name)
				continue;
			len = tg_core_essential_len(name);
			e = name_slot(r, name, len);
			e->name = name;
			e->len = len;
			set_prefix(r, name);
			r->kinds |= kind_bit(btf__type_by_id(o->btf,
						o->recs[j].type_id));
		}
	}
	return 0;
}

static int name_add_ref(struct name_ent *e, __u32 b, __u32 id)
{
	if (e->cnt == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 4;
		struct tg_tref *p = realloc(e->refs, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		e->refs = p;
		e->cap = cap;
	}
	e->refs[e->cnt].b = b;
	e->refs[e->cnt++].id = id;
	return 0;
}

/* One pass over the target: every type whose essential name is wanted. */
static int index_target(struct run *r)
{
	size_t b;
	__u32 id;
	int err;

	for (b = 0; b < r->tgt.cnt; b++) {
		const struct btf *btf = r->tgt.btfs[b];
		__u32 n = btf__type_cnt(btf);

		for (id = r->marks[b].start; id < n; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id);
			const char *name;
			struct name_ent *e;
			size_t len;

			/* Most types are functions no relocation asks for. */
			if (!t->name_off || !(r->kinds & kind_bit(t)))
				continue;
			name = btf__name_by_offset(btf, t->name_off);
			if (!name || !*name || !has_prefix(r, name))
				continue;
			len = tg_core_essential_len(name);
			e = name_slot(r, name, len);
			if (!e->name)
				continue;
			err = name_add_ref(e, b, id);
			if (err)
				return err;
		}
	}
	return 0;
}

static int init_marks(struct run *r)
{
	size_t b;

	r->marks = calloc(r->tgt.cnt, sizeof(*r->marks));
	if (!r->marks)
		return -ENOMEM;
	for (b = 0; b < r->tgt.cnt; b++) {
		struct marks *mk = &r->marks[b];

		mk->start = b ? r->tgt.base_cnt : 0;
		mk->cnt = btf__type_cnt(r->tgt.btfs[b]) - mk->start;
		mk->flags = calloc(mk->cnt, 1);
		mk->new_id = calloc(mk->cnt, sizeof(*mk->new_id));
		if (!mk->flags || !mk->new_id)
			return -ENOMEM;
	}
	return 0;
}

static void free_run(struct run *r)
{
	size_t i, b;

	for (i = 0; r->names && i < r->name_cap; i++)
		free(r->names[i].refs);
	free(r->names);
	for (i = 0; i < r->cache_cnt; i++)
		free(r->cache[i].cands.refs);
	free(r->cache);
	for (b = 0; r->marks && b < r->tgt.cnt; b++) {
		struct marks *mk = &r->marks[b];

		for (i = 0; i < mk->bits_cnt; i++)
			free(mk->bits[i].bits);
		free(mk->bits);
		free(mk->flags);
		free(mk->new_id);
	}
	free(r->marks);
	free(r->tgt.btfs);
}

/* A type id of BTF @b as the BTF that owns it: base ids are vmlinux's. */
static struct tg_tref norm(const struct run *r, __u32 b, __u32 id)
{
	struct tg_tref t = { .b = b, .id = id };

	if (b && id < r->tgt.base_cnt)
		t.b = 0;
	return t;
}

static int mark_type(struct run *r, __u32 b, __u32 id, bool follow);

static int mark_ref(struct run *r, __u32 b, __u32 id, bool follow)
{
	return id ? mark_type(r, b, id, follow) : 0;
}

static int mark_proto(struct run *r, __u32 b, const struct btf_type *t,
		      bool follow)
{
	const struct btf_param *p = btf_params(t);
	int i, err = mark_ref(r, b, t->type, follow);

	for (i = 0; !err && i < btf_vlen(t); i++)
		err = mark_ref(r, b, p[i].type, follow);
	return err;
}

/*
 * Keep type @id of BTF @b, and what it cannot be written without: the
 * types modifiers, typedefs and arrays refer to; behind pointers and in
 * prototypes only if @follow. Structs, unions and enums are kept without
 * members here: those are kept one by one.
 */
static int mark_type(struct run *r, __u32 b, __u32 id, bool follow)
{
	struct tg_tref t = norm(r, b, id);
	struct marks *mk = &r->marks[t.b];
	const struct btf_type *bt;
	__u8 *f;

	if (t.id < mk->start || t.id - mk->start >= mk->cnt)
		return -TG_ERRNO__BTF;
	f = &mk->flags[t.id - mk->start];
	if ((*f & MARK_KEEP) && (!follow || (*f & MARK_FOLLOW)))
		return 0;
	*f |= MARK_KEEP | (follow ? MARK_FOLLOW : 0);
	bt = btf__type_by_id(r->tgt.btfs[t.b], t.id);
	switch (btf_kind(bt)) {
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return mark_ref(r, t.b, bt->type, follow);
	case BTF_KIND_PTR:
		return follow ? mark_ref(r, t.b, bt->type, follow) : 0;
	case BTF_KIND_ARRAY: {
		int err = mark_ref(r, t.b, btf_array(bt)->type, follow);

		return err ?: mark_ref(r, t.b, btf_array(bt)->index_type, false);
	}
	case BTF_KIND_FUNC_PROTO:
		return mark_proto(r, t.b, bt, follow);
	default:
		return 0;
	}
}

static unsigned char **find_bits(const struct marks *mk, __u32 idx)
{
	size_t i;

	for (i = 0; i < mk->bits_cnt; i++)
		if (mk->bits[i].idx == idx)
			return &mk->bits[i].bits;
	return NULL;
}

static int add_bits(struct marks *mk, __u32 idx, int vlen)
{
	struct member_bits *p;

	p = realloc(mk->bits, (mk->bits_cnt + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	mk->bits = p;
	p[mk->bits_cnt].idx = idx;
	p[mk->bits_cnt].bits = calloc((vlen + 7) / 8 + 1, 1);
	if (!p[mk->bits_cnt].bits)
		return -ENOMEM;
	mk->bits_cnt++;
	return 0;
}

/* Keep member (or enumerator) @idx of composite or enum @id. */
static int mark_member(struct run *r, __u32 b, __u32 id, __u32 idx)
{
	struct tg_tref t = norm(r, b, id);
	struct marks *mk = &r->marks[t.b];
	const struct btf_type *bt = btf__type_by_id(r->tgt.btfs[t.b], t.id);
	unsigned char **bits;
	int err;

	err = mark_type(r, b, id, false);
	if (err)
		return err;
	if (idx >= btf_vlen(bt))
		return -TG_ERRNO__BTF;
	bits = find_bits(mk, t.id - mk->start);
	if (!bits) {
		err = add_bits(mk, t.id - mk->start, btf_vlen(bt));
		if (err)
			return err;
		bits = &mk->bits[mk->bits_cnt - 1].bits;
	}
	(*bits)[idx / 8] |= 1 << (idx % 8);
	if (btf_is_composite(bt))
		return mark_type(r, t.b, btf_members(bt)[idx].type, false);
	return 0;
}

/* The root, then each struct/union member the raw access path walks. */
static int mark_field(struct run *r, __u32 b, const struct tg_core_spec *s)
{
	const struct btf *btf = r->tgt.btfs[b];
	const struct btf_type *t;
	__u32 id = s->root_id;
	int i, err;

	err = mark_type(r, b, id, false);
	for (i = 1; !err && i < s->raw_len; i++) {
		t = tg_core_skip_mods(btf, id, &id);
		if (!t)
			return -TG_ERRNO__BTF;
		if (btf_is_composite(t)) {
			err = mark_member(r, b, id, s->raw[i]);
			id = btf_members(t)[s->raw[i]].type;
		} else if (btf_is_array(t)) {
			id = btf_array(t)->type;
		} else {
			return -TG_ERRNO__BTF;
		}
	}
	return err;
}

static int mark_enumval(struct run *r, __u32 b, const struct tg_core_spec *s)
{
	int err = mark_type(r, b, s->root_id, false);

	return err ?: mark_member(r, b, s->spec[0].type_id, s->spec[0].idx);
}

static bool names_match(const struct btf *lb, __u32 loff,
			const struct btf *tb, __u32 toff)
{
	const char *l = btf__name_by_offset(lb, loff);
	const char *t = btf__name_by_offset(tb, toff);
	size_t ll, tl;

	if (!t || !*t)
		return !l || !*l;
	if (!l)
		return false;
	ll = tg_core_essential_len(l);
	tl = tg_core_essential_len(t);
	return ll == tl && !strncmp(l, t, ll);
}

static __u32 enum_name_off(const struct btf_type *t, int i)
{
	return btf_is_enum(t) ? btf_enum(t)[i].name_off :
				btf_enum64(t)[i].name_off;
}

static int mark_match(struct run *r, __u32 b, const struct btf *lb,
		      __u32 lid, __u32 tid, bool behind_ptr, int level);

/* Each local member's first matching target member, as libbpf pairs them. */
static int mark_match_members(struct run *r, __u32 b, const struct btf *lb,
			      const struct btf_type *l, __u32 tid,
			      int level)
{
	const struct btf *tb = r->tgt.btfs[b];
	const struct btf_type *t = btf__type_by_id(tb, tid);
	const struct btf_member *lm = btf_members(l);
	int i, j, err;

	for (i = 0; i < btf_vlen(l); i++, lm++) {
		const struct btf_member *tm = btf_members(t);

		for (j = 0; j < btf_vlen(t); j++, tm++) {
			if (!names_match(lb, lm->name_off, tb, tm->name_off) ||
			    tg_core_types_match(lb, lm->type, tb, tm->type,
						false, level - 1) <= 0)
				continue;
			err = mark_member(r, b, tid, j);
			err = err ?: mark_match(r, b, lb, lm->type, tm->type,
						false, level - 1);
			if (err)
				return err;
			break;
		}
	}
	return 0;
}

static int mark_match_enum(struct run *r, __u32 b, const struct btf *lb,
			   const struct btf_type *l, __u32 tid)
{
	const struct btf *tb = r->tgt.btfs[b];
	const struct btf_type *t = btf__type_by_id(tb, tid);
	int i, j, err;

	for (i = 0; i < btf_vlen(l); i++)
		for (j = 0; j < btf_vlen(t); j++) {
			if (!names_match(lb, enum_name_off(l, i), tb,
					 enum_name_off(t, j)))
				continue;
			err = mark_member(r, b, tid, j);
			if (err)
				return err;
			break;
		}
	return 0;
}

/* Keep what tg_core_types_match() looked at, once it said "match". */
static int mark_match(struct run *r, __u32 b, const struct btf *lb,
		      __u32 lid, __u32 tid, bool behind_ptr, int level)
{
	const struct btf *tb = r->tgt.btfs[b];
	const struct btf_type *l, *t;
	int depth = 32, err, i;

	while (depth-- && level > 0) {
		err = mark_type(r, b, tid, false);
		if (err)
			return err;
		l = tg_core_skip_mods(lb, lid, &lid);
		t = tg_core_skip_mods(tb, tid, &tid);
		if (!l || !t)
			return -TG_ERRNO__BTF;
		if (btf_is_any_enum(l) && btf_is_any_enum(t))
			return mark_match_enum(r, b, lb, l, tid);
		if (btf_is_composite(l) && btf_is_composite(t))
			return behind_ptr ? 0 :
			       mark_match_members(r, b, lb, l, tid, level);
		if (btf_is_ptr(l) && btf_is_ptr(t)) {
			behind_ptr = true;
		} else if (btf_is_array(l) && btf_is_array(t)) {
			lid = btf_array(l)->type;
			tid = btf_array(t)->type;
			continue;
		} else if (btf_is_func_proto(l) && btf_is_func_proto(t)) {
			const struct btf_param *lp = btf_params(l);
			const struct btf_param *tp = btf_params(t);

			for (i = 0; i < btf_vlen(l) && i < btf_vlen(t); i++) {
				err = mark_match(r, b, lb, lp[i].type,
						 tp[i].type, behind_ptr,
						 level - 1);
				if (err)
					return err;
			}
		} else {
			return 0;
		}
		lid = l->type;
		tid = t->type;
		if (!tid)
			return 0;
	}
	return 0;
}

static int mark_spec(struct run *r, __u32 b, const struct tg_core_spec *l,
		     const struct tg_core_spec *s)
{
	switch (l->kind) {
	case TG_RELO_TYPE_MATCHES:
		return mark_match(r, b, l->btf, l->root_id, s->root_id, false,
				  32);
	case TG_RELO_TYPE_ID_TARGET:
	case TG_RELO_TYPE_EXISTS:
	case TG_RELO_TYPE_SIZE:
		return mark_type(r, b, s->root_id, true);
	case TG_RELO_ENUMVAL_EXISTS:
	case TG_RELO_ENUMVAL_VALUE:
		return mark_enumval(r, b, s);
	default:
		return mark_field(r, b, s);
	}
}

/* ---- candidates and resolution ------------------------------------------ */

/*
 * The candidates of local type @local_id of object @oi: target types of its
 * essential name and a compatible kind, vmlinux's if it has any, else the
 * modules'. Cached per local type and pruned as relocations match, as
 * libbpf does.
 */
static struct tg_core_cands *get_cands(struct run *r, size_t oi,
				       __u32 local_id, int *err)
{
	const struct tg_core_obj *o = &r->m->objs[oi];
	const struct btf_type *lt = btf__type_by_id(o->btf, local_id);
	const char *name = btf__name_by_offset(o->btf, lt->name_off);
	struct cand_cache_ent *c;
	struct name_ent *e;
	size_t i, pass;

	for (i = 0; i < r->cache_cnt; i++)
		if (r->cache[i].obj == oi && r->cache[i].local_id == local_id)
			return &r->cache[i].cands;
	c = realloc(r->cache, (r->cache_cnt + 1) * sizeof(*c));
	if (!c)
		goto nomem;
	r->cache = c;
	c = &r->cache[r->cache_cnt++];
	memset(c, 0, sizeof(*c));
	c->obj = oi;
	c->local_id = local_id;
	e = name_slot(r, name, tg_core_essential_len(name));
	if (!e->cnt)
		return &c->cands;
	c->cands.refs = calloc(e->cnt, sizeof(*c->cands.refs));
	if (!c->cands.refs)
		goto nomem;
	for (pass = 0; pass < 2 && !c->cands.cnt; pass++)
		for (i = 0; i < e->cnt; i++) {
			const struct btf *tb = r->tgt.btfs[e->refs[i].b];
			const struct btf_type *t;

			if ((e->refs[i].b == 0) != (pass == 0))
				continue;
			t = btf__type_by_id(tb, e->refs[i].id);
			if (tg_core_kinds_compat(t, lt))
				c->cands.refs[c->cands.cnt++] = e->refs[i];
		}
	return &c->cands;
nomem:
	*err = -ENOMEM;
	return NULL;
}

static bool kind_absent_ok(__u32 kind)
{
	return kind == TG_RELO_FIELD_EXISTS || kind == TG_RELO_TYPE_EXISTS ||
	       kind == TG_RELO_TYPE_MATCHES || kind == TG_RELO_TYPE_SIZE ||
	       kind == TG_RELO_TYPE_ID_TARGET ||
	       kind == TG_RELO_ENUMVAL_EXISTS;
}

/* Matched candidates of one relocation, kept until it is known to stand. */
struct matched {
	struct tg_core_spec *specs;
	__u32 *bs;
	size_t cnt;
};

/*
 * Match one candidate: 1 and its spec and value if it matches, 0 if not,
 * or a negative code for which libbpf fails the relocation. *@poison is
 * set when libbpf would poison the instruction on it.
 */
static int try_cand(const struct btf *tb, __u32 id,
		    const struct tg_core_rec *rec, const struct tg_core_res *res,
		    struct tg_core_spec *s, __u64 *val, bool *poison)
{
	int ret = tg_core_spec_match(&res->local, tb, id, s);

	if (ret <= 0)
		return ret;
	ret = tg_core_calc(rec, &res->local, s, val);
	*poison = ret == -EUCLEAN;
	return ret && !*poison ? ret : 1;
}

/*
 * Try each candidate; all that match must agree, else the relocation is
 * TG_RELO_ERROR (returns 1 with res->err set). Returns 0 with the matches
 * in @mt, or a negative error of the run itself.
 */
static int try_cands(struct run *r, const struct tg_core_rec *rec,
		     struct tg_core_cands *cands, struct tg_core_res *res,
		     struct matched *mt)
{
	bool poison = false, p;
	size_t i, j = 0;
	__u64 val;
	int ret;

	mt->specs = malloc((cands->cnt + 1) * sizeof(*mt->specs));
	mt->bs = malloc((cands->cnt + 1) * sizeof(*mt->bs));
	if (!mt->specs || !mt->bs)
		return -ENOMEM;
	for (i = 0; i < cands->cnt; i++) {
		struct tg_core_spec *s = &mt->specs[j];

		ret = try_cand(r->tgt.btfs[cands->refs[i].b], cands->refs[i].id,
			       rec, res, s, &val, &p);
		if (!ret)
			continue;
		if (ret < 0) {
			res->err = ret;
			return 1;
		}
		if (j && (s->bit_offset != mt->specs[0].bit_offset ||
			  p != poison || val != res->value)) {
			res->err = -TG_ERRNO__AMBIGUOUS;
			return 1;
		}
		poison = p;
		res->value = val;
		mt->bs[j] = cands->refs[i].b;
		cands->refs[j++] = cands->refs[i];
	}
	/* Later relocations of the same local type try only these. */
	if (j)
		cands->cnt = j;
	mt->cnt = j;
	res->status = poison ? TG_RELO_POISON : TG_RELO_OK;
	return 0;
}

/* Resolve relocation @rec of object @oi into @res, marking what it used. */
static int resolve(struct run *r, size_t oi, const struct tg_core_rec *rec,
		   struct tg_core_res *res)
{
	const struct tg_core_obj *o = &r->m->objs[oi];
	const char *name = local_root_name(o, rec);
	struct matched mt = {};
	struct tg_core_cands *cands;
	int err = 0, ret;
	size_t i;

	memset(res, 0, sizeof(*res));
	r->cur = NULL;
	res->status = TG_RELO_ERROR;
	res->err = tg_core_parse_spec(o->btf, rec, &res->local);
	if (res->err) {
		res->local.btf = NULL;
		return 0;
	}
	if (rec->kind == TG_RELO_TYPE_ID_LOCAL) {
		res->status = TG_RELO_OK;
		res->value = rec->type_id;
		return 0;
	}
	if (!name || !*name) {
		res->err = -EOPNOTSUPP;
		return 0;
	}
	cands = get_cands(r, oi, rec->type_id, &err);
	if (!cands)
		return err;
	r->cur = cands;
	ret = try_cands(r, rec, cands, res, &mt);
	if (ret < 0) {
		err = ret;
	} else if (ret > 0) {
		res->status = TG_RELO_ERROR;
	} else if (mt.cnt) {
		for (i = 0; !err && r->types && i < mt.cnt; i++)
			err = mark_spec(r, mt.bs[i], &res->local, &mt.specs[i]);
	} else {
		err = tg_core_calc(rec, &res->local, NULL, &res->value);
		res->status = kind_absent_ok(rec->kind) ? TG_RELO_ABSENT :
			      TG_RELO_POISON;
		if (err == -EUCLEAN)
			err = 0;
	}
	free(mt.specs);
	free(mt.bs);
	return err;
}

/* ---- writing the kept types -------------------------------------------- */

static __u32 new_id(const struct run *r, __u32 b, __u32 id)
{
	struct tg_tref t;
	const struct marks *mk;

	if (!id)
		return 0;
	t = norm(r, b, id);
	mk = &r->marks[t.b];
	if (t.id < mk->start || t.id - mk->start >= mk->cnt)
		return 0;
	return mk->new_id[t.id - mk->start];
}

static bool kept_bit(const unsigned char *bits, int i)
{
	return bits && (bits[i / 8] & (1 << (i % 8)));
}

static int emit_members(struct btf *out, const struct run *r, __u32 b,
			const struct btf *in, const struct btf_type *t,
			const unsigned char *bits)
{
	const struct btf_member *m = btf_members(t);
	int i, err;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (!kept_bit(bits, i))
			continue;
		err = btf__add_field(out, btf__name_by_offset(in, m->name_off),
				     new_id(r, b, m->type),
				     btf_member_bit_offset(t, i),
				     btf_member_bitfield_size(t, i));
		if (err)
			return err;
	}
	return 0;
}

static int emit_enum(struct btf *out, const struct btf *in,
		     const struct btf_type *t, const char *name,
		     const unsigned char *bits)
{
	struct btf_type *nt;
	int i, id, err = 0;

	if (btf_is_enum64(t)) {
		id = btf__add_enum64(out, name, t->size, btf_kflag(t));
		for (i = 0; id > 0 && !err && i < btf_vlen(t); i++)
			if (kept_bit(bits, i))
				err = btf__add_enum64_value(out,
					btf__name_by_offset(in, btf_enum64(t)[i].name_off),
					btf_enum64_value(btf_enum64(t) + i));
		return id < 0 ? id : err;
	}
	id = btf__add_enum(out, name, t->size);
	for (i = 0; id > 0 && !err && i < btf_vlen(t); i++) {
		const struct btf_enum *e = btf_enum(t) + i;

		if (kept_bit(bits, i))
			err = btf__add_enum_value(out,
				btf__name_by_offset(in, e->name_off),
				btf_kflag(t) ? (__s64)e->val : (__s64)(__u32)e->val);
	}
	if (id < 0 || err)
		return id < 0 ? id : err;
	/* Signedness is the kind flag, whatever values are kept. */
	nt = (struct btf_type *)btf__type_by_id(out, id);
	nt->info = (t->info & ~0xffffU) | btf_vlen(nt);
	return 0;
}

static int emit_int(struct btf *out, const struct btf_type *t,
		    const char *name)
{
	int id = btf__add_int(out, name, t->size,
			      btf_int_encoding(t) & (BTF_INT_SIGNED |
						     BTF_INT_CHAR |
						     BTF_INT_BOOL));

	if (id < 0)
		return id;
	/* Bit size and offset as they were (libbpf rejects offset ints). */
	*(__u32 *)((struct btf_type *)btf__type_by_id(out, id) + 1) =
		*(const __u32 *)(t + 1);
	return 0;
}

static int emit_proto(struct btf *out, const struct run *r, __u32 b,
		      const struct btf *in, const struct btf_type *t)
{
	const struct btf_param *p = btf_params(t);
	int i, err = btf__add_func_proto(out, new_id(r, b, t->type));

	for (i = 0; err >= 0 && i < btf_vlen(t); i++)
		err = btf__add_func_param(out,
					  btf__name_by_offset(in, p[i].name_off),
					  new_id(r, b, p[i].type));
	return err < 0 ? err : 0;
}

static int emit_type(struct btf *out, const struct run *r, __u32 b, __u32 id)
{
	const struct btf *in = r->tgt.btfs[b];
	const struct btf_type *t = btf__type_by_id(in, id);
	const char *name = btf__name_by_offset(in, t->name_off);
	unsigned char **bp = find_bits(&r->marks[b], id - r->marks[b].start);
	const unsigned char *bits = bp ? *bp : NULL;
	__u32 ref = new_id(r, b, t->type);
	int ret;

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return emit_int(out, t, name);
	case BTF_KIND_PTR:
		ret = btf__add_ptr(out, ref);
		break;
	case BTF_KIND_ARRAY:
		ret = btf__add_array(out, new_id(r, b, btf_array(t)->index_type),
				     new_id(r, b, btf_array(t)->type),
				     btf_array(t)->nelems);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		ret = btf_is_struct(t) ? btf__add_struct(out, name, t->size) :
					 btf__add_union(out, name, t->size);
		return ret < 0 ? ret : emit_members(out, r, b, in, t, bits);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return emit_enum(out, in, t, name, bits);
	case BTF_KIND_FWD:
		ret = btf__add_fwd(out, name, btf_kflag(t) ? BTF_FWD_UNION :
							      BTF_FWD_STRUCT);
		break;
	case BTF_KIND_TYPEDEF:
		ret = btf__add_typedef(out, name, ref);
		break;
	case BTF_KIND_VOLATILE:
		ret = btf__add_volatile(out, ref);
		break;
	case BTF_KIND_CONST:
		ret = btf__add_const(out, ref);
		break;
	case BTF_KIND_RESTRICT:
		ret = btf__add_restrict(out, ref);
		break;
	case BTF_KIND_TYPE_TAG:
		ret = btf__add_type_tag(out, name, ref);
		break;
	case BTF_KIND_FUNC_PROTO:
		return emit_proto(out, r, b, in, t);
	case BTF_KIND_FLOAT:
		ret = btf__add_float(out, name, t->size);
		break;
	default:
		return -TG_ERRNO__BTF;
	}
	return ret < 0 ? ret : 0;
}

/* Number the kept types in target order, then write them in that order. */
static int emit(struct run *r, struct btf **outp)
{
	struct btf *out;
	__u32 n = 0, i;
	size_t b;
	int err = 0;

	for (b = 0; b < r->tgt.cnt; b++)
		for (i = 0; i < r->marks[b].cnt; i++)
			if (r->marks[b].flags[i] & MARK_KEEP)
				r->marks[b].new_id[i] = ++n;
	out = btf__new_empty();
	if (!out)
		return -ENOMEM;
	for (b = 0; !err && b < r->tgt.cnt; b++)
		for (i = 0; !err && i < r->marks[b].cnt; i++)
			if (r->marks[b].flags[i] & MARK_KEEP)
				err = emit_type(out, r, b, r->marks[b].start + i);
	if (err) {
		btf__free(out);
		return err == -ENOMEM ? err : -TG_ERRNO__BTF;
	}
	*outp = out;
	return 0;
}

/* ---- running ------------------------------------------------------------ */

static int init_target(struct run *r, const struct tg_btf *kernel,
		       struct tg_btf *const *mods, size_t mod_cnt)
{
	size_t i;

	if (!kernel || tg_btf__base(kernel) || (mod_cnt && !mods))
		return -EINVAL;
	r->tgt.btfs = calloc(mod_cnt + 1, sizeof(*r->tgt.btfs));
	if (!r->tgt.btfs)
		return -ENOMEM;
	r->tgt.btfs[0] = tg_btf__btf(kernel);
	r->tgt.base_cnt = btf__type_cnt(r->tgt.btfs[0]);
	for (i = 0; i < mod_cnt; i++) {
		if (!mods[i] || tg_btf__base(mods[i]) != kernel)
			return -EINVAL;
		r->tgt.btfs[i + 1] = tg_btf__btf(mods[i]);
	}
	r->tgt.cnt = mod_cnt + 1;
	return 0;
}

static enum tg_min_verdict worse(enum tg_min_verdict v,
				 enum tg_relo_status s)
{
	if (s == TG_RELO_ERROR)
		return TG_MIN_FAILS;
	if (s == TG_RELO_POISON && v == TG_MIN_LOADS)
		return TG_MIN_LOADS_IF_DEAD;
	return v;
}

static int record(struct run *r, size_t oi, const struct tg_core_rec *rec,
		  __u32 index, const struct tg_core_res *res)
{
	struct tg_min_result *out = r->res;
	struct tg_min_relo *x = &out->relos[out->relo_cnt];
	const struct tg_core_obj *o = &r->m->objs[oi];
	char buf[512];

	x->obj = oi;
	x->section = rec->sec;
	x->program = rec->prog;
	x->insn_idx = rec->insn_off / 8;
	x->index = index;
	x->kind = rec->kind;
	x->status = res->status;
	x->err = res->err;
	x->value = res->value;
	if (res->local.btf) {
		tg_core_spec_str(&res->local, buf, sizeof(buf));
	} else {
		const char *n = local_root_name(o, rec);

		snprintf(buf, sizeof(buf), "%s", n && *n ? n : "<anon>");
	}
	x->spec = strdup(buf);
	if (!x->spec)
		return -ENOMEM;
	if (out->cands && r->cur && r->cur->cnt &&
	    (res->status == TG_RELO_POISON || res->status == TG_RELO_ERROR)) {
		struct tg_core_cands *c = &out->cands[out->relo_cnt];

		c->refs = malloc(r->cur->cnt * sizeof(*c->refs));
		if (!c->refs)
			return -ENOMEM;
		memcpy(c->refs, r->cur->refs, r->cur->cnt * sizeof(*c->refs));
		c->cnt = r->cur->cnt;
	}
	out->relo_cnt++;
	out->verdicts[oi] = worse(out->verdicts[oi], res->status);
	return 0;
}

static int resolve_all(struct run *r)
{
	const struct tg_min *m = r->m;
	size_t oi, i, total = 0;
	int err = 0;

	for (oi = 0; oi < m->obj_cnt; oi++)
		total += m->objs[oi].rec_cnt;
	r->res->relos = calloc(total + 1, sizeof(*r->res->relos));
	r->res->verdicts = calloc(m->obj_cnt + 1, sizeof(*r->res->verdicts));
	if (!r->types)
		r->res->cands = calloc(total + 1, sizeof(*r->res->cands));
	if (!r->res->relos || !r->res->verdicts ||
	    (!r->types && !r->res->cands))
		return -ENOMEM;
	r->res->obj_cnt = m->obj_cnt;
	for (oi = 0; !err && oi < m->obj_cnt; oi++) {
		const struct tg_core_obj *o = &m->objs[oi];
		const char *sec = NULL;
		__u32 index = 0;

		for (i = 0; !err && i < o->rec_cnt; i++) {
			struct tg_core_res res;

			index = o->recs[i].sec == sec ? index + 1 : 0;
			sec = o->recs[i].sec;
			err = resolve(r, oi, &o->recs[i], &res);
			err = err ?: record(r, oi, &o->recs[i], index, &res);
		}
	}
	return err;
}

int tg_min_resolve(const struct tg_min *m, const struct tg_btf *kernel,
		   struct tg_btf *const *mods, size_t mod_cnt, bool types,
		   struct tg_min_result **resp)
{
	struct run r = { .m = m, .types = types };
	int err;

	*resp = NULL;
	if (!m)
		return -EINVAL;
	r.res = calloc(1, sizeof(*r.res));
	if (!r.res)
		return -ENOMEM;
	err = init_target(&r, kernel, mods, mod_cnt);
	err = err ?: init_marks(&r);
	err = err ?: collect_names(&r);
	err = err ?: index_target(&r);
	err = err ?: resolve_all(&r);
	err = err ?: (types ? emit(&r, &r.res->btf) : 0);
	if (err)
		tg_min_result__free(r.res);
	else
		*resp = r.res;
	free_run(&r);
	return err;
}

int tg_min__run(const struct tg_min *m, const struct tg_btf *kernel,
		struct tg_btf *const *mods, size_t mod_cnt,
		struct tg_min_result **resp)
{
	return tg_min_resolve(m, kernel, mods, mod_cnt, true, resp);
}

const struct tg_core_cands *tg_min_result_cands(const struct tg_min_result *res,
					       size_t idx)
{
	return res->cands && idx < res->relo_cnt ? &res->cands[idx] : NULL;
}

const struct tg_core_obj *tg_min_object(const struct tg_min *m, size_t idx)
{
	return idx < m->obj_cnt ? &m->objs[idx] : NULL;
}

const struct btf *tg_min_result__btf(const struct tg_min_result *res)
{
	return res->btf;
}

int tg_min_result__write(const struct tg_min_result *res, FILE *out)
{
	const void *data;
	__u32 size;

	data = btf__raw_data(res->btf, &size);
	if (!data)
		return -ENOMEM;
	if (fwrite(data, 1, size, out) != size)
		return -EIO;
	return 0;
}

size_t tg_min_result__relo_cnt(const struct tg_min_result *res)
{
	return res->relo_cnt;
}

const struct tg_min_relo *
tg_min_result__relo(const struct tg_min_result *res, size_t idx)
{
	return idx < res->relo_cnt ? &res->relos[idx] : NULL;
}

enum tg_min_verdict tg_min_result__verdict(const struct tg_min_result *res,
					   size_t obj)
{
	return obj < res->obj_cnt ? res->verdicts[obj] : TG_MIN_FAILS;
}

void tg_min_result__free(struct tg_min_result *res)
{
	size_t i;

	if (!res)
		return;
	for (i = 0; i < res->relo_cnt; i++) {
		free((char *)res->relos[i].spec);
		if (res->cands)
			free(res->cands[i].refs);
	}
	free(res->cands);
	free(res->relos);
	free(res->verdicts);
	btf__free(res->btf);
	free(res);
}
