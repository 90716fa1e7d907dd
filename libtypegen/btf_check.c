// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The rules the kernel's BTF checker applies (kernel/bpf/btf.c) that
 * libbpf does not, checked once when types are loaded: names are C
 * identifiers, an integer fits its size, bitfields are integers or enums,
 * arrays and members are of object types, parameters are not void, a
 * struct's members have distinct names, and no chain of types is deeper
 * than the C emitter follows. A name that reached vmlinux.h unchecked
 * could be a line of C of its own ("X\n#define bpf_printk(...)").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "internal.h"
#include "emit_c.h"

/* C11's keywords: a type or member of that name is no declaration. */
static const char *const keywords[] = {
	"_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic",
	"_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local", "auto",
	"break", "case", "char", "const", "continue", "default", "do",
	"double", "else", "enum", "extern", "float", "for", "goto", "if",
	"inline", "int", "long", "register", "restrict", "return", "short",
	"signed", "sizeof", "static", "struct", "switch", "typedef", "union",
	"unsigned", "void", "volatile", "while",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_ident_char(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && c >= '0' && c <= '9');
}

static bool is_ident_syntax(const char *s)
{
	const char *p;

	if (!s || !is_ident_char(*s, true))
		return false;
	for (p = s + 1; *p; p++)
		if (!is_ident_char(*p, false))
			return false;
	return true;
}

static bool is_ident(const char *s)
{
	return is_ident_syntax(s) &&
	       !bsearch(&s, keywords, sizeof(keywords) / sizeof(*keywords),
			sizeof(*keywords), cmp_str);
}

/* An identifier, or nothing (an anonymous member or parameter). */
static bool is_ident_or_empty(const char *s)
{
	return s && (!*s || is_ident(s));
}

/* "unsigned int", "long long unsigned int": words and single spaces. */
static bool is_base_name(const char *s)
{
	const char *p;

	if (!s || !is_ident_char(*s, true))
		return false;
	for (p = s; *p; p++)
		if (!is_ident_char(*p, false) &&
		    !(*p == ' ' && is_ident_char(p[1], false)))
			return false;
	return true;
}

/*
 * A section name (".data..percpu") or an attribute's string: printable,
 * and nothing that would end the string literal it is printed in.
 */
static bool is_printable(const char *s, bool spaces)
{
	const char *p;

	if (!s || !*s)
		return false;
	for (p = s; *p; p++)
		if (*p < (spaces ? 0x20 : 0x21) || *p > 0x7e || *p == '"' ||
		    *p == '\\')
			return false;
	return true;
}

/* The type @id stands for, through typedefs and qualifiers. */
static const struct btf_type *resolve(const struct btf *btf, __u32 id,
				      __u32 *idp)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int n;

	for (n = 0; t && n < TG_C_MAX_DEPTH; n++) {
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			t = btf__type_by_id(btf, id);
			continue;
		}
		break;
	}
	*idp = id;
	return t;
}

/* Something an array or a member can hold: not void, not a function. */
static bool is_object_type(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = resolve(btf, id, &id);

	if (!id || !t)
		return false;
	switch (btf_kind(t)) {
	case BTF_KIND_FUNC:
	case BTF_KIND_FUNC_PROTO:
	case BTF_KIND_VAR:
	case BTF_KIND_DATASEC:
	case BTF_KIND_DECL_TAG:
		return false;
	}
	return true;
}

static const char *name_of(const struct btf *btf, __u32 off)
{
	return btf__name_by_offset(btf, off);
}

