// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The C header emitter: declaration order and the text itself.
 *
 * tg_c_dumper__new() plans everything (names, layouts, the sequence of
 * top-level declarations), so that broken input is reported before a byte
 * is written; tg_c_dumper__dump() only prints the plan.
 *
 * Order: the top-level declarations are sorted (kind rank, then name) and
 * each is preceded by what it depends on. A use by value (a member, an
 * array element) needs the full definition first; a use through a pointer
 * only needs "struct foo;". Anonymous types are written inline where they
 * are used; an anonymous enum used in more than one place is written once
 * on its own and its users get an integer of the same size, since writing
 * it twice would define its enumerators twice.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "emit_c.h"

enum {
	DECL_DECLARED = 1,	/* "struct foo;" is out */
	DECL_BUSY = 2,		/* its dependencies are being planned */
	DECL_DONE = 4,		/* its definition is planned */
};

enum rank {
	RANK_ANON_ENUM,
	RANK_ENUM,
	RANK_COMPOSITE,
	RANK_OTHER,
};

/* ------------------------------------------------------------------------
 * Output buffer: the header is megabytes of small pieces, printed into
 * memory a chunk at a time (see tg_c_dumper__dump()).
 */

struct out {
	char *buf;
	size_t len, cap;
	int err;
	int depth;	/* nesting of print_decl(), against hostile chains */
	char last;	/* last character written, for spacing decisions */
};

static bool out_grow(struct out *o, size_t need)
{
	size_t cap = o->cap ? o->cap : 4096;
	char *b;

	while (cap < need)
		cap *= 2;
	b = realloc(o->buf, cap);
	if (!b) {
		o->err = -ENOMEM;
		return false;
	}
	o->buf = b;
	o->cap = cap;
	return true;
}

/*
 * Copy @n bytes, most often a short name or keyword: a call to memcpy()
 * per token cost more than the copy. Overlapping moves of 8 or 4 bytes
 * touch nothing outside [@src, @src + @n).
 */
static inline void copy_small(char *dst, const char *src, size_t n)
{
	__u64 a, b;
	__u32 c, e;

	if (n > 16) {
		memcpy(dst, src, n);
	} else if (n >= 8) {
		memcpy(&a, src, 8);
		memcpy(&b, src + n - 8, 8);
		memcpy(dst, &a, 8);
		memcpy(dst + n - 8, &b, 8);
	} else if (n >= 4) {
		memcpy(&c, src, 4);
		memcpy(&e, src + n - 4, 4);
		memcpy(dst, &c, 4);
		memcpy(dst + n - 4, &e, 4);
	} else {
		while (n--)
			*dst++ = *src++;
	}
}

static inline void out_mem(struct out *o, const char *s, size_t n)
{
	if (!n)
		return;
	if (__builtin_expect(o->len + n > o->cap, 0) &&
	    !out_grow(o, o->len + n))
		return;
	copy_small(o->buf + o->len, s, n);
	o->len += n;
	o->last = s[n - 1];
}

/* Inlined, so that strlen() of a literal is worked out when compiling. */
static inline __attribute__((always_inline)) void out_str(struct out *o,
							   const char *s)
{
	/*
	 * A name hostile BTF lacks where C needs one (the loader stops most
	 * such): the output is then no header, and says so.
	 */
	if (__builtin_expect(!s, 0)) {
		if (!o->err)
			o->err = -TG_ERRNO__BTF;
		return;
	}
	out_mem(o, s, strlen(s));
}

static void out_u64(struct out *o, __u64 v)
{
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	out_mem(o, tmp + i, sizeof(tmp) - i);
}

