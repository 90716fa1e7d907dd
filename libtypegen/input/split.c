// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Split BTF: a kernel module's types, whose ids and string offsets
 * continue the kernel's (the base). Checking that a split BTF fits the base
 * it was opened on, and merging modules: all of them with the base, or
 * only what they add, as new standalone BTF that the C emitter takes like
 * any other.
 */
#include <errno.h>
#include <stdlib.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "input/input.h"

/* ---- merging ------------------------------------------------------------- */

/* libbpf's "int id or -errno" as this library's error. */
static int libbpf_error(int ret)
{
	return ret == -ENOMEM ? -ENOMEM : -TG_ERRNO__BTF;
}

/* A type added by btf__add_type() is the new BTF's to change. */
static struct btf_type *type_mut(struct btf *btf, __u32 id)
{
	return (struct btf_type *)btf__type_by_id(btf, id);
}

struct shift_ctx {
	__u32 base_cnt;
	__u32 shift;
};

static int shift_id(__u32 *id, void *arg)
{
	const struct shift_ctx *c = arg;

	if (*id >= c->base_cnt)
		*id += c->shift;
	return 0;
}

/*
 * Append the split types of @src to @dst, ids of split types moved by
 * @shift (the split types @dst has already), ids of base types kept.
 */
static int append_split(struct btf *dst, const struct btf *src,
			__u32 base_cnt, __u32 shift)
{
	struct shift_ctx c = { .base_cnt = base_cnt, .shift = shift };
	__u32 id, cnt = btf__type_cnt(src);
	int new_id;

	for (id = base_cnt; id < cnt; id++) {
		new_id = btf__add_type(dst, src, btf__type_by_id(src, id));
		if (new_id < 0)
			return libbpf_error(new_id);
		if (shift)
			tg_type_visit_ids(type_mut(dst, new_id), shift_id, &c);
	}
	return 0;
}

/* The base with the split types after it: the same ids, standalone. */
static int flatten(const struct btf *base, const struct btf *split,
		   struct btf **outp)
{
	const void *raw;
	struct btf *out;
	__u32 size;
	int err;

	raw = btf__raw_data(base, &size);
	if (!raw)
		return -ENOMEM;
	out = btf__new(raw, size);
	if (!out)
		return errno == ENOMEM ? -ENOMEM : -TG_ERRNO__BTF;
	err = append_split(out, split, btf__type_cnt(base), 0);
	if (err) {
		btf__free(out);
		return err;
	}
	*outp = out;
	return 0;
}

/*
 * What a module-only output needs of a base type: nothing, "weak" (it is
 * reached only through pointers: a named struct or union is then declared,
 * not defined, and what other types refer to is weak too), or all of it.
 */
enum need {
	NEED_NONE = 0,
	NEED_WEAK,
	NEED_FULL,
};

struct closure {
	const struct btf *base;
	__u32 base_cnt;
	unsigned char *need;	/* per base type id */
	__u32 *stack;		/* base ids whose references are to follow */
	__u32 top;
	enum need edge;		/* what the references being visited need */
};

static bool is_named_composite(const struct btf_type *t)
{
	return btf_is_composite(t) && t->name_off;
}

static int mark(__u32 *id, void *arg)
{
	struct closure *c = arg;
	enum need need = c->edge;
	const struct btf_type *t;

	/* Split types are all kept; void is no type. */
	if (!*id || *id >= c->base_cnt)
		return 0;
	/*
	 * Other types reached through pointers are kept whole, but pass on
	 * "weak"; an anonymous struct or union cannot be declared ahead.
	 */
	t = btf__type_by_id(c->base, *id);
	if (need == NEED_WEAK && btf_is_composite(t) && !t->name_off)
		need = NEED_FULL;
	if (c->need[*id] >= need)
		return 0;
	/* Each id is pushed at most twice: weak, then full. */
	c->need[*id] = need;
	c->stack[c->top++] = *id;
	return 0;
}

/*
 * What the types @t refers to need, if @t itself needs @need: a pointer
 * (or a function prototype, whose parameters may be incomplete types) only
 * needs what it points to declared; a struct, union, array or variable
 * needs its members complete; qualifiers and typedefs pass on their own
 * need.
 */
static enum need edge_need(const struct btf_type *t, enum need need)
{
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_FUNC_PROTO:
	case BTF_KIND_DECL_TAG:
		return NEED_WEAK;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ARRAY:
	case BTF_KIND_VAR:
	case BTF_KIND_DATASEC:
		return NEED_FULL;
	default:
		return need;
	}
}