static int check_members(const struct btf *btf, const struct btf_type *t)
{
	const struct btf_member *m = btf_members(t);
	__u32 i, n = btf_vlen(t), bits, id;
	const struct btf_type *mt;
	const char **names;
	size_t cnt = 0;
	int err = 0;

	names = malloc((n ? n : 1) * sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		const char *name = name_of(btf, m[i].name_off);

		if (!is_ident_or_empty(name)) {
			err = -TG_ERRNO__NAME;
			break;
		}
		if (*name)
			names[cnt++] = name;
		if (!is_object_type(btf, m[i].type)) {
			err = -TG_ERRNO__BADTYPE;
			break;
		}
		bits = btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;
		if (!bits)
			continue;
		mt = resolve(btf, m[i].type, &id);
		if (!btf_is_int(mt) && !btf_is_any_enum(mt))
			err = -TG_ERRNO__BITFIELD;
		else if (bits > mt->size * 8)
			err = -TG_ERRNO__BITFIELD;
	}
	if (!err && cnt > 1) {
		qsort(names, cnt, sizeof(*names), cmp_str);
		for (i = 1; i < cnt; i++)
			if (!strcmp(names[i - 1], names[i]))
				err = -TG_ERRNO__DUPNAME;
	}
	free(names);
	return err;
}

static int check_params(const struct btf *btf, const struct btf_type *t)
{
	const struct btf_param *p = btf_params(t);
	__u32 i, n = btf_vlen(t);

	for (i = 0; i < n; i++) {
		const char *name = name_of(btf, p[i].name_off);

		/* A keyword is left out of the prototype by the emitter. */
		if (!name || (*name && !is_ident_syntax(name)))
			return -TG_ERRNO__NAME;
		if (p[i].type)
			continue;
		/* "...": last, unnamed, and not alone (f(...) is no C). */
		if (i != n - 1 || p[i].name_off || n == 1)
			return -TG_ERRNO__PARAM;
	}
	return 0;
}

static int check_enum_names(const struct btf *btf, const struct btf_type *t)
{
	__u32 i, n = btf_vlen(t), off;

	for (i = 0; i < n; i++) {
		off = btf_is_enum(t) ? btf_enum(t)[i].name_off :
				       btf_enum64(t)[i].name_off;
		if (!is_ident(name_of(btf, off)))
			return -TG_ERRNO__NAME;
	}
	return 0;
}

static int check_int(const struct btf_type *t)
{
	__u32 info = *(const __u32 *)(t + 1);

	switch (t->size) {
	case 1: case 2: case 4: case 8: case 16:
		break;
	default:
		return -TG_ERRNO__INTSIZE;
	}
	if (BTF_INT_BITS(info) > 128 ||
	    BTF_INT_OFFSET(info) + BTF_INT_BITS(info) > t->size * 8)
		return -TG_ERRNO__INTSIZE;
	return 0;
}

static int check_type(const struct btf *btf, const struct btf_type *t)
{
	const char *name = name_of(btf, t->name_off);

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		if (!is_base_name(name))
			return -TG_ERRNO__NAME;
		return check_int(t);
	case BTF_KIND_FLOAT:
		return is_base_name(name) ? 0 : -TG_ERRNO__NAME;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (!is_ident_or_empty(name))
			return -TG_ERRNO__NAME;
		return check_members(btf, t);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (!is_ident_or_empty(name))
			return -TG_ERRNO__NAME;
		return check_enum_names(btf, t);
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
		return is_ident(name) ? 0 : -TG_ERRNO__NAME;
	case BTF_KIND_FUNC_PROTO:
		if (*name)
			return -TG_ERRNO__NAME;
		return check_params(btf, t);
	case BTF_KIND_ARRAY:
		if (*name)
			return -TG_ERRNO__NAME;
		return is_object_type(btf, btf_array(t)->type) ? 0 :
		       -TG_ERRNO__BADTYPE;
	case BTF_KIND_DATASEC:
		return is_printable(name, false) ? 0 : -TG_ERRNO__NAME;
	case BTF_KIND_DECL_TAG:
	case BTF_KIND_TYPE_TAG:
		return is_printable(name, true) ? 0 : -TG_ERRNO__NAME;
	default:
		/* Pointers and qualifiers have no name. */
		return *name ? -TG_ERRNO__NAME : 0;
	}
}

/* ---- chains --------------------------------------------------------- */