static void out_indent(struct out *o, int lvl)
{
	static const char tabs[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";

	while (lvl > 0) {
		int n = lvl > 16 ? 16 : lvl;

		out_mem(o, tabs, n);
		lvl -= n;
	}
}

static bool is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Write an identifier-like token, separated from a previous one. */
static inline __attribute__((always_inline)) void out_word(struct out *o,
							    const char *s)
{
	if (s && is_ident_char(o->last) && is_ident_char(*s))
		out_mem(o, " ", 1);
	out_str(o, s);
}

/* ------------------------------------------------------------------------
 * Helpers over BTF
 */

static const struct btf_type *type_of(const struct tg_c_dumper *d, __u32 id)
{
	return tg_c_type(d, id);
}

static int id_cmp(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static bool has_name(const struct tg_c_dumper *d, const struct btf_type *t)
{
	return *tg_c_name(d, t) != '\0';
}

static bool is_anon_enum(const struct tg_c_dumper *d, const struct btf_type *t)
{
	return (btf_is_enum(t) || btf_is_enum64(t)) && !has_name(d, t);
}

/* An anonymous enum written on its own rather than inline (see top). */
static bool enum_is_standalone(const struct tg_c_dumper *d, __u32 id)
{
	return d->occ[tg_c_decl(d, id)] != 1;
}

/* ------------------------------------------------------------------------
 * Planning: how often each anonymous type is written inline
 */

static int count_inline(struct tg_c_dumper *d, __u32 id);

static int count_members(struct tg_c_dumper *d, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	__u32 i;
	int err;

	for (i = 0; i < btf_vlen(t); i++)
		if ((err = count_inline(d, m[i].type)))
			return err;
	return 0;
}

static int count_inline(struct tg_c_dumper *d, __u32 id)
{
	const struct btf_type *t = type_of(d, id);
	const struct btf_param *p;
	__u32 i;
	int err = 0;

	if (!t)
		return -TG_ERRNO__BTF;
	if (++d->count_depth > TG_C_MAX_DEPTH)
		return -TG_ERRNO__CYCLE;
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (has_name(d, t))
			break;
		if (d->occ[tg_c_decl(d, id)] < 2)
			d->occ[tg_c_decl(d, id)]++;
		err = count_members(d, t);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (!has_name(d, t) && d->occ[tg_c_decl(d, id)] < 2)
			d->occ[tg_c_decl(d, id)]++;
		break;
	case BTF_KIND_PTR:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		err = count_inline(d, t->type);
		break;
	case BTF_KIND_ARRAY:
		err = count_inline(d, btf_array(t)->type);
		break;
	case BTF_KIND_FUNC_PROTO:
		err = count_inline(d, t->type);
		p = btf_params(t);
		for (i = 0; !err && i < btf_vlen(t); i++)
			err = count_inline(d, p[i].type);
		break;
	default:
		break;
	}
	d->count_depth--;
	return err;
}

static int count_all_inline(struct tg_c_dumper *d)
{
	__u32 i;
	int err = 0;

	d->occ = tg_c_zalloc(d->decl_cnt + 1, sizeof(*d->occ));
	if (!d->occ)
		return -ENOMEM;
	/* uses from named types: composites' members and typedefs */
	for (i = 0; i < d->decl_cnt && !err; i++) {
		__u32 id = d->decls[i];
		const struct btf_type *t = type_of(d, id);

		if (btf_is_composite(t) && has_name(d, t))
			err = count_members(d, t);
		else if (btf_is_typedef(t))
			err = count_inline(d, t->type);
	}
	return err;
}

/* ------------------------------------------------------------------------
 * Planning: the sequence of top-level declarations
 */

static int push_step(struct tg_c_dumper *d, __u32 id, bool fwd)
{
	if (d->step_cnt == d->step_cap) {
		__u32 cap = d->step_cap ? d->step_cap * 2 : 1024;
		struct tg_c_step *s = realloc(d->steps, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		d->steps = s;
		d->step_cap = cap;
	}
	d->steps[d->step_cnt].id = id;
	d->steps[d->step_cnt].fwd = fwd;
	d->step_cnt++;
	return 0;
}

static int plan_ref(struct tg_c_dumper *d, __u32 id, bool strong);

/*
 * With --pointee=full a pointer's target is defined too, but after the
 * definition being planned: a pointer is how C breaks type cycles, so the
 * targets wait in a queue planned like roots.
 */
static int push_pending(struct tg_c_dumper *d, __u32 id)
{
	if (!id)
		return 0;
	if (d->pending_cnt == d->pending_cap) {
		__u32 cap = d->pending_cap ? d->pending_cap * 2 : 256;
		__u32 *p = realloc(d->pending, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		d->pending = p;
		d->pending_cap = cap;
	}
	d->pending[d->pending_cnt++] = id;
	return 0;
}

/* Make "struct foo" usable through a pointer. */
static int plan_declare(struct tg_c_dumper *d, __u32 id)
{
	__u8 *st = &d->decl_state[tg_c_decl(d, id)];

	if (*st & (DECL_DECLARED | DECL_DONE))
		return 0;
	/* inside its own body the tag is already in scope */
	if ((*st & DECL_BUSY) && d->cur_def == id)
		return 0;
	*st |= DECL_DECLARED;
	return push_step(d, id, true);
}

/* Members are used by value where the body is written: full types first. */
static int plan_members(struct tg_c_dumper *d, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	__u32 i;
	int err;

	for (i = 0; i < btf_vlen(t); i++)
		if ((err = plan_ref(d, m[i].type, true)))
			return err;
	return 0;
}

static int plan_def_deps(struct tg_c_dumper *d, __u32 id)
{
	const struct btf_type *t = type_of(d, id);

	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return plan_members(d, t);
	case BTF_KIND_TYPEDEF:
		return plan_ref(d, t->type, false);
	default:
		return 0;
	}
}

/* Plan the definition of @id, after everything it needs. */
static int plan_def(struct tg_c_dumper *d, __u32 id)
{
	__u8 *st = &d->decl_state[tg_c_decl(d, id)];
	__u32 saved_cur = d->cur_def;
	int err;

	if (*st & DECL_DONE)
		return 0;
	if (*st & DECL_BUSY)
		return -TG_ERRNO__CYCLE;
	if (++d->depth > TG_C_MAX_DEPTH)
		return -TG_ERRNO__CYCLE;
	*st |= DECL_BUSY;
	d->cur_def = id;
	err = plan_def_deps(d, id);
	d->cur_def = saved_cur;
	d->depth--;
	if (err)
		return err;
	*st = (*st & ~DECL_BUSY) | DECL_DONE;
	return push_step(d, id, false);
}

static int plan_ref_kind(struct tg_c_dumper *d, __u32 id,
			 const struct btf_type *t, bool strong)
{
	const struct btf_param *p;
	__u32 i;
	int err;

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		return 0;
	case BTF_KIND_PTR:
		if (d->want && d->pointee_full &&
		    (err = push_pending(d, t->type)))
			return err;
		return plan_ref(d, t->type, false);
	case BTF_KIND_ARRAY:
		/* C has no arrays of incomplete types, even behind pointers */
		return plan_ref(d, btf_array(t)->type, true);
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return plan_ref(d, t->type, strong);
	case BTF_KIND_TYPEDEF:
		if ((err = plan_def(d, id)))
			return err;
		return strong ? plan_ref(d, t->type, true) : 0;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (has_name(d, t))
			return strong ? plan_def(d, id) : plan_declare(d, id);
		/* written inline: its members are used right here */
		return plan_members(d, t);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (!has_name(d, t) && !enum_is_standalone(d, id))
			return 0;
		return plan_def(d, id);
	case BTF_KIND_FWD:
		return plan_declare(d, tg_c_fwd_alias(d, id));
	case BTF_KIND_FUNC_PROTO:
		if ((err = plan_ref(d, t->type, false)))
			return err;
		p = btf_params(t);
		for (i = 0; i < btf_vlen(t); i++)
			if ((err = plan_ref(d, p[i].type, false)))
				return err;
		return 0;
	default:
		/* FUNC, VAR, DATASEC, DECL_TAG are not types of values */
		return -TG_ERRNO__BTF;
	}
}

static int plan_ref(struct tg_c_dumper *d, __u32 id, bool strong)
{
	const struct btf_type *t;
	int err;

	if (id == 0)
		return 0;	/* void */
	t = type_of(d, id);
	if (!t)
		return -TG_ERRNO__BTF;
	if (++d->depth > TG_C_MAX_DEPTH)
		return -TG_ERRNO__CYCLE;
	err = plan_ref_kind(d, id, t, strong);
	d->depth--;
	return err;
}

static int root_cmp(const void *pa, const void *pb)
{
	const struct tg_c_root *a = pa, *b = pb;
	int r;

	/* most roots differ in rank or their first fifteen bytes */
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	if (a->prefix2 != b->prefix2)
		return a->prefix2 < b->prefix2 ? -1 : 1;
	r = strcmp(a->key, b->key);
	if (r)
		return r;
	return a->id < b->id ? -1 : a->id > b->id;
}

static bool root_less(const struct tg_c_root *a, const struct tg_c_root *b)
{
	return root_cmp(a, b) < 0;
}

/*
 * A merge sort for roots: qsort()'s indirect calls and generic copying
 * were half of the planning of the roots. Stable, O(n log n) whatever the
 * input order; @tmp holds @n roots.
 */
static void sort_roots(struct tg_c_root *r, struct tg_c_root *tmp, size_t n)
{
	size_t i, j, k, mid = n / 2;

	if (n <= 16) {
		for (i = 1; i < n; i++) {
			struct tg_c_root x = r[i];

			for (j = i; j > 0 && root_less(&x, &r[j - 1]); j--)
				r[j] = r[j - 1];
			r[j] = x;
		}
		return;
	}
	sort_roots(r, tmp, mid);
	sort_roots(r + mid, tmp, n - mid);
	if (!root_less(&r[mid], &r[mid - 1]))
		return;		/* already in order */
	memcpy(tmp, r, mid * sizeof(*r));
	for (i = 0, j = mid, k = 0; i < mid && j < n; k++)
		r[k] = root_less(&r[j], &tmp[i]) ? r[j++] : tmp[i++];
	while (i < mid)
		r[k++] = tmp[i++];
}

/* Up to @n bytes of @key as a big-endian number, placed from bit @top. */
static __u64 key_bytes(const char *key, int n, int top)
{
	__u64 p = 0;
	int i;

	for (i = 0; i < n && key[i]; i++)
		p |= (__u64)(unsigned char)key[i] << (top - 8 * i);
	return p;
}

/* Rank in the top byte and the first 15 bytes of the key: two compares. */
static void root_prefix(struct tg_c_root *r, enum rank rank)
{
	size_t len = strlen(r->key);

	r->prefix = (__u64)rank << 56 | key_bytes(r->key, 7, 48);
	r->prefix2 = len > 7 ? key_bytes(r->key + 7, 8, 56) : 0;
}

static const char *anon_enum_key(const struct tg_c_dumper *d,
				 const struct btf_type *t)
{
	__u32 off;

	if (!btf_vlen(t))
		return "";
	off = btf_is_enum(t) ? btf_enum(t)->name_off : btf_enum64(t)->name_off;
	return tg_c_str(d, off) ?: "";
}

/* The kinds that are declared at the top level of a header. */
static bool is_decl_kind(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_FWD:
		return true;
	default:
		return false;
	}
}

/*
 * Is @id written at the top level in its own right? Anonymous enums are
 * all candidates here: whether one is written inline instead is known
 * only once inline uses are counted (plan_steps() skips those).
 */
static bool root_of(const struct tg_c_dumper *d, __u32 id, struct tg_c_root *r)
{
	const struct btf_type *t = type_of(d, id);
	bool named, is_root;
	enum rank rank;

	/* most types are pointers, functions and prototypes: no roots */
	if (!is_decl_kind(t))
		return false;
	named = has_name(d, t);
	r->id = id;
	r->key = tg_c_name_of(d, id) ?: "";
	switch (btf_kind(t)) {
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		rank = named ? RANK_ENUM : RANK_ANON_ENUM;
		if (!named)
			r->key = anon_enum_key(d, t);
		is_root = true;
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		rank = RANK_COMPOSITE;
		is_root = named;
		break;
	case BTF_KIND_TYPEDEF:
		rank = RANK_OTHER;
		is_root = true;
		break;
	case BTF_KIND_FWD:
		/* only a forward nothing else gives a definition of */
		rank = RANK_OTHER;
		is_root = named && tg_c_fwd_alias(d, id) == id;
		break;
	default:
		return false;
	}
	if (is_root)
		root_prefix(r, rank);
	return is_root;
}

