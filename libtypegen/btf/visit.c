// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Visitors of the type ids and string offsets a type holds, and the checks
 * built on them that every input meets: references to types and strings
 * that exist. Here, below the inputs, because the DWARF converter uses
 * them too. (Moved from input/split.c.)
 */
#include <errno.h>
#include <stdlib.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "btf/btf.h"

int tg_type_visit_ids(struct btf_type *t, tg_u32_fn fn, void *ctx)
{
	int i, n = btf_vlen(t), err;

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_FWD:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return 0;
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_DECL_TAG:
		return fn(&t->type, ctx);
	case BTF_KIND_ARRAY: {
		struct btf_array *a = btf_array(t);

		return fn(&a->type, ctx) ?: fn(&a->index_type, ctx);
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		struct btf_member *m = btf_members(t);

		for (i = 0; i < n; i++) {
			err = fn(&m[i].type, ctx);
			if (err)
				return err;
		}
		return 0;
	}
	case BTF_KIND_FUNC_PROTO: {
		struct btf_param *p = btf_params(t);

		err = fn(&t->type, ctx);
		for (i = 0; !err && i < n; i++)
			err = fn(&p[i].type, ctx);
		return err;
	}
	case BTF_KIND_DATASEC: {
		struct btf_var_secinfo *v = btf_var_secinfos(t);

		for (i = 0; i < n; i++) {
			err = fn(&v[i].type, ctx);
			if (err)
				return err;
		}
		return 0;
	}
	}
	return -EINVAL;
}

int tg_type_visit_strs(struct btf_type *t, tg_u32_fn fn, void *ctx)
{
	int i, n = btf_vlen(t), err;

	err = fn(&t->name_off, ctx);
	if (err)
		return err;
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		struct btf_member *m = btf_members(t);

		for (i = 0; !err && i < n; i++)
			err = fn(&m[i].name_off, ctx);
		return err;
	}
	case BTF_KIND_ENUM: {
		struct btf_enum *e = btf_enum(t);

		for (i = 0; !err && i < n; i++)
			err = fn(&e[i].name_off, ctx);
		return err;
	}
	case BTF_KIND_ENUM64: {
		struct btf_enum64 *e = btf_enum64(t);

		for (i = 0; !err && i < n; i++)
			err = fn(&e[i].name_off, ctx);
		return err;
	}
	case BTF_KIND_FUNC_PROTO: {
		struct btf_param *p = btf_params(t);

		for (i = 0; !err && i < n; i++)
			err = fn(&p[i].name_off, ctx);
		return err;
	}
	}
	return 0;
}

/* ---- checking ---------------------------------------------------------- */

struct check_ctx {
	const struct btf *btf;
	__u32 type_cnt;
	bool starts;
};

static int check_id(__u32 *id, void *arg)
{
	const struct check_ctx *c = arg;

	return *id < c->type_cnt ? 0 : -EINVAL;
}

static int check_str(__u32 *off, void *arg)
{
	const struct check_ctx *c = arg;
	const char *prev;

	if (!*off)
		return 0;
	if (!btf__str_by_offset(c->btf, *off))
		return -EINVAL;
	if (!c->starts)
		return 0;
	/* Each name follows the NUL that ends the one before. */
	prev = btf__str_by_offset(c->btf, *off - 1);
	return prev && !*prev ? 0 : -EINVAL;
}

int tg_btf_check_refs(const struct btf *btf, __u32 first, bool starts)
{
	struct check_ctx c = {
		.btf = btf,
		.type_cnt = btf__type_cnt(btf),
		.starts = starts,
	};
	struct btf_type *t;
	__u32 id;
	int err;

	for (id = first; id < c.type_cnt; id++) {
		/* Only read: the visitors do not write through @t. */
		t = (struct btf_type *)btf__type_by_id(btf, id);
		err = tg_type_visit_ids(t, check_id, &c) ?:
		      tg_type_visit_strs(t, check_str, &c);
		if (err)
			return err;
	}
	return 0;
}

/* The names and type ids of one record's members, params or values. */
static bool members_ok(const struct btf_type *t, __u32 n, __u32 str_len)
{
	const struct btf_member *m = btf_members(t);
	__u32 i, vlen = btf_vlen(t);

	for (i = 0; i < vlen; i++)
		if (m[i].name_off >= str_len || m[i].type >= n)
			return false;
	return true;
}

static bool params_ok(const struct btf_type *t, __u32 n, __u32 str_len)
{
	const struct btf_param *p = btf_params(t);
	__u32 i, vlen = btf_vlen(t);

	for (i = 0; i < vlen; i++)
		if (p[i].name_off >= str_len || p[i].type >= n)
			return false;
	return t->type < n;
}

static bool enum_names_ok(const struct btf_type *t, __u32 str_len)
{
	__u32 i, vlen = btf_vlen(t);

	for (i = 0; i < vlen; i++)
		if ((btf_kind(t) == BTF_KIND_ENUM ? btf_enum(t)[i].name_off :
		     btf_enum64(t)[i].name_off) >= str_len)
			return false;
	return true;
}

static bool secinfos_ok(const struct btf_type *t, __u32 n)
{
	const struct btf_var_secinfo *v = btf_var_secinfos(t);
	__u32 i, vlen = btf_vlen(t);

	for (i = 0; i < vlen; i++)
		if (v[i].type >= n)
			return false;
	return true;
}

static bool type_refs_ok(const struct btf_type *t, __u32 n, __u32 str_len)
{
	if (t->name_off >= str_len)
		return false;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		return true;
	case BTF_KIND_FWD:
		/* "struct ;" is no declaration: the kernel rejects it too. */
		return t->name_off;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return enum_names_ok(t, str_len);
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
		return t->name_off && t->type < n;
	case BTF_KIND_PTR:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_DECL_TAG:
		return t->type < n;
	case BTF_KIND_ARRAY:
		return btf_array(t)->type < n && btf_array(t)->index_type < n;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return members_ok(t, n, str_len);
	case BTF_KIND_FUNC_PROTO:
		return params_ok(t, n, str_len);
	case BTF_KIND_DATASEC:
		return secinfos_ok(t, n);
	}
	return false;
}

int tg_btf_check_standalone(const struct btf *btf, __u32 str_len)
{
	__u32 id, n = btf__type_cnt(btf);

	for (id = 1; id < n; id++)
		if (!type_refs_ok(btf__type_by_id(btf, id), n, str_len))
			return -EINVAL;
	return 0;
}

int tg_btf_index_base_strs(const struct btf *base)
{
	return btf__find_str((struct btf *)base, "") == -ENOMEM ? -ENOMEM : 0;
}