/*
 * How deep the declarations of a type go: through qualifiers, pointers,
 * arrays and prototypes to what they name, and through a struct to the
 * types it holds by value. A pointer only needs its target's name, so
 * from a pointer the chain stops at a named type: that is how a list's
 * "struct list_head *next" does not loop.
 */
struct chain {
	const struct btf *btf;
	__u32 first;
	__u16 *depth[2];	/* by id - first, by value / through a pointer */
};

#define IN_PROGRESS 0xffff

static int chain_depth(struct chain *c, __u32 id, bool ptr, int level);

static int chain_max(struct chain *c, __u32 id, bool ptr, int level,
		     int *max)
{
	int d = chain_depth(c, id, ptr, level);

	if (d < 0)
		return d;
	if (d > *max)
		*max = d;
	return 0;
}

static int chain_edges(struct chain *c, const struct btf_type *t, bool ptr,
		       int level)
{
	int max = 0, err = 0, i, n = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		err = chain_max(c, t->type, true, level, &max);
		break;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (ptr)
			return 0;
		if (btf_is_typedef(t)) {
			err = chain_max(c, t->type, false, level, &max);
			break;
		}
		for (i = 0; i < n && !err; i++)
			err = chain_max(c, btf_members(t)[i].type, false,
					level, &max);
		break;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
		err = chain_max(c, t->type, ptr, level, &max);
		break;
	case BTF_KIND_ARRAY:
		err = chain_max(c, btf_array(t)->type, ptr, level, &max);
		break;
	case BTF_KIND_FUNC:
	case BTF_KIND_DECL_TAG:
		err = chain_max(c, t->type, true, level, &max);
		break;
	case BTF_KIND_FUNC_PROTO:
		err = chain_max(c, t->type, true, level, &max);
		for (i = 0; i < n && !err; i++)
			err = chain_max(c, btf_params(t)[i].type, true, level,
					&max);
		break;
	default:
		return 0;
	}
	return err ? err : max + 1;
}

static int chain_depth(struct chain *c, __u32 id, bool ptr, int level)
{
	const struct btf_type *t;
	__u16 *slot;
	int d;

	/* Types of the base were checked when the base was loaded. */
	if (id < c->first)
		return 0;
	slot = &c->depth[ptr][id - c->first];
	if (*slot == IN_PROGRESS)
		return -TG_ERRNO__DEEP;	/* a loop no declaration breaks */
	if (*slot)
		return *slot - 1;
	if (level > TG_C_MAX_DEPTH)
		return -TG_ERRNO__DEEP;
	t = btf__type_by_id(c->btf, id);
	if (!t)
		return 0;
	*slot = IN_PROGRESS;
	d = chain_edges(c, t, ptr, level + 1);
	if (d < 0)
		return d;
	if (d > TG_C_MAX_DEPTH)
		return -TG_ERRNO__DEEP;
	*slot = d + 1;
	return d;
}

static int check_chains(const struct btf *btf, __u32 first)
{
	struct chain c = { .btf = btf, .first = first };
	__u32 id, n = btf__type_cnt(btf) - first;
	int err = 0;

	c.depth[0] = calloc(n ? n : 1, sizeof(__u16));
	c.depth[1] = calloc(n ? n : 1, sizeof(__u16));
	if (!c.depth[0] || !c.depth[1]) {
		err = -ENOMEM;
		goto out;
	}
	for (id = first; id < first + n && !err; id++) {
		int d = chain_depth(&c, id, false, 0);

		err = d < 0 ? d : 0;
	}
out:
	free(c.depth[0]);
	free(c.depth[1]);
	return err;
}

int tg_btf_check_rules(const struct btf *btf, __u32 first)
{
	__u32 id, n = btf__type_cnt(btf);
	int err;

	for (id = first ? first : 1; id < n; id++) {
		err = check_type(btf, btf__type_by_id(btf, id));
		if (err)
			return err;
	}
	return check_chains(btf, first ? first : 1);
}
