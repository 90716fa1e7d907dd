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
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "btf/btf.h"

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

/*
 * The keywords by a hash of a name's length and three of its letters,
 * open-addressed: one comparison tells most names from every keyword.
 */
#define KW_SLOTS 128

struct names {
	const struct btf *btf;
	const char *kw[KW_SLOTS];
	unsigned char kw_len[KW_SLOTS];
	/*
	 * A struct's member names, for repeats: a slot is in use only with
	 * the stamp of the struct being checked, so it is never cleared.
	 */
	struct name_slot {
		const char *name;
		__u32 len, stamp;
	} *slots;
	__u32 slot_cnt, stamp;
};

static __u32 kw_hash(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	return (len * 7 + u[0] * 11 + u[1] * 3 + u[len - 1]) % KW_SLOTS;
}

static void init_names(struct names *n, const struct btf *btf)
{
	size_t i, h, len;

	memset(n, 0, sizeof(*n));
	n->btf = btf;
	for (i = 0; i < sizeof(keywords) / sizeof(*keywords); i++) {
		len = strlen(keywords[i]);
		h = kw_hash(keywords[i], len);
		while (n->kw[h])
			h = (h + 1) % KW_SLOTS;
		n->kw[h] = keywords[i];
		n->kw_len[h] = len;
	}
}

static bool is_keyword(const struct names *n, const char *s, size_t len)
{
	const char *kw;
	size_t h;

	if (len < 2)
		return false;
	for (h = kw_hash(s, len); (kw = n->kw[h]); h = (h + 1) % KW_SLOTS)
		if (n->kw_len[h] == len && !memcmp(kw, s, len))
			return true;
	return false;
}

/* What a character may be in an identifier: IDENT_FIRST implies IDENT. */
#define IDENT 1
#define IDENT_FIRST 2

static const unsigned char ident_class[256] = {
	['0' ... '9'] = IDENT,
	['A' ... 'Z'] = IDENT | IDENT_FIRST,
	['a' ... 'z'] = IDENT | IDENT_FIRST,
	['_'] = IDENT | IDENT_FIRST,
};

static bool is_ident_char(char c, bool first)
{
	return ident_class[(unsigned char)c] & (first ? IDENT_FIRST : IDENT);
}

/* The length of identifier @s, or 0 if it is none (or empty). */
static size_t ident_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s || !(ident_class[*p] & IDENT_FIRST))
		return 0;
	for (p++; ident_class[*p] & IDENT; p++)
		;
	return *p ? 0 : p - (const unsigned char *)s;
}

static bool is_ident_syntax(const char *s)
{
	return ident_len(s);
}

static bool is_ident(const struct names *n, const char *s)
{
	size_t len = ident_len(s);

	return len && !is_keyword(n, s, len);
}