/* The roots, sorted by kind rank and name unless unsorted output is asked. */
static int collect_roots(struct tg_c_dumper *d)
{
	struct tg_c_root *tmp;
	__u32 i;

	/* one more than needed: root_of() fills a slot even for non-roots */
	d->roots = malloc((d->decl_cnt + 1) * sizeof(*d->roots));
	if (!d->roots)
		return -ENOMEM;
	for (i = 0; i < d->decl_cnt; i++)
		d->root_cnt += root_of(d, d->decls[i], &d->roots[d->root_cnt]);
	if (d->sorted && d->root_cnt > 1) {
		tmp = malloc(d->root_cnt / 2 * sizeof(*tmp) + sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		sort_roots(d->roots, tmp, d->root_cnt);
		free(tmp);
	}
	return 0;
}

/* A root, as the selection (if any) asks for it. */
static int plan_root(struct tg_c_dumper *d, __u32 id)
{
	const struct btf_type *t = type_of(d, id);
	__u8 want = d->want ? d->want[tg_c_decl(d, id)] : TG_C_WANT_DEF;

	if (!want)
		return 0;
	d->cur_def = 0;
	if (btf_is_fwd(t))
		return plan_declare(d, id);
	if (is_anon_enum(d, t) && !enum_is_standalone(d, id))
		return 0;	/* written inline where it is used */
	if (want == TG_C_WANT_DECLARE && btf_is_composite(t))
		return plan_declare(d, id);
	return plan_def(d, id);
}

/* What the selected kfuncs' prototypes use, and the queued pointees. */
static int plan_selected_rest(struct tg_c_dumper *d)
{
	__u32 i;
	int err;

	for (i = 0; i < d->kfunc_cnt; i++) {
		if (!d->kfunc_want[i])
			continue;
		d->cur_def = 0;
		if ((err = plan_ref(d, type_of(d, d->kfuncs[i])->type, false)))
			return err;
	}
	/* the queue grows while it is drained */
	for (i = 0; i < d->pending_cnt; i++) {
		d->cur_def = 0;
		if ((err = plan_ref(d, d->pending[i], true)))
			return err;
	}
	d->pending_cnt = 0;
	return 0;
}

/*
 * The sequence of declarations: every root in order (or the selected
 * ones), each after what it needs. Planned again when the selection
 * changes; the sorted roots are kept for that.
 */
int tg_c_plan_steps(struct tg_c_dumper *d)
{
	__u32 i;
	int err = 0;

	if (!d->decl_state)
		d->decl_state = tg_c_zalloc(d->decl_cnt + 1, 1);
	else
		memset(d->decl_state, 0, d->decl_cnt + 1);
	if (!d->decl_state)
		return -ENOMEM;
	d->step_cnt = 0;
	d->pending_cnt = 0;
	for (i = 0; i < d->root_cnt && !err; i++) {
		/* the roots are in name order: their types are all over */
		if (i + 8 < d->root_cnt)
			__builtin_prefetch(type_of(d, d->roots[i + 8].id));
		err = plan_root(d, d->roots[i].id);
	}
	if (!err && d->want)
		err = plan_selected_rest(d);
	d->planned = !err;
	return err;
}

/* ------------------------------------------------------------------------
 * Printing
 */

static int print_decl(struct tg_c_dumper *d, struct out *o, __u32 id,
		      const char *name, int lvl);

/* Enumerator @i, sign-extended to 64 bits when the enum is signed. */
static __u64 enum_value(const struct btf_type *t, __u32 i)
{
	if (btf_is_enum64(t))
		return btf_enum64_value(btf_enum64(t) + i);
	if (btf_kflag(t))
		return (__u64)(__s64)(__s32)btf_enum(t)[i].val;
	return (__u32)btf_enum(t)[i].val;
}

static void print_enum_value(struct out *o, const struct btf_type *t, __u32 i)
{
	bool is_signed = btf_kflag(t);
	__u64 v = enum_value(t, i);

	if (is_signed && (__s64)v < 0) {
		if ((__s64)v == INT64_MIN) {
			out_str(o, "(-9223372036854775807LL - 1)");
			return;
		}
		out_mem(o, "-", 1);
		out_u64(o, -(__s64)v);
		if ((__s64)v < INT32_MIN)
			out_str(o, "LL");
		return;
	}
	out_u64(o, v);
	if (v > UINT32_MAX)
		out_str(o, "ULL");
}

/* The size clang gives a plain enum with these values, and a packed one. */
static void enum_natural_sizes(const struct btf_type *t, __u32 *plain,
			       __u32 *packed)
{
	bool is_signed = btf_kflag(t), neg = false;
	__s64 min = 0, max = 0;
	__u64 umax = 0;
	__u32 i;

	for (i = 0; i < btf_vlen(t); i++) {
		__u64 v = enum_value(t, i);

		if (is_signed && (__s64)v < 0) {
			neg = true;
			if ((__s64)v < min)
				min = v;
		} else {
			if (v > umax)
				umax = v;
			if ((__s64)v > max)
				max = v;
		}
	}
	if (neg) {
		*plain = (min >= INT32_MIN && max <= INT32_MAX) ? 4 : 8;
		*packed = (min >= INT8_MIN && max <= INT8_MAX) ? 1 :
			  (min >= INT16_MIN && max <= INT16_MAX) ? 2 : *plain;
	} else {
		*plain = umax <= UINT32_MAX ? 4 : 8;
		*packed = umax <= UINT8_MAX ? 1 : umax <= UINT16_MAX ? 2 :
			  *plain;
	}
}

static const char *enum_mode(__u32 size)
{
	switch (size) {
	case 1:
		return "QI";
	case 2:
		return "HI";
	case 4:
		return "SI";
	default:
		return "DI";
	}
}

static void print_enum(struct tg_c_dumper *d, struct out *o, __u32 id, int lvl)
{
	const struct btf_type *t = type_of(d, id);
	__u32 i, n = btf_vlen(t), plain, packed;
	const struct tg_c_enum_dup *dup = tg_c_enum_dups(d, id);
	/* No dups, no array: NULL + 0 is undefined behaviour in C. */
	const struct tg_c_enum_dup *dup_end =
		dup ? d->enum_dups + d->enum_dup_cnt : NULL;
	bool moded;

	enum_natural_sizes(t, &plain, &packed);
	/*
	 * A forward declaration has size 0 to clang unless mode() gives it
	 * one; BTF gives it one (libbpf's btf__add_fwd() gives enums 4).
	 */
	moded = n ? t->size != plain && t->size != packed : t->size != 0;
	out_str(o, "enum");
	if (moded) {
		/* the only way to give an enum a size its values don't ask for */
		out_str(o, " __attribute__((mode(");
		out_str(o, enum_mode(t->size));
		out_str(o, ")))");
		if (tg_c_name_of(d, id))
			out_mem(o, " ", 1);
	}
	if (tg_c_name_of(d, id))
		out_word(o, tg_c_name_of(d, id));
	if (!n) {
		/* an enum BTF knows only by name: a forward declaration */
		return;
	}
	out_str(o, " {\n");
	for (i = 0; i < n; i++) {
		__u32 off = btf_is_enum(t) ? btf_enum(t)[i].name_off :
					     btf_enum64(t)[i].name_off;
		const char *name = tg_c_str(d, off);

		out_indent(o, lvl + 1);
		out_str(o, name ? name : "");
		if (dup && dup < dup_end && dup->id == id && dup->idx == i) {
			out_str(o, "___");
			out_u64(o, dup->dup);
			dup++;
		}
		out_str(o, " = ");
		print_enum_value(o, t, i);
		out_str(o, ",\n");
	}
	out_indent(o, lvl);
	out_str(o, "}");
	if (t->size != plain && t->size == packed)
		out_str(o, " __attribute__((packed))");
}

/*
 * The widest unnamed bitfield padding of a struct or union laid out as @l
 * may use, in bits: no wider than the target's long; and where padding
 * counts for alignment (arm), no more aligned than the type already is.
 */
static __u32 pad_unit_bits(const struct tg_c_dumper *d,
			   const struct tg_c_layout *l)
{
	__u32 unit = d->ptr_size;

	if (d->pad_aligns && !l->packed && l->align < unit)
		unit = l->align;
	return unit * 8;
}

/* The integer type of @bits bits the target has, or NULL. */
static const char *pad_type(const struct tg_c_dumper *d, __u32 bits)
{
	switch (bits) {
	case 8:
		return "char";
	case 16:
		return "short";
	case 32:
		return "int";
	case 64:
		return d->ptr_size < 8 ? "long long" : "long";
	case 128:
		return d->ptr_size < 8 ? NULL : "__int128";
	default:
		return NULL;
	}
}

/* Unnamed bitfields from bit @cur to bit @target of a struct. */
static void print_padding(const struct tg_c_dumper *d, struct out *o,
			  __u64 cur, __u64 target, __u32 unit, int lvl)
{
	while (cur < target) {
		__u64 w = 0;
		__u32 bits;

		if (cur % 8 || target - cur < 8) {
			w = 8 - cur % 8;
			if (w > target - cur)
				w = target - cur;
			bits = 8;
		} else {
			for (bits = unit; bits > 8; bits /= 2)
				if (cur % bits == 0 && cur + bits <= target)
					break;
			w = bits;
		}
		out_indent(o, lvl);
		out_str(o, pad_type(d, bits));
		out_str(o, ": ");
		out_u64(o, w);
		out_str(o, ";\n");
		cur += w;
	}
}

/*
 * A union's padding: one unnamed bitfield as wide as the union, or, past
 * the widest bitfield the target allows, an anonymous struct of them. That
 * struct is a member clang records in BTF, but without it the size cannot
 * be right.
 */
static void print_union_padding(const struct tg_c_dumper *d, struct out *o,
				const struct tg_c_layout *l, __u64 bits,
				int lvl)
{
	__u32 unit = pad_unit_bits(d, l), w = 8;

	/* where padding does not count for alignment, the widest type will do */
	if (!d->pad_aligns)
		unit = pad_type(d, 128) ? 128 : 64;
	if (bits > unit) {
		out_indent(o, lvl);
		out_str(o, "struct {\n");
		print_padding(d, o, 0, bits, pad_unit_bits(d, l), lvl + 1);
		out_indent(o, lvl);
		out_str(o, "};\n");
		return;
	}
	while (w < bits)
		w *= 2;
	out_indent(o, lvl);
	out_str(o, pad_type(d, w));
	out_str(o, ": ");
	out_u64(o, bits);
	out_str(o, ";\n");
}

static void print_type_attrs(struct out *o, const struct tg_c_layout *l)
{
	if (!l->packed && !l->align_attr)
		return;
	out_str(o, " __attribute__((");
	if (l->packed)
		out_str(o, "packed");
	if (l->align_attr) {
		out_str(o, l->packed ? ", aligned(" : "aligned(");
		out_u64(o, l->align_attr);
		out_str(o, ")");
	}
	out_str(o, "))");
}

/* Bit offset and bitfield width as the layout planner saw them. */
static void member_pos(const struct tg_c_dumper *d, const struct btf_type *t,
		       const struct tg_c_layout *l, __u32 i, __u64 *off,
		       __u32 *bits)
{
	const struct btf_member *m = btf_members(t) + i;
	const struct btf_type *mt;

	*off = btf_member_bit_offset(t, i);
	*bits = btf_member_bitfield_size(t, i);
	if (btf_kflag(t) || !l->int_bits)
		return;
	mt = type_of(d, tg_c_skip_mods_typedefs(d, m->type));
	if (mt && btf_is_int(mt) &&
	    (btf_int_bits(mt) != mt->size * 8 || btf_int_offset(mt))) {
		*bits = btf_int_bits(mt);
		*off += btf_int_offset(mt);
	}
}

/*
 * Start loading the names and types of @t's members: they lie scattered
 * over megabytes of BTF, all are needed in a moment, and waiting for each
 * in turn was most of the time spent printing them.
 */
static void prefetch_members(const struct tg_c_dumper *d,
			     const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	__u32 i, n = btf_vlen(t);

	for (i = 0; i < n; i++) {
		if (m[i].name_off < d->strs_len)
			__builtin_prefetch(d->strs + m[i].name_off);
		if (m[i].type < d->nr_types)
			__builtin_prefetch(d->types[m[i].type]);
	}
}

static int print_composite(struct tg_c_dumper *d, struct out *o, __u32 id,
			   int lvl)
{
	const struct btf_type *t = type_of(d, id);
	const struct tg_c_layout *l = tg_c_layout(d, id);
	const struct btf_member *m = btf_members(t);
	bool is_union = btf_is_union(t);
	__u32 i;
	int err;

	if (!l)
		return -TG_ERRNO__BTF;
	prefetch_members(d, t);
	out_str(o, is_union ? "union" : "struct");
	if (tg_c_name_of(d, id))
		out_word(o, tg_c_name_of(d, id));
	out_str(o, " {");
	if (btf_vlen(t) || l->tail_pad_bits)
		out_str(o, "\n");
	for (i = 0; i < btf_vlen(t); i++) {
		const struct tg_c_member_layout *ml =
			l->members ? &l->members[i] : NULL;
		const char *name = tg_c_str(d, m[i].name_off);
		__u64 off;
		__u32 bits;

		member_pos(d, t, l, i, &off, &bits);
		if (ml && ml->pad_bits)
			print_padding(d, o, off - ml->pad_bits, off,
				      pad_unit_bits(d, l), lvl + 1);
		out_indent(o, lvl + 1);
		err = print_decl(d, o, m[i].type, name ? name : "", lvl + 1);
		if (err)
			return err;
		if (bits) {
			out_str(o, ": ");
			out_u64(o, bits);
		}
		if (ml && ml->align_attr) {
			out_str(o, " __attribute__((aligned(");
			out_u64(o, ml->align_attr);
			out_str(o, ")))");
		}
		out_str(o, ";\n");
	}
	if (l->tail_pad_bits) {
		__u64 size_bits = (__u64)t->size * 8;

		/* padding always runs to the end of the type */
		if (is_union)
			print_union_padding(d, o, l, size_bits, lvl + 1);
		else
			print_padding(d, o, size_bits - l->tail_pad_bits,
				      size_bits, pad_unit_bits(d, l), lvl + 1);
	}
	if (btf_vlen(t) || l->tail_pad_bits)
		out_indent(o, lvl);
	out_str(o, "}");
	print_type_attrs(o, l);
	return 0;
}

/* Integer of the same size as an enum we cannot write inline again. */
static const char *enum_int_name(const struct tg_c_dumper *d,
				 const struct btf_type *t)
{
	bool s = btf_kflag(t);

	switch (t->size) {
	case 1:
		return s ? "signed char" : "unsigned char";
	case 2:
		return s ? "short" : "unsigned short";
	case 8:
		if (d->ptr_size < 8)
			return s ? "long long" : "unsigned long long";
		return s ? "long" : "unsigned long";
	default:
		return s ? "int" : "unsigned int";
	}
}

/*
 * BPF has float and double only: clang rejects _Float16, and its long
 * double is 8 bytes. Other sizes are written as integers of their size, so
 * that layouts stay exact; BPF programs cannot do float arithmetic anyway.
 */
static const char *float_name(const struct tg_c_dumper *d,
			      const struct btf_type *t)
{
	switch (t->size) {
	case 2:
		return "unsigned short";
	case 4:
		return "float";
	case 8:
		return "double";
	case 16:
		/* 32-bit machines have no __int128; ppc's and riscv32's long double is 16 bytes */
		return d->ptr_size < 8 ? "long double" : "unsigned __int128";
	default:
		return "long double";	/* no BPF type has this size */
	}
}

/* The type a declarator is built on: "int", "struct foo", an inline body. */
static int print_base(struct tg_c_dumper *d, struct out *o, __u32 id, int lvl)
{
	const struct btf_type *t;
	const char *name;
	int err;

	if (id == 0) {
		out_word(o, "void");
		return 0;
	}
	t = type_of(d, id);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		err = tg_c_int_name(d, t, tg_c_name(d, t), &name);
		if (err)
			return err;
		out_word(o, name);
		return 0;
	case BTF_KIND_FLOAT:
		out_word(o, float_name(d, t));
		return 0;
	case BTF_KIND_TYPEDEF:
		out_word(o, tg_c_name_of(d, id));
		return 0;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (tg_c_name_of(d, id)) {
			out_word(o, btf_is_union(t) ? "union" : "struct");
			out_word(o, tg_c_name_of(d, id));
			return 0;
		}
		return print_composite(d, o, id, lvl);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (tg_c_name_of(d, id)) {
			out_word(o, "enum");
			out_word(o, tg_c_name_of(d, id));
			return 0;
		}
		if (enum_is_standalone(d, id)) {
			out_word(o, enum_int_name(d, t));
			return 0;
		}
		print_enum(d, o, id, lvl);
		return 0;
	case BTF_KIND_FWD:
		id = tg_c_fwd_alias(d, id);
		t = type_of(d, id);
		out_word(o, btf_is_union(t) ||
			    (btf_is_fwd(t) && btf_kflag(t)) ? "union" : "struct");
		out_word(o, tg_c_name_of(d, id));
		return 0;
	default:
		return -TG_ERRNO__BTF;
	}
}