static void visit_refs(struct closure *c, const struct btf *btf, __u32 id,
		       enum need need)
{
	struct btf_type *t = (struct btf_type *)btf__type_by_id(btf, id);

	/* A struct that is only declared refers to nothing. */
	if (need == NEED_WEAK && is_named_composite(t))
		return;
	c->edge = edge_need(t, need);
	/* mark() only reads @t. */
	tg_type_visit_ids(t, mark, c);
}

static int remap_id(__u32 *id, void *arg)
{
	const __u32 *map = arg;

	*id = map[*id];
	return 0;
}

/*
 * The split types of @split with the base types they need: base types
 * first, in id order, then the split types, all renumbered from 1.
 */
static int module_only(const struct btf *base, const struct btf *split,
		       struct btf **outp)
{
	struct closure c = { .base = base, .base_cnt = btf__type_cnt(base) };
	__u32 id, cnt = btf__type_cnt(split), next = 1, *map;
	const struct btf_type *t;
	struct btf *out = NULL;
	const struct btf *src;
	int new_id, err = -ENOMEM;

	c.need = calloc(c.base_cnt, 1);
	c.stack = calloc(2 * (size_t)c.base_cnt, sizeof(*c.stack));
	map = calloc(cnt, sizeof(*map));
	if (!c.need || !c.stack || !map)
		goto out;

	for (id = c.base_cnt; id < cnt; id++)
		visit_refs(&c, split, id, NEED_FULL);
	while (c.top) {
		id = c.stack[--c.top];
		visit_refs(&c, base, id, c.need[id]);
	}

	for (id = 1; id < cnt; id++)
		if (id >= c.base_cnt || c.need[id])
			map[id] = next++;
	out = btf__new_empty();
	if (!out)
		goto out;
	for (id = 1; id < cnt; id++) {
		if (!map[id])
			continue;
		src = id < c.base_cnt ? base : split;
		t = btf__type_by_id(src, id);
		if (id < c.base_cnt && c.need[id] == NEED_WEAK &&
		    is_named_composite(t)) {
			new_id = btf__add_fwd(out, btf__name_by_offset(base,
								       t->name_off),
					      btf_is_union(t) ? BTF_FWD_UNION :
								BTF_FWD_STRUCT);
		} else {
			new_id = btf__add_type(out, src, t);
			if (new_id > 0)
				tg_type_visit_ids(type_mut(out, new_id),
						  remap_id, map);
		}
		if (new_id < 0) {
			err = libbpf_error(new_id);
			goto out;
		}
	}
	*outp = out;
	out = NULL;
	err = 0;
out:
	btf__free(out);
	free(map);
	free(c.stack);
	free(c.need);
	return err;
}

int tg_btf__merge(const struct tg_btf *base, struct tg_btf *const *mods,
		  size_t cnt, const struct tg_merge_opts *opts,
		  struct tg_btf **btfp)
{
	struct btf *split, *out = NULL;
	__u32 base_cnt;
	size_t i;
	int err;

	if (!base || !mods || !cnt || !btfp || base->base ||
	    !TG_OPTS_VALID(opts, tg_merge_opts))
		return -EINVAL;
	for (i = 0; i < cnt; i++) {
		if (!mods[i])
			return -EINVAL;
		if (btf__base_btf(mods[i]->btf) != base->btf)
			return -TG_ERRNO__NOTSPLIT;
	}

	/* All modules as one split BTF on the base, then deduplicated. */
	base_cnt = btf__type_cnt(base->btf);
	err = tg_btf_index_base_strs(base->btf);
	if (err)
		return err;
	split = btf__new_empty_split(base->btf);
	if (!split)
		return -ENOMEM;
	for (i = 0; i < cnt; i++) {
		err = append_split(split, mods[i]->btf, base_cnt,
				   btf__type_cnt(split) - base_cnt);
		if (err)
			goto out;
	}
	err = btf__dedup(split, NULL);
	if (err) {
		err = libbpf_error(err);
		goto out;
	}

	if (TG_OPTS_GET(opts, module_only, false))
		err = module_only(base->btf, split, &out);
	else
		err = flatten(base->btf, split, &out);
	if (err)
		goto out;
	btf__set_pointer_size(out, btf__pointer_size(base->btf));
	btf__set_endianness(out, btf__endianness(base->btf));
	err = tg_btf_wrap(out, NULL, btfp);
	if (!err)
		(*btfp)->arch = tg_btf__arch(base);
out:
	btf__free(split);
	return err;
}