/* An identifier, or nothing (an anonymous member or parameter). */
static bool is_ident_or_empty(const struct names *n, const char *s)
{
	return s && (!*s || is_ident(n, s));
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

	for (n = 0; t && tg_btf_is_alias(t) && n < TG_C_MAX_DEPTH; n++) {
		id = t->type;
		t = btf__type_by_id(btf, id);
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

/* Room for the names of @cnt members, at most half the slots full. */
static int reserve_slots(struct names *n, __u32 cnt)
{
	__u32 want = 16;

	while (want < 2 * cnt)
		want *= 2;
	if (want <= n->slot_cnt)
		return 0;
	free(n->slots);
	n->slots = calloc(want, sizeof(*n->slots));
	if (!n->slots)
		return -ENOMEM;
	n->slot_cnt = want;
	n->stamp = 0;
	return 0;
}

/* Note member name @s (@len bytes) of the current struct: seen before? */
static bool seen_name(struct names *n, const char *s, __u32 len)
{
	__u32 h = 2166136261u, i;
	struct name_slot *slot;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	for (h &= n->slot_cnt - 1;; h = (h + 1) & (n->slot_cnt - 1)) {
		slot = &n->slots[h];
		if (slot->stamp != n->stamp)
			break;
		if (slot->len == len && !memcmp(slot->name, s, len))
			return true;
	}
	*slot = (struct name_slot){ .name = s, .len = len, .stamp = n->stamp };
	return false;
}

static int check_members(struct names *nm, const struct btf_type *t)
{
	const struct btf *btf = nm->btf;
	const struct btf_member *m = btf_members(t);
	__u32 i, n = btf_vlen(t), bits, id;
	const struct btf_type *mt;
	bool dup = false;
	int err;

	err = reserve_slots(nm, n);
	if (err)
		return err;
	nm->stamp++;
	for (i = 0; i < n; i++) {
		const char *name = name_of(btf, m[i].name_off);
		size_t len = name && *name ? ident_len(name) : 0;

		if (!name || (*name && (!len || is_keyword(nm, name, len))))
			return -TG_ERRNO__NAME;
		if (len && !dup)
			dup = seen_name(nm, name, len);
		if (!is_object_type(btf, m[i].type))
			return -TG_ERRNO__BADTYPE;
		bits = btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;
		if (!bits)
			continue;
		mt = resolve(btf, m[i].type, &id);
		if (!btf_is_int(mt) && !btf_is_any_enum(mt))
			return -TG_ERRNO__BITFIELD;
		if (bits > mt->size * 8)
			return -TG_ERRNO__BITFIELD;
	}
	/* the other faults of a struct come first, as they always did */
	return dup ? -TG_ERRNO__DUPNAME : 0;
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

static int check_enum_names(const struct names *nm, const struct btf_type *t)
{
	const struct btf *btf = nm->btf;
	__u32 i, n = btf_vlen(t), off;

	for (i = 0; i < n; i++) {
		off = btf_is_enum(t) ? btf_enum(t)[i].name_off :
				       btf_enum64(t)[i].name_off;
		if (!is_ident(nm, name_of(btf, off)))
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

static int check_type(struct names *nm, const struct btf_type *t)
{
	const struct btf *btf = nm->btf;
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
		if (!is_ident_or_empty(nm, name))
			return -TG_ERRNO__NAME;
		return check_members(nm, t);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (!is_ident_or_empty(nm, name))
			return -TG_ERRNO__NAME;
		return check_enum_names(nm, t);
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
		return is_ident(nm, name) ? 0 : -TG_ERRNO__NAME;
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

/*
 * The checks of a part of the types, [from, to), and of every chain if
 * @chains: the two halves of the work are read-only, on two threads.
 */
struct rules_job {
	const struct btf *btf;
	__u32 first, from, to;
	bool chains;
	int type_err, chain_err;
	struct tg_spawn spawn;
};

static void *rules_job(void *arg)
{
	struct rules_job *j = arg;
	struct names nm;
	__u32 id;

	init_names(&nm, j->btf);
	for (id = j->from; id < j->to && !j->type_err; id++)
		j->type_err = check_type(&nm, btf__type_by_id(j->btf, id));
	free(nm.slots);
	if (j->chains)
		j->chain_err = check_chains(j->btf, j->first);
	return NULL;
}

/* Fewer types than this are checked before a thread would be running. */
#define RULES_THREAD_MIN 8192

int tg_btf_check_rules(const struct btf *btf, __u32 first)
{
	__u32 n = btf__type_cnt(btf);
	struct rules_job a = { .btf = btf }, b;
	bool threaded = false;
	pthread_t th;

	first = first ? first : 1;
	a.first = a.from = first;
	a.to = n;
	b = a;
	a.chains = true;
	if (n - first >= RULES_THREAD_MIN) {
		/*
		 * The chains cost about what half the types do: this thread
		 * checks them and the last two fifths of the types (3/5 and
		 * 2/3 were the fastest of 1/2 to 4/5 on a 6.18 vmlinux).
		 */
		b.to = first + (n - first) / 5 * 3;
		a.from = b.to;
		threaded = !tg_spawn_thread(&th, &b.spawn, rules_job, &b);
		if (!threaded)
			a.from = first;
	}
	rules_job(&a);
	if (threaded)
		pthread_join(th, NULL);
	/* what checking one type after the other, then the chains, finds */
	if (threaded && b.type_err)
		return b.type_err;
	return a.type_err ?: a.chain_err;
}