static bool is_qualifier(const struct btf_type *t)
{
	return btf_is_const(t) || btf_is_volatile(t) || btf_is_restrict(t);
}

static const char *qualifier_word(const struct btf_type *t)
{
	return btf_is_const(t) ? "const" :
	       btf_is_volatile(t) ? "volatile" : "restrict";
}

static __u32 chain_next(const struct btf_type *t)
{
	return btf_is_array(t) ? btf_array(t)->type : t->type;
}

static bool is_declarator_kind(const struct btf_type *t)
{
	return btf_is_ptr(t) || btf_is_array(t) || btf_is_func_proto(t) ||
	       is_qualifier(t) || btf_is_type_tag(t);
}

/* Append to a declarator chain; "const const" says nothing more than one. */
static void push_link(struct tg_c_dumper *d, __u32 *chain, int *n, __u32 id)
{
	const struct btf_type *t = type_of(d, id);

	if (*n && is_qualifier(t) &&
	    btf_kind(type_of(d, chain[*n - 1])) == btf_kind(t))
		return;
	chain[(*n)++] = id;
}

/* The first link below @id that is no qualifier or type tag (0: none). */
static __u32 skip_quals(struct tg_c_dumper *d, __u32 id)
{
	const struct btf_type *t;
	int depth = 0;

	while ((t = type_of(d, id)) && (is_qualifier(t) || btf_is_type_tag(t)) &&
	       depth++ < TG_C_MAX_DEPTH)
		id = t->type;
	return id;
}

/*
 * The chain from a declared name to its base type, outermost first:
 * "int *(*fp[4])(void)" is ARRAY, PTR, FUNC_PROTO, PTR on base int.
 * C has no qualified arrays: a qualifier on an array qualifies its
 * elements, so it is moved past the arrays below it. Nor has it qualified
 * functions: gcc writes a noreturn function pointer as a pointer to a
 * volatile function, which is dropped (kept, it would turn the pointer
 * into a function returning a volatile pointer).
 */
static int collect_chain(struct tg_c_dumper *d, __u32 id, __u32 *chain,
			 int *cnt, __u32 *base)
{
	__u32 pending[TG_C_MAX_DEPTH];
	int n = 0, np = 0;

	while (id) {
		const struct btf_type *t = type_of(d, id);

		if (!t)
			return -TG_ERRNO__BTF;
		if (!is_declarator_kind(t))
			break;
		if (n + np >= TG_C_MAX_DEPTH)
			return -TG_ERRNO__CYCLE;
		if (is_qualifier(t)) {
			const struct btf_type *nt = type_of(d, t->type);
			const struct btf_type *ft = type_of(d, skip_quals(d, t->type));

			if (ft && btf_is_func_proto(ft)) {
				id = t->type;
				continue;
			}
			if (nt && btf_is_array(nt)) {
				pending[np++] = id;
				id = t->type;
				continue;
			}
		}
		/* held qualifiers apply to the first non-array below them */
		if (!btf_is_array(t))
			while (np)
				push_link(d, chain, &n, pending[--np]);
		push_link(d, chain, &n, id);
		id = chain_next(t);
	}
	while (np)
		push_link(d, chain, &n, pending[--np]);
	*cnt = n;
	*base = id;
	return 0;
}

static void print_type_tag(struct tg_c_dumper *d, struct out *o,
			   const struct btf_type *t)
{
	/* a tag with kflag set is a plain attribute, not btf_type_tag */
	out_word(o, "__attribute__((");
	if (btf_kflag(t)) {
		out_str(o, tg_c_name(d, t));
	} else {
		out_str(o, "btf_type_tag(\"");
		out_str(o, tg_c_name(d, t));
		out_str(o, "\")");
	}
	out_str(o, ")) ");
}

/* Names only hand-made BTF gives a parameter; C cannot use them. */
static bool is_c_keyword(const char *name)
{
	static const char *const keywords[] = {
		"_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex",
		"_Generic", "_Imaginary", "_Noreturn", "_Static_assert",
		"_Thread_local", "__int128", "asm", "auto", "break", "case",
		"char", "const", "continue", "default", "do", "double", "else",
		"enum", "extern", "float", "for", "goto", "if", "inline", "int",
		"long", "register", "restrict", "return", "short", "signed",
		"sizeof", "static", "struct", "switch", "typedef", "typeof",
		"union", "unsigned", "void", "volatile", "while",
	};
	size_t lo = 0, hi = sizeof(keywords) / sizeof(*keywords);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		/* the first letter settles most steps without a call */
		int r = (unsigned char)keywords[mid][0] - (unsigned char)name[0];

		if (!r)
			r = strcmp(keywords[mid], name);

		if (!r)
			return true;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int print_params(struct tg_c_dumper *d, struct out *o,
			const struct btf_type *t, int lvl)
{
	const struct btf_param *p = btf_params(t);
	__u32 i, n = btf_vlen(t);
	int err;

	out_mem(o, "(", 1);
	if (!n)
		out_str(o, "void");
	for (i = 0; i < n; i++) {
		const char *pname = tg_c_str(d, p[i].name_off);

		if (i)
			out_str(o, ", ");
		if (i == n - 1 && p[i].type == 0) {
			out_str(o, "...");
			break;
		}
		/* a parameter named like a typedef would hide it */
		if (!pname || tg_c_is_ident_name(d, pname) || is_c_keyword(pname))
			pname = "";
		err = print_decl(d, o, p[i].type, pname, lvl);
		if (err)
			return err;
	}
	out_mem(o, ")", 1);
	return 0;
}

/*
 * Does the pointer at @i need "(*...)": does it point to an array or a
 * function, through any qualifiers and type tags?
 */
static bool needs_parens(struct tg_c_dumper *d, const __u32 *chain, int i,
			 int cnt)
{
	const struct btf_type *inner;

	while (++i < cnt) {
		inner = type_of(d, chain[i]);
		if (!is_qualifier(inner) && !btf_is_type_tag(inner))
			return btf_is_array(inner) || btf_is_func_proto(inner);
	}
	return false;
}

/* Write "type name" for a value of type @id called @name (may be ""). */
static int print_decl(struct tg_c_dumper *d, struct out *o, __u32 id,
		      const char *name, int lvl)
{
	const struct btf_type *top = type_of(d, id);
	__u32 chain[TG_C_MAX_DEPTH * 2], base;
	int cnt, i, err;

	if (++o->depth > TG_C_MAX_DEPTH)
		return -TG_ERRNO__CYCLE;
	/* most members: a type and a name, with no declarator around them */
	if (top && !is_declarator_kind(top)) {
		err = print_base(d, o, id, lvl);
		if (!err && *name) {
			out_mem(o, " ", 1);
			out_word(o, name);
		}
		goto out;
	}
	err = collect_chain(d, id, chain, &cnt, &base);
	if (err)
		goto out;

	/* qualifiers right above the base read better in front of it */
	while (cnt && is_qualifier(type_of(d, chain[cnt - 1]))) {
		out_word(o, qualifier_word(type_of(d, chain[cnt - 1])));
		out_mem(o, " ", 1);
		cnt--;
	}
	err = print_base(d, o, base, lvl);
	if (err)
		goto out;
	if (cnt || *name)
		out_mem(o, " ", 1);

	for (i = cnt - 1; i >= 0; i--) {
		const struct btf_type *t = type_of(d, chain[i]);

		if (btf_is_ptr(t)) {
			if (needs_parens(d, chain, i, cnt))
				out_mem(o, "(", 1);
			out_mem(o, "*", 1);
		} else if (is_qualifier(t)) {
			out_word(o, qualifier_word(t));
		} else if (btf_is_type_tag(t)) {
			print_type_tag(d, o, t);
		}
	}
	if (*name)
		out_word(o, name);
	for (i = 0; i < cnt; i++) {
		const struct btf_type *t = type_of(d, chain[i]);

		if (btf_is_ptr(t) && needs_parens(d, chain, i, cnt)) {
			out_mem(o, ")", 1);
		} else if (btf_is_array(t)) {
			out_mem(o, "[", 1);
			out_u64(o, btf_array(t)->nelems);
			out_mem(o, "]", 1);
		} else if (btf_is_func_proto(t)) {
			err = print_params(d, o, t, lvl);
			if (err)
				goto out;
		}
	}
out:
	o->depth--;
	return err;
}

static int print_step(struct tg_c_dumper *d, struct out *o,
		      const struct tg_c_step *s)
{
	const struct btf_type *t = type_of(d, s->id);
	int err = 0;

	if (s->fwd) {
		bool is_union = btf_is_union(t) ||
				(btf_is_fwd(t) && btf_kflag(t));

		out_str(o, is_union ? "union " : "struct ");
		out_str(o, tg_c_name_of(d, s->id));
		out_str(o, ";\n\n");
		return 0;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		err = print_composite(d, o, s->id, 0);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		print_enum(d, o, s->id, 0);
		break;
	case BTF_KIND_TYPEDEF:
		out_str(o, "typedef ");
		err = print_decl(d, o, t->type, tg_c_name_of(d, s->id), 0);
		break;
	default:
		return -TG_ERRNO__BTF;
	}
	out_str(o, ";\n\n");
	return err;
}

static const char preamble[] =
	"#ifndef __VMLINUX_H__\n"
	"#define __VMLINUX_H__\n"
	"\n";

/*
 * CO-RE: every struct and union relocatable. Only around records: clang
 * warns of an attribute region that applies to nothing (a selection of
 * enums and typedefs), and programs build with -Werror.
 */
static const char access_index_push[] =
	"#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
	"#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"
	"#endif\n"
	"\n";

static const char access_index_pop[] =
	"#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
	"#pragma clang attribute pop\n"
	"#endif\n"
	"\n";

/*
 * Kernel functions as bpftool 7.5+ writes them: weak, so that a program
 * still loads on kernels without one, and out of the way of programs that
 * declare their own with BPF_NO_KFUNC_PROTOTYPES.
 */
static const char kfunc_intro[] =
	"#ifndef __ksym\n"
	"#define __ksym __attribute__((section(\".ksyms\")))\n"
	"#endif\n"
	"\n"
	"#ifndef __weak\n"
	"#define __weak __attribute__((weak))\n"
	"#endif\n"
	"\n"
	"#ifndef __bpf_fastcall\n"
	"#if __has_attribute(bpf_fastcall)\n"
	"#define __bpf_fastcall __attribute__((bpf_fastcall))\n"
	"#else\n"
	"#define __bpf_fastcall\n"
	"#endif\n"
	"#endif\n"
	"\n"
	"#ifndef BPF_NO_KFUNC_PROTOTYPES\n";

static bool is_fastcall(const struct tg_c_dumper *d, __u32 id)
{
	return d->fastcall_cnt &&
	       bsearch(&id, d->fastcalls, d->fastcall_cnt,
		       sizeof(*d->fastcalls), id_cmp);
}

static bool kfunc_selected(const struct tg_c_dumper *d, __u32 i)
{
	return !d->want || d->kfunc_want[i];
}

static int print_kfuncs(struct tg_c_dumper *d, struct out *o)
{
	bool any = false;
	__u32 i;
	int err;

	for (i = 0; i < d->kfunc_cnt; i++) {
		const struct btf_type *fn = type_of(d, d->kfuncs[i]);

		if (!kfunc_selected(d, i))
			continue;
		if (!any)
			out_str(o, kfunc_intro);
		any = true;
		out_str(o, "extern ");
		err = print_decl(d, o, fn->type, tg_c_name(d, fn), 0);
		if (err)
			return err;
		out_str(o, " __weak __ksym");
		if (is_fastcall(d, d->kfuncs[i]))
			out_str(o, " __bpf_fastcall");
		out_str(o, ";\n");
	}
	if (any)
		out_str(o, "#endif\n\n");
	return o->err;
}

static const char epilogue[] =
	"#endif /* __VMLINUX_H__ */\n";

/* ------------------------------------------------------------------------
 * Public API
 */

/*
 * Planning on two cores. The second thread counts inline uses, which the
 * order depends on, then plans the layouts, which only printing needs;
 * this thread names the types and sorts the roots, then plans the order
 * once the counts are in, while the layouts are still being planned. Each
 * side writes fields of its own (its own depth counts, too), kept apart.
 */
struct plan_job {
	struct tg_c_dumper *d;
	struct tg_spawn spawn;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool counted;		/* d->occ is final, or count_err is set */
	int count_err;
	int layout_err;
};

static void *plan_side_job(void *arg)
{
	struct plan_job *job = arg;
	int err = count_all_inline(job->d);

	pthread_mutex_lock(&job->lock);
	job->count_err = err;
	job->counted = true;
	pthread_cond_signal(&job->cond);
	pthread_mutex_unlock(&job->lock);
	if (!err)
		job->layout_err = tg_c_layouts_plan(job->d);
	return NULL;
}

static int wait_counted(struct plan_job *job)
{
	int err;

	pthread_mutex_lock(&job->lock);
	while (!job->counted)
		pthread_cond_wait(&job->cond, &job->lock);
	err = job->count_err;
	pthread_mutex_unlock(&job->lock);
	return err;
}

static int plan_parallel(struct tg_c_dumper *d)
{
	struct plan_job job = { .d = d };
	int err, order_err = 0;
	bool threaded;
	pthread_t th;

	pthread_mutex_init(&job.lock, NULL);
	pthread_cond_init(&job.cond, NULL);
	threaded = tg_spawn_thread(&th, &job.spawn, plan_side_job, &job) == 0;
	if (!threaded)
		plan_side_job(&job);
	err = tg_c_names_plan(d);
	if (!err)
		err = collect_roots(d);
	if (!err)
		err = wait_counted(&job);
	if (!err)
		order_err = tg_c_plan_steps(d);
	if (threaded)
		pthread_join(th, NULL);
	pthread_cond_destroy(&job.cond);
	pthread_mutex_destroy(&job.lock);
	/* the errors the sequential plan would have met first */
	if (!err)
		err = job.layout_err;
	return err ? err : order_err;
}

/*
 * libbpf answers every string lookup with a call. The string section of
 * BTF without a base is one block; libbpf does not give its length, but
 * answers NULL exactly past its end, so a binary search finds it.
 */
static void map_strings(struct tg_c_dumper *d)
{
	__u32 lo = 0, hi = 1;

	d->strs = btf__name_by_offset(d->btf, 0);
	if (!d->strs || btf__base_btf(d->btf))
		return;
	while (btf__name_by_offset(d->btf, hi)) {
		if (hi > UINT32_MAX / 2)
			return;
		lo = hi;
		hi *= 2;
	}
	while (hi - lo > 1) {
		__u32 mid = lo + (hi - lo) / 2;

		if (btf__name_by_offset(d->btf, mid))
			lo = mid;
		else
			hi = mid;
	}
	d->strs_len = hi;
}

static int push_id(__u32 **arr, __u32 *cnt, __u32 id)
{
	__u32 *p;

	/* grows by powers of two: a handful of entries, hundreds at most */
	if (!*cnt || (*cnt >= 8 && !(*cnt & (*cnt - 1)))) {
		p = realloc(*arr, (*cnt ? *cnt * 2 : 8) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*arr = p;
	}
	(*arr)[(*cnt)++] = id;
	return 0;
}

/*
 * Kernel functions BPF programs may call carry a "bpf_kfunc" declaration
 * tag (pahole 1.25+), and those the verifier calls without clobbering
 * registers a "bpf_fastcall" one.
 */
static int note_decl_tag(struct tg_c_dumper *d, const struct btf_type *t)
{
	const struct btf_type *fn = btf__type_by_id(d->btf, t->type);
	const char *tag = tg_c_name(d, t);

	if (btf_decl_tag(t)->component_idx != -1 || !fn || !btf_is_func(fn))
		return 0;
	if (!strcmp(tag, "bpf_kfunc"))
		return push_id(&d->kfuncs, &d->kfunc_cnt, t->type);
	if (!strcmp(tag, "bpf_fastcall"))
		return push_id(&d->fastcalls, &d->fastcall_cnt, t->type);
	return 0;
}

static int kfunc_cmp(const void *a, const void *b, void *ctx)
{
	const struct tg_c_dumper *d = ctx;
	int r = strcmp(tg_c_name(d, type_of(d, *(const __u32 *)a)),
		       tg_c_name(d, type_of(d, *(const __u32 *)b)));

	if (r)
		return r;
	return *(const __u32 *)a < *(const __u32 *)b ? -1 :
	       *(const __u32 *)a > *(const __u32 *)b;
}

/* Drop repeats from sorted @ids (a function tagged twice). */
static __u32 uniq_ids(__u32 *ids, __u32 n)
{
	__u32 i, k = 0;

	for (i = 0; i < n; i++)
		if (!k || ids[k - 1] != ids[i])
			ids[k++] = ids[i];
	return k;
}

/* kfuncs by name, as bpftool writes them; fastcalls by id for lookups. */
static void sort_kfuncs(struct tg_c_dumper *d)
{
	if (d->kfunc_cnt) {
		qsort(d->kfuncs, d->kfunc_cnt, sizeof(*d->kfuncs), id_cmp);
		d->kfunc_cnt = uniq_ids(d->kfuncs, d->kfunc_cnt);
		qsort_r(d->kfuncs, d->kfunc_cnt, sizeof(*d->kfuncs),
			kfunc_cmp, d);
	}
	if (d->fastcall_cnt) {
		qsort(d->fastcalls, d->fastcall_cnt, sizeof(*d->fastcalls),
		      id_cmp);
		d->fastcall_cnt = uniq_ids(d->fastcalls, d->fastcall_cnt);
	}
}

/* The one pass over all types: every later pass walks d->decls only. */
static int index_types(struct tg_c_dumper *d)
{
	__u32 id;
	int err;

	d->types = malloc(d->nr_types * sizeof(*d->types));
	d->decls = malloc(d->nr_types * sizeof(*d->decls));
	d->decl_idx = malloc(d->nr_types * sizeof(*d->decl_idx));
	if (!d->types || !d->decls || !d->decl_idx)
		return -ENOMEM;
	d->types[0] = btf__type_by_id(d->btf, 0);
	d->decl_idx[0] = 0;
	for (id = 1; id < d->nr_types; id++) {
		const struct btf_type *t = btf__type_by_id(d->btf, id);

		d->types[id] = t;
		d->decl_idx[id] = 0;
		if (btf_is_decl_tag(t) && (err = note_decl_tag(d, t)))
			return err;
		if (!is_decl_kind(t))
			continue;
		d->decls[d->decl_cnt++] = id;
		d->decl_idx[id] = d->decl_cnt;
		d->name_bound += 1 + (btf_is_any_enum(t) ? btf_vlen(t) : 0);
	}
	return 0;
}

int tg_c_dumper__new(const struct tg_btf *btf, const struct tg_c_opts *opts,
		     struct tg_c_dumper **dp)
{
	struct tg_c_dumper *d;
	int err;

	if (!btf || !dp || !TG_OPTS_VALID(opts, tg_c_opts))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->tgb = btf;
	d->btf = btf->btf;
	d->nr_types = btf__type_cnt(d->btf);
	d->sorted = !TG_OPTS_GET(opts, unsorted, false);
	tg_c_abi_plan(d);

	d->pointee_full = TG_OPTS_GET(opts, pointee, TG_POINTEE_FWD) ==
			  TG_POINTEE_FULL;

	map_strings(d);
	err = index_types(d);
	if (!err)
		sort_kfuncs(d);
	if (!err)
		err = plan_parallel(d);
	if (err) {
		tg_c_dumper__free(d);
		return err;
	}
	*dp = d;
	return 0;
}

/* ------------------------------------------------------------------------
 * Printing on two cores
 *
 * The steps are cut into chunks of about the same amount of text. The
 * caller's thread and a second one take chunks in turn and print each into
 * memory; whoever finishes the chunk that is next in order writes it, and
 * any finished ones behind it, so the header is written while the rest is
 * still being printed and only a few chunks are held at once. Printing
 * only reads the plan; the chunk queue is under a mutex.
 */

/*
 * Enough chunks that the two threads finish close together, and few
 * enough to be written in large pieces: with 128, the writes cost 0.5 ms
 * more.
 */
#define PRINT_CHUNKS 32
/* Small headers are not worth a second thread's hand-overs. */
#define MIN_CHUNK_WEIGHT 256
/* A worker's first buffer: it grows to fit, and is kept for its next chunks. */
#define CHUNK_BUF (32 * 1024)
/* Chunks printed ahead of the writer, held in memory meanwhile. */
#define MAX_HELD 4

/* Printed text, or a spare buffer for it. */
struct text {
	char *buf;
	size_t len, cap;
};

struct print_chunk {
	__u32 from, to;		/* steps */
	struct text text;	/* printed, waiting for the chunks before it */
	bool ready;
};

struct printer {
	struct tg_c_dumper *d;
	struct tg_spawn spawn;
	FILE *f;
	struct print_chunk *chunks;
	__u32 chunk_cnt;
	pthread_mutex_t lock;
	pthread_cond_t progress;	/* next_write, held or err changed */
	/* the rest is under lock */
	__u32 next_chunk;	/* next to print */
	__u32 next_write;	/* next to write */
	__u32 held;		/* chunks handed over, not written yet */
	bool writing;		/* a thread is writing; others only hand over */
	int err;
	/*
	 * Buffers of chunks written by another thread than their printer's,
	 * for the next chunks: every fresh buffer is fresh page faults.
	 */
	struct text *spares;	/* room for one per chunk */
	__u32 spare_cnt;
};

/* Roughly how many lines a step makes. */
static __u32 step_weight(const struct tg_c_dumper *d, const struct tg_c_step *s)
{
	const struct btf_type *t = type_of(d, s->id);
	int depth;

	if (s->fwd)
		return 1;
	if (!btf_is_typedef(t))
		return btf_vlen(t) + 2;
	/* a typedef of a function (pointer) is as long as its parameters */
	t = type_of(d, t->type);
	for (depth = 0; t && depth < 4 && (btf_is_ptr(t) || is_qualifier(t));
	     depth++)
		t = type_of(d, t->type);
	return t && btf_is_func_proto(t) ? btf_vlen(t) + 2 : 2;
}

static int plan_chunks(struct printer *p)
{
	const struct tg_c_dumper *d = p->d;
	__u64 total = 0, acc = 0, per;
	__u32 i, from = 0, *w;

	/* weighing follows typedefs: once is enough */
	w = malloc(d->step_cnt * sizeof(*w) + 1);
	if (!w)
		return -ENOMEM;
	for (i = 0; i < d->step_cnt; i++) {
		w[i] = step_weight(d, &d->steps[i]);
		total += w[i];
	}
	per = total / PRINT_CHUNKS;
	if (per < MIN_CHUNK_WEIGHT)
		per = MIN_CHUNK_WEIGHT;
	/* every chunk but the last weighs at least @per */
	p->chunks = calloc(total / per + 2, sizeof(*p->chunks));
	p->spares = calloc(total / per + 2, sizeof(*p->spares));
	if (!p->chunks || !p->spares) {
		free(w);
		return -ENOMEM;
	}
	for (i = 0; i < d->step_cnt; i++) {
		acc += w[i];
		if (acc < per && i + 1 < d->step_cnt)
			continue;
		p->chunks[p->chunk_cnt].from = from;
		p->chunks[p->chunk_cnt].to = i + 1;
		p->chunk_cnt++;
		from = i + 1;
		acc = 0;
	}
	free(w);
	return 0;
}

/* Write @len bytes at @buf, with p->lock held across, not during, it. */
static void write_unlocked(struct printer *p, const char *buf, size_t len)
{
	bool ok;

	pthread_mutex_unlock(&p->lock);
	ok = fwrite(buf, 1, len, p->f) == len;
	pthread_mutex_lock(&p->lock);
	if (!ok && !p->err)
		p->err = -EIO;
}

/*
 * Write the chunks handed over in order, as long as the next one is
 * there; their buffers become spares. Only one thread writes at a time:
 * the others hand over meanwhile, and this loop picks up their chunks.
 */
static void write_ready(struct printer *p)
{
	while (!p->err && p->next_write < p->chunk_cnt &&
	       p->chunks[p->next_write].ready) {
		struct print_chunk *c = &p->chunks[p->next_write];
		struct text t = c->text;

		c->text.buf = NULL;
		write_unlocked(p, t.buf, t.len);
		p->spares[p->spare_cnt++] = t;
		p->next_write++;
		p->held--;
		pthread_cond_broadcast(&p->progress);
	}
}

/* Write chunk @k's text if it is next in order, else hand it over. */
static void hand_over(struct printer *p, __u32 k, struct out *o)
{
	struct print_chunk *c = &p->chunks[k];

	pthread_mutex_lock(&p->lock);
	/* held chunks are memory: do not run far ahead of the writer */
	while (!p->err && !o->err && k != p->next_write && p->held >= MAX_HELD)
		pthread_cond_wait(&p->progress, &p->lock);
	if (o->err) {
		if (!p->err)
			p->err = o->err;
		pthread_cond_broadcast(&p->progress);
	} else if (k == p->next_write && !p->writing) {
		/* the usual case: straight from our buffer, which we keep */
		p->writing = true;
		write_unlocked(p, o->buf, o->len);
		p->next_write++;
		pthread_cond_broadcast(&p->progress);
		write_ready(p);
		p->writing = false;
	} else if (!p->err) {
		c->text = (struct text){ o->buf, o->len, o->cap };
		c->ready = true;
		p->held++;
		o->buf = NULL;
		o->cap = 0;
		if (!p->writing) {
			p->writing = true;
			write_ready(p);
			p->writing = false;
		}
	}
	pthread_mutex_unlock(&p->lock);
}

/* The next chunk to print, and a spare buffer if @o has none. */
static __u32 claim_chunk(struct printer *p, struct out *o)
{
	__u32 k;

	pthread_mutex_lock(&p->lock);
	k = p->err ? p->chunk_cnt : p->next_chunk++;
	if (k < p->chunk_cnt && !o->buf && p->spare_cnt) {
		struct text t = p->spares[--p->spare_cnt];

		o->buf = t.buf;
		o->cap = t.cap;
	}
	pthread_mutex_unlock(&p->lock);
	return k;
}

static void *print_worker(void *arg)
{
	struct printer *p = arg;
	struct out o = { 0 };
	__u32 k, i;
	int err;

	while ((k = claim_chunk(p, &o)) < p->chunk_cnt) {
		const struct print_chunk *c = &p->chunks[k];

		o.len = 0;
		o.last = '\0';
		if (!o.buf)
			out_grow(&o, CHUNK_BUF);
		for (i = c->from; i < c->to && !o.err; i++) {
			err = print_step(p->d, &o, &p->d->steps[i]);
			if (err)
				o.err = err;
		}
		hand_over(p, k, &o);
	}
	free(o.buf);
	return NULL;
}

static int write_str(FILE *f, const char *s)
{
	return fputs(s, f) == EOF ? -EIO : 0;
}

static int write_kfuncs(struct tg_c_dumper *d, FILE *f)
{
	struct out o = {};
	int err = print_kfuncs(d, &o);

	if (!err && o.len && fwrite(o.buf, 1, o.len, f) != o.len)
		err = -EIO;
	free(o.buf);
	return err;
}

/* Does the header declare any struct or union? */
/*
 * Which machine's C ABI the layouts are those of: the header reproduces
 * them only compiled for that machine (or, for 64-bit ones, for BPF).
 */
static int write_machine(const struct tg_c_dumper *d, FILE *f)
{
	int n;

	if (d->arch != TG_ARCH_UNKNOWN)
		n = fprintf(f, "/* Machine: %s (%s-bit); sizes and offsets are its C ABI's. */\n\n",
			    tg_arch__str(d->arch), d->ptr_size == 8 ? "64" : "32");
	else
		n = fprintf(f, "/* Machine: unknown (%s-bit, natural alignment); typegen dump --arch names it. */\n\n",
			    d->ptr_size == 8 ? "64" : "32");
	return n < 0 ? -EIO : 0;
}

static bool has_records(const struct tg_c_dumper *d)
{
	__u32 i;

	for (i = 0; i < d->step_cnt; i++) {
		const struct btf_type *t = type_of(d, d->steps[i].id);

		if (btf_is_composite(t) || btf_is_fwd(t))
			return true;
	}
	return false;
}

int tg_c_dumper__dump(struct tg_c_dumper *d, FILE *f)
{
	struct printer p = { .d = d, .f = f };
	bool threaded, records;
	pthread_t th;
	__u32 i;
	int err;

	if (!d || !f)
		return -EINVAL;
	if (!d->planned && (err = tg_c_plan_steps(d)))
		return err;
	err = plan_chunks(&p);
	if (err)
		goto out;
	records = has_records(d);
	err = write_str(f, "/* Generated by typegen; do not edit. */\n");
	if (!err)
		err = write_machine(d, f);
	if (!err)
		err = write_str(f, preamble);
	if (!err && records)
		err = write_str(f, access_index_push);
	if (err)
		goto out;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.progress, NULL);
	threaded = p.chunk_cnt > 1 &&
		   !tg_spawn_thread(&th, &p.spawn, print_worker, &p);
	print_worker(&p);
	if (threaded)
		pthread_join(th, NULL);
	pthread_cond_destroy(&p.progress);
	pthread_mutex_destroy(&p.lock);
	err = p.err;
	if (!err && records)
		err = write_str(f, access_index_pop);
	if (!err)
		err = write_kfuncs(d, f);
	if (!err)
		err = write_str(f, epilogue);
	if (!err && fflush(f))
		err = -errno;
out:
	for (i = 0; p.chunks && i < p.chunk_cnt; i++)
		free(p.chunks[i].text.buf);
	for (i = 0; i < p.spare_cnt; i++)
		free(p.spares[i].buf);
	free(p.chunks);
	free(p.spares);
	return err;
}

int tg_c_dumper__decl(struct tg_c_dumper *d, __u32 id, const char *name,
		      char **text)
{
	struct out o = {};
	int err;

	if (!d || !text || id >= d->nr_types)
		return -EINVAL;
	err = print_decl(d, &o, id, name ? name : "", 0);
	if (!err)
		err = o.err;
	if (!err && out_grow(&o, o.len + 1)) {
		o.buf[o.len] = '\0';
		*text = o.buf;
		return 0;
	}
	free(o.buf);
	return err ? err : -ENOMEM;
}

const char *tg_c_dumper__name(const struct tg_c_dumper *d, __u32 id)
{
	if (!d || id >= d->nr_types)
		return NULL;
	if (btf_is_fwd(type_of(d, id)))
		id = tg_c_fwd_alias(d, id);
	return tg_c_name_of(d, id);
}

void tg_c_dumper__free(struct tg_c_dumper *d)
{
	if (!d)
		return;
	tg_c_names_free(d);
	tg_c_layouts_free(d);
	free(d->types);
	free(d->decls);
	free(d->decl_idx);
	free(d->roots);
	free(d->occ);
	free(d->decl_state);
	free(d->steps);
	free(d->pending);
	free(d->kfuncs);
	free(d->fastcalls);
	tg_c_select_free(d);
	free(d);
}
