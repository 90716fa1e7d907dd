// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The C header emitter on BTF that clang never produces from C source:
 * clashing names, the kernel's own __builtin_va_list, forward declarations,
 * memberless composites, enums sized against their values, old-style
 * bitfields, GCC's internal integer names, type tags with kind_flag,
 * declaration order, and hostile cycles. Each test builds its BTF with
 * libbpf's writer, writes it as a raw BTF file, round-trips it through
 * clang (roundtrip.h) and checks properties of the emitted text.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "tg_test.h"
#include "roundtrip.h"
#include "typegen.h"

/* ------------------------------------------------------------------------
 * Building BTF
 */

/* Scalars most tests need; all ids are in the BTF being built. */
struct base {
	__u32 i32, u32, i64, u64, chr, voidp;
};

static __u32 ok_id(int id)
{
	if (id <= 0)
		fail_msg("libbpf BTF writer failed: %d", id);
	return id;
}

static struct btf *new_btf(struct base *t)
{
	struct btf *b = btf__new_empty();

	assert_non_null(b);
	t->i32 = ok_id(btf__add_int(b, "int", 4, BTF_INT_SIGNED));
	t->u32 = ok_id(btf__add_int(b, "unsigned int", 4, 0));
	t->i64 = ok_id(btf__add_int(b, "long", 8, BTF_INT_SIGNED));
	t->u64 = ok_id(btf__add_int(b, "unsigned long", 8, 0));
	t->chr = ok_id(btf__add_int(b, "char", 1, BTF_INT_CHAR));
	t->voidp = ok_id(btf__add_ptr(b, 0));
	return b;
}

/* The writer cannot express these: patch the type in place. */
static struct btf_type *type_rw(struct btf *b, __u32 id)
{
	return (struct btf_type *)btf__type_by_id(b, id);
}

/* A member: name, type, bit offset and (kind_flag) bitfield width. */
struct fld {
	const char *name;
	__u32 type;
	__u32 off;
	__u32 bits;
};

static __u32 add_comp(struct btf *b, bool is_union, const char *name,
		      __u32 size, const struct fld *f, size_t n)
{
	__u32 id = ok_id(is_union ? btf__add_union(b, name, size) :
				    btf__add_struct(b, name, size));
	size_t i;

	for (i = 0; i < n; i++) {
		/* the writer refuses old-style bitfields at odd bits */
		bool odd = !f[i].bits && f[i].off % 8;

		ok_id(btf__add_field(b, f[i].name, f[i].type,
				     odd ? 0 : f[i].off, f[i].bits) + 1);
		if (odd)
			btf_members(type_rw(b, id))[i].offset = f[i].off;
	}
	return id;
}

#define FIELDS(...) (const struct fld[]){ __VA_ARGS__ }
#define NFIELDS(...) (sizeof(FIELDS(__VA_ARGS__)) / sizeof(struct fld))
#define STRUCT(b, name, size, ...)					\
	add_comp(b, false, name, size, FIELDS(__VA_ARGS__),		\
		 NFIELDS(__VA_ARGS__))
#define UNION(b, name, size, ...)					\
	add_comp(b, true, name, size, FIELDS(__VA_ARGS__),		\
		 NFIELDS(__VA_ARGS__))

/* An enumerator; 64-bit values go to ENUM64 types. */
struct ev {
	const char *name;
	__u64 val;
};

static __u32 add_enum(struct btf *b, const char *name, __u32 size, bool is64,
		      bool is_signed, const struct ev *v, size_t n)
{
	__u32 id = ok_id(is64 ? btf__add_enum64(b, name, size, is_signed) :
				btf__add_enum(b, name, size));
	size_t i;

	for (i = 0; i < n; i++) {
		if (is64)
			ok_id(btf__add_enum64_value(b, v[i].name,
						    v[i].val) + 1);
		else
			ok_id(btf__add_enum_value(b, v[i].name,
						  (__s64)v[i].val) + 1);
	}
	return id;
}

#define VALUES(...) (const struct ev[]){ __VA_ARGS__ }
#define NVALUES(...) (sizeof(VALUES(__VA_ARGS__)) / sizeof(struct ev))
#define ENUM(b, name, size, ...)					\
	add_enum(b, name, size, false, false, VALUES(__VA_ARGS__),	\
		 NVALUES(__VA_ARGS__))
#define ENUM64(b, name, is_signed, ...)					\
	add_enum(b, name, 8, true, is_signed, VALUES(__VA_ARGS__),	\
		 NVALUES(__VA_ARGS__))

/* An INT with nr_bits and bits_offset of its own (old-style bitfields). */
static __u32 add_int_bits(struct btf *b, const char *name, __u32 size,
			  int enc, __u32 bits, __u32 off)
{
	__u32 id = ok_id(btf__add_int(b, name, size, enc));

	*(__u32 *)(type_rw(b, id) + 1) = (__u32)enc << 24 | off << 16 | bits;
	return id;
}

static void set_kflag(struct btf *b, __u32 id)
{
	type_rw(b, id)->info |= 1U << 31;
}

/* Point an already added modifier/typedef/pointer at @target. */
static void set_ref(struct btf *b, __u32 id, __u32 target)
{
	type_rw(b, id)->type = target;
}

/* ------------------------------------------------------------------------
 * Emitting and checking
 */

struct emit {
	char *dir;
	char *path;		/* the raw BTF file */
	struct tg_btf *tb;
	struct tg_c_dumper *d;
	char *text;		/* the header */
};

/* Write @b (freed) as raw BTF into a fresh directory; returns its path. */
static char *save_btf(struct btf *b, char **dirp)
{
	const void *raw;
	__u32 sz;
	char *path;

	*dirp = tg_test_mkdtemp();
	raw = btf__raw_data(b, &sz);
	assert_non_null(raw);
	path = tg_test_path("%s/types.btf", *dirp);
	assert_int_equal(tg_test_write_file(path, raw, sz), 0);
	btf__free(b);
	return path;
}

static char *dump_text(struct tg_c_dumper *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(tg_c_dumper__dump(d, f), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void emit_opts(struct emit *e, struct btf *b,
		      const struct tg_c_opts *opts)
{
	int err;

	memset(e, 0, sizeof(*e));
	e->path = save_btf(b, &e->dir);
	assert_int_equal(tg_btf__open(e->path, NULL, &e->tb), 0);
	err = tg_c_dumper__new(e->tb, opts, &e->d);
	if (err) {
		char msg[128];

		tg_strerror(err, msg, sizeof(msg));
		fail_msg("tg_c_dumper__new: %d (%s)", err, msg);
	}
	e->text = dump_text(e->d);
}

static void emit(struct emit *e, struct btf *b)
{
	emit_opts(e, b, NULL);
}

static void emit_free(struct emit *e)
{
	tg_c_dumper__free(e->d);
	tg_btf__free(e->tb);
	tg_test_rmtree(e->dir);
	free(e->text);
	free(e->path);
	free(e->dir);
}

static const char *name_of(const struct emit *e, __u32 id)
{
	const char *name = tg_c_dumper__name(e->d, id);

	return name ? name : "(null)";
}

static void show_header(const struct emit *e)
{
	fprintf(stderr, "---- emitted header ----\n%s---- end ----\n", e->text);
}

/* Where @needle first is in the header; fails the test if it is not. */
static size_t pos_of(const struct emit *e, const char *needle)
{
	const char *p = strstr(e->text, needle);

	if (!p) {
		show_header(e);
		fail_msg("not in the header: \"%s\"", needle);
	}
	return p - e->text;
}

static int count_of(const char *text, const char *needle)
{
	size_t n = strlen(needle);
	int cnt = 0;

	for (; (text = strstr(text, needle)); text += n)
		cnt++;
	return cnt;
}

static void assert_count(const struct emit *e, const char *needle, int want)
{
	int got = count_of(e->text, needle);

	if (got != want) {
		show_header(e);
		fail_msg("\"%s\" is in the header %d times, want %d", needle,
			 got, want);
	}
}

static void assert_before(const struct emit *e, const char *first,
			  const char *second)
{
	if (pos_of(e, first) >= pos_of(e, second)) {
		show_header(e);
		fail_msg("\"%s\" must come before \"%s\"", first, second);
	}
}

/* Named structs, unions, enums and typedefs: what the round trip compares. */
static int named_types(const struct emit *e)
{
	const struct btf *btf = tg_btf__btf(e->tb);
	__u32 id, n = btf__type_cnt(btf);
	int cnt = 0;

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);

		if ((btf_is_composite(t) || btf_is_any_enum(t) ||
		     btf_is_typedef(t)) && name && *name)
			cnt++;
	}
	return cnt;
}

/* (a) of every test: the whole round trip with default options. */
static void expect_roundtrip(const struct emit *e, int want_checked)
{
	int checked = 0, diffs;

	diffs = rt_check_file(e->path, &checked);
	if (diffs)
		show_header(e);
	assert_int_equal(diffs, 0);
	assert_int_equal(checked, want_checked);
	/* the oracle compares every named type there is */
	assert_int_equal(checked, named_types(e));
}

static const char *tag_word(const struct btf_type *t)
{
	return btf_is_struct(t) ? "struct " : btf_is_union(t) ? "union " :
	       btf_is_any_enum(t) ? "enum " : "";
}

/*
 * Compile the header @e holds (written with its own options) together with
 * a use of every named type, as clang -g -target bpf -Wall -Werror. Returns
 * the BTF clang made of it (caller frees).
 */
static struct btf *compile_header(const struct emit *e)
{
	const struct btf *in = tg_btf__btf(e->tb);
	char *hdr = tg_test_path("%s/own.h", e->dir);
	char *src = tg_test_path("%s/own.c", e->dir);
	char *obj = tg_test_path("%s/own.o", e->dir);
	__u32 id, n = btf__type_cnt(in);
	char *cmd, *diag = NULL;
	struct btf *out;
	FILE *f;
	int rc;

	assert_int_equal(tg_test_write_file(hdr, e->text, strlen(e->text)), 0);
	f = fopen(src, "w");
	assert_non_null(f);
	fprintf(f, "#include \"own.h\"\nstruct __uses {\n");
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(in, id);
		const char *name = tg_c_dumper__name(e->d, id);

		if (!name || btf_is_fwd(t))
			continue;
		/* an enum known only by name is no complete type */
		fprintf(f, "\t%s%s %sm%u;\n", tag_word(t), name,
			btf_is_any_enum(t) && !btf_vlen(t) ? "*" : "", id);
	}
	fprintf(f, "} __uses;\n");
	assert_int_equal(fclose(f), 0);

	cmd = tg_test_path("cd '%s' && %s -g -O2 -target bpf -Wall -Werror "
			   "-c own.c -o own.o", e->dir, tg_test_clang());
	rc = tg_test_run(cmd, NULL, &diag);
	if (rc) {
		show_header(e);
		fail_msg("header does not compile (%d):\n%s", rc, diag);
	}
	out = btf__parse_elf(obj, NULL);
	assert_non_null(out);
	free(diag);
	free(cmd);
	free(obj);
	free(src);
	free(hdr);
	return out;
}

/* A member's bit offset and width, old-style (INT) bitfields included. */
static void member_bits(const struct btf *btf, const struct btf_type *t,
			__u32 i, __u32 *off, __u32 *bits)
{
	const struct btf_type *mt;
	__u32 id = btf_members(t)[i].type;

	*off = btf_member_bit_offset(t, i);
	*bits = btf_member_bitfield_size(t, i);
	if (btf_kflag(t))
		return;
	while ((mt = btf__type_by_id(btf, id)) &&
	       (btf_is_mod(mt) || btf_is_typedef(mt)))
		id = mt->type;
	if (mt && btf_is_int(mt) &&
	    (btf_int_bits(mt) != mt->size * 8 || btf_int_offset(mt))) {
		*bits = btf_int_bits(mt);
		*off += btf_int_offset(mt);
	}
}

/* Input type @a and clang's @b (of header @e) have the same layout. */
static void expect_same_type(const struct emit *e, const struct btf *out,
			     __u32 a_id, __u32 b_id)
{
	const struct btf *in = tg_btf__btf(e->tb);
	const struct btf_type *a = btf__type_by_id(in, a_id);
	const struct btf_type *b = btf__type_by_id(out, b_id);
	const char *what = tg_c_dumper__name(e->d, a_id);
	__u32 i, ao, ab, bo, bb;

	if (btf__resolve_size(in, a_id) != btf__resolve_size(out, b_id))
		fail_msg("%s: size %lld, header gives %lld", what,
			 (long long)btf__resolve_size(in, a_id),
			 (long long)btf__resolve_size(out, b_id));
	if (!btf_is_composite(a))
		return;
	assert_int_equal(btf_vlen(a), btf_vlen(b));
	for (i = 0; i < btf_vlen(a); i++) {
		member_bits(in, a, i, &ao, &ab);
		member_bits(out, b, i, &bo, &bb);
		if (ao != bo || ab != bb)
			fail_msg("%s: member %u at bit %u:%u, header: %u:%u",
				 what, i, ao, ab, bo, bb);
		assert_int_equal(btf__resolve_size(in, btf_members(a)[i].type),
				 btf__resolve_size(out,
						   btf_members(b)[i].type));
	}
}

/*
 * The round trip for the dumper @e has (with its own options): every named
 * type keeps its size and its members their offsets, widths and sizes.
 * Returns the BTF clang made of the header (caller frees).
 */
static struct btf *roundtrip_dumper(const struct emit *e, int want_checked)
{
	const struct btf *in = tg_btf__btf(e->tb);
	struct btf *out = compile_header(e);
	__u32 id, n = btf__type_cnt(in);
	int checked = 0;

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(in, id);
		const char *name = tg_c_dumper__name(e->d, id);
		int kind = btf_kind(t), out_id;

		if (!name || btf_is_fwd(t))
			continue;
		if (kind == BTF_KIND_ENUM64)
			kind = BTF_KIND_ENUM;
		out_id = btf__find_by_name_kind(out, name, kind);
		if (out_id < 0 && kind == BTF_KIND_ENUM)
			out_id = btf__find_by_name_kind(out, name,
							BTF_KIND_ENUM64);
		if (out_id < 0)
			fail_msg("%s%s: not in clang's BTF", tag_word(t),
				 name);
		expect_same_type(e, out, id, out_id);
		checked++;
	}
	assert_int_equal(checked, want_checked);
	return out;
}

/* ------------------------------------------------------------------------
 * 1. Duplicate names
 */

/* Four different bodies for "struct foo"; @which picks one. */
static __u32 add_foo(struct btf *b, const struct base *t, int which)
{
	switch (which) {
	case 0:
		return STRUCT(b, "foo", 4, { "a", t->i32, 0 });
	case 1:
		return STRUCT(b, "foo", 8, { "b", t->i32, 0 },
			      { "c", t->i32, 32 });
	case 2:
		return STRUCT(b, "foo", 8, { "d", t->i64, 0 });
	default:
		/* body 0's shape, but an unsigned member */
		return STRUCT(b, "foo", 4, { "a", t->u32, 0 });
	}
}

/* Emit @n foos, added in the order @order gives; ids[k] is body k's id. */
static void emit_foos(struct emit *e, const int *order, int n, __u32 *ids)
{
	struct base t;
	struct btf *b = new_btf(&t);
	int i;

	for (i = 0; i < n; i++)
		ids[order[i]] = add_foo(b, &t, order[i]);
	emit(e, b);
}

static void test_dup_names_stable(void **state)
{
	static const int fwd[] = { 0, 1 }, rev[] = { 1, 0 };
	struct emit e1, e2;
	__u32 ids1[2], ids2[2];
	char *plain;

	(void)state;
	emit_foos(&e1, fwd, 2, ids1);
	emit_foos(&e2, rev, 2, ids2);
	assert_true(ids1[0] < ids1[1] && ids2[0] > ids2[1]);

	/* one keeps the name, the other is flavored */
	assert_string_not_equal(name_of(&e1, ids1[0]), name_of(&e1, ids1[1]));
	assert_true(!strcmp(name_of(&e1, ids1[0]), "foo") ||
		    !strcmp(name_of(&e1, ids1[1]), "foo"));
	assert_true(!strcmp(name_of(&e1, ids1[0]), "foo___2") ||
		    !strcmp(name_of(&e1, ids1[1]), "foo___2"));
	/* and which one does not depend on the ids */
	assert_string_equal(name_of(&e1, ids1[0]), name_of(&e2, ids2[0]));
	assert_string_equal(name_of(&e1, ids1[1]), name_of(&e2, ids2[1]));

	/* the header says the same: the same body under the same name */
	plain = tg_test_path("struct %s {\n\tint a;\n}", name_of(&e1, ids1[0]));
	pos_of(&e1, plain);
	pos_of(&e2, plain);
	free(plain);
	assert_string_equal(e1.text, e2.text);

	expect_roundtrip(&e1, 2);
	expect_roundtrip(&e2, 2);
	emit_free(&e1);
	emit_free(&e2);
}

/* Bodies that differ only in a member's type: still not by id. */
static void test_dup_names_same_shape(void **state)
{
	static const int fwd[] = { 0, 3 }, rev[] = { 3, 0 };
	struct emit e1, e2;
	__u32 ids1[4], ids2[4];

	(void)state;
	emit_foos(&e1, fwd, 2, ids1);
	emit_foos(&e2, rev, 2, ids2);
	assert_string_not_equal(name_of(&e1, ids1[0]), name_of(&e1, ids1[3]));
	assert_string_equal(name_of(&e1, ids1[0]), name_of(&e2, ids2[0]));
	assert_string_equal(name_of(&e1, ids1[3]), name_of(&e2, ids2[3]));
	assert_string_equal(e1.text, e2.text);
	expect_roundtrip(&e1, 2);
	emit_free(&e1);
	emit_free(&e2);
}

static void test_dup_names_three(void **state)
{
	static const int orders[][3] = {
		{ 0, 1, 2 }, { 2, 1, 0 }, { 1, 2, 0 },
	};
	const char *first[3] = {};
	size_t o;
	int k;

	(void)state;
	for (o = 0; o < sizeof(orders) / sizeof(*orders); o++) {
		struct emit e;
		__u32 ids[3];
		bool seen[4] = {};

		emit_foos(&e, orders[o], 3, ids);
		for (k = 0; k < 3; k++) {
			const char *n = name_of(&e, ids[k]);

			if (!strcmp(n, "foo"))
				seen[1] = true;
			else if (!strcmp(n, "foo___2"))
				seen[2] = true;
			else if (!strcmp(n, "foo___3"))
				seen[3] = true;
			else
				fail_msg("unexpected name %s", n);
			/* every order gives each body the same name */
			if (!o)
				first[k] = strdup(n);
			else
				assert_string_equal(first[k], n);
		}
		assert_true(seen[1] && seen[2] && seen[3]);
		assert_count(&e, "struct foo {", 1);
		assert_count(&e, "struct foo___2 {", 1);
		assert_count(&e, "struct foo___3 {", 1);
		expect_roundtrip(&e, 3);
		emit_free(&e);
	}
	for (k = 0; k < 3; k++)
		free((char *)first[k]);
}

/* A type already named foo___2: the flavor for the second foo skips it. */
static void test_dup_names_skip_taken(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 taken, f0, f1;
	struct emit e;

	(void)state;
	taken = STRUCT(b, "foo___2", 1, { "z", t.chr, 0 });
	f0 = add_foo(b, &t, 0);
	f1 = add_foo(b, &t, 1);
	emit(&e, b);

	assert_string_equal(name_of(&e, taken), "foo___2");
	assert_true((!strcmp(name_of(&e, f0), "foo") &&
		     !strcmp(name_of(&e, f1), "foo___3")) ||
		    (!strcmp(name_of(&e, f1), "foo") &&
		     !strcmp(name_of(&e, f0), "foo___3")));
	assert_count(&e, "struct foo___2 {", 1);
	pos_of(&e, "struct foo___2 {\n\tchar z;\n}");
	assert_count(&e, "struct foo___3 {", 1);
	expect_roundtrip(&e, 3);
	emit_free(&e);
}

/* ------------------------------------------------------------------------
 * 2. struct, union and enum share C's one tag namespace
 */

static void test_tag_namespace(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 s, u, en, td;
	struct emit e;

	(void)state;
	s = STRUCT(b, "foo", 4, { "a", t.i32, 0 });
	u = UNION(b, "foo", 8, { "a", t.i32, 0 }, { "b", t.i64, 0 });
	en = ENUM(b, "foo", 4, { "FOO_X", 1 });
	/* typedef names are another namespace: this one stays "foo" */
	td = ok_id(btf__add_typedef(b, "foo", t.chr));
	emit(&e, b);

	assert_string_not_equal(name_of(&e, s), name_of(&e, u));
	assert_string_not_equal(name_of(&e, s), name_of(&e, en));
	assert_string_not_equal(name_of(&e, u), name_of(&e, en));
	assert_true(!strncmp(name_of(&e, s), "foo", 3));
	assert_true(!strncmp(name_of(&e, u), "foo", 3));
	assert_true(!strncmp(name_of(&e, en), "foo", 3));
	assert_string_equal(name_of(&e, td), "foo");
	pos_of(&e, "typedef char foo;");
	expect_roundtrip(&e, 4);
	emit_free(&e);
}

/* ------------------------------------------------------------------------
 * 3. Enumerators share the namespace of typedefs and each other
 */

static void test_enumerator_clash(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 td;
	struct emit e;

	(void)state;
	ENUM(b, "e1", 4, { "X", 1 }, { "Y", 2 });
	ENUM(b, "e2", 4, { "X", 3 });
	td = ok_id(btf__add_typedef(b, "T", t.i64));
	STRUCT(b, "uses_t", 8, { "v", td, 0 });
	ENUM(b, "e3", 4, { "T", 5 });
	emit(&e, b);

	/* one X keeps its name, the other is X___2 */
	assert_count(&e, "\tX = ", 1);
	assert_count(&e, "\tX___2 = ", 1);
	assert_count(&e, "\tY = 2,", 1);

	/* the typedef T and the enumerator T cannot both be "T" */
	if (!strcmp(name_of(&e, td), "T")) {
		pos_of(&e, "\tT___2 = 5,");
		pos_of(&e, "typedef long T;");
	} else {
		assert_string_equal(name_of(&e, td), "T___2");
		pos_of(&e, "\tT = 5,");
		pos_of(&e, "typedef long T___2;");
		pos_of(&e, "\tT___2 v;");
	}
	expect_roundtrip(&e, 5);
	emit_free(&e);
}

/* ------------------------------------------------------------------------
 * 4. The kernel's own __builtin_va_list
 */

static void test_builtin_va_list(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 tag, arr, bva, va, holder;
	struct emit e;

	(void)state;
	/* x86-64's va_list, as pahole records it from the kernel's DWARF */
	tag = STRUCT(b, "__va_list_tag", 24,
		     { "gp_offset", t.u32, 0 },
		     { "fp_offset", t.u32, 32 },
		     { "overflow_arg_area", t.voidp, 64 },
		     { "reg_save_area", t.voidp, 128 });
	arr = ok_id(btf__add_array(b, t.i32, tag, 1));
	bva = ok_id(btf__add_typedef(b, "__builtin_va_list", arr));
	va = ok_id(btf__add_typedef(b, "va_list", bva));
	holder = STRUCT(b, "va_holder", 32, { "n", t.i32, 0 },
			{ "ap", va, 64 });
	emit(&e, b);

	/* clang predefines __builtin_va_list: the kernel's is renamed */
	assert_string_equal(name_of(&e, bva), "__builtin_va_list___2");
	assert_string_equal(name_of(&e, va), "va_list");
	assert_string_equal(name_of(&e, tag), "__va_list_tag");
	assert_string_equal(name_of(&e, holder), "va_holder");
	pos_of(&e, "typedef struct __va_list_tag __builtin_va_list___2[1];");
	pos_of(&e, "typedef __builtin_va_list___2 va_list;");
	assert_count(&e, "typedef __builtin_va_list va_list", 0);
	pos_of(&e, "\tva_list ap;");
	/* va_holder keeps its 32 bytes, ap its 24 (checked by the oracle) */
	expect_roundtrip(&e, 4);
	emit_free(&e);
}

/* ------------------------------------------------------------------------
 * 5. Forward declarations
 */

static void test_forward_decls(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 bar, baz_fwd, baz, qux_fwd, qux, pbar, pbaz, pqux;
	struct emit e;
	char *s;

	(void)state;
	bar = ok_id(btf__add_fwd(b, "bar", BTF_FWD_STRUCT));
	baz_fwd = ok_id(btf__add_fwd(b, "baz", BTF_FWD_STRUCT));
	qux_fwd = ok_id(btf__add_fwd(b, "qux", BTF_FWD_UNION));
	pbar = ok_id(btf__add_ptr(b, bar));
	pbaz = ok_id(btf__add_ptr(b, baz_fwd));
	pqux = ok_id(btf__add_ptr(b, qux_fwd));
	STRUCT(b, "fwd_user", 24, { "bar", pbar, 0 }, { "baz", pbaz, 64 },
	       { "qux", pqux, 128 });
	baz = STRUCT(b, "baz", 4, { "x", t.i32, 0 });
	qux = STRUCT(b, "qux", 8, { "y", t.i64, 0 });
	emit(&e, b);

	/* declared only: its own name and a declaration */
	assert_string_equal(name_of(&e, bar), "bar");
	pos_of(&e, "struct bar;");
	assert_before(&e, "struct bar;", "struct fwd_user {");
	/* a forward of a defined struct is that struct */
	assert_string_equal(name_of(&e, baz_fwd), "baz");
	assert_string_equal(name_of(&e, baz), "baz");
	assert_count(&e, "baz___", 0);
	pos_of(&e, "\tstruct baz *baz;");
	/* union qux is not struct qux: a name of its own */
	assert_string_equal(name_of(&e, qux), "qux");
	assert_true(!strncmp(name_of(&e, qux_fwd), "qux___", 6));
	s = tg_test_path("union %s;", name_of(&e, qux_fwd));
	assert_before(&e, s, "struct fwd_user {");
	free(s);
	s = tg_test_path("\tunion %s *qux;", name_of(&e, qux_fwd));
	pos_of(&e, s);
	free(s);
	expect_roundtrip(&e, 3);
	emit_free(&e);
}

/* ------------------------------------------------------------------------
 * 6. Composites without members
 */

static void test_memberless(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 u8b, td;
	struct emit e;

	(void)state;
	/* the kernel's typedef union {} release_pages_arg, 8 bytes */
	u8b = add_comp(b, true, NULL, 8, NULL, 0);
	td = ok_id(btf__add_typedef(b, "release_pages_arg", u8b));
	add_comp(b, false, "empty24", 24, NULL, 0);
	add_comp(b, true, "empty16", 16, NULL, 0);
	add_comp(b, false, "empty3", 3, NULL, 0);
	STRUCT(b, "holds_empties", 16, { "c", t.chr, 0 }, { "arg", td, 64 });
	emit(&e, b);

	pos_of(&e, "} release_pages_arg;");
	pos_of(&e, "struct empty24 {");
	pos_of(&e, "union empty16 {");
	/* sizes and the member offset after it: the oracle */
	expect_roundtrip(&e, 5);
	emit_free(&e);
}

/*
 * Past the edge of C: a union larger than anything C can pad it with, floats
 * BPF has no type for, parameters named like keywords. Sizes stay exact.
 */
static void test_limits_of_c(void **state)
{
	static const char *const unions[] = { "u24", "uc24" };
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 f16, f2, f4, f8, fp, i;
	const struct btf_type *ot;
	struct btf *out;
	struct emit e;
	int oid;

	(void)state;
	add_comp(b, true, "u24", 24, NULL, 0);
	UNION(b, "uc24", 24, { "c", t.chr, 0 });
	f2 = ok_id(btf__add_float(b, "_Float16", 2));
	f4 = ok_id(btf__add_float(b, "float", 4));
	f8 = ok_id(btf__add_float(b, "double", 8));
	f16 = ok_id(btf__add_float(b, "long double", 16));
	STRUCT(b, "floats", 48, { "h", f2, 0 }, { "f", f4, 32 },
	       { "d", f8, 64 }, { "ld", f16, 128 }, { "after", t.chr, 256 });
	fp = ok_id(btf__add_func_proto(b, t.i32));
	assert_int_equal(btf__add_func_param(b, "int", t.i32), 0);
	assert_int_equal(btf__add_func_param(b, "struct", t.i32), 0);
	assert_int_equal(btf__add_func_param(b, "n", t.i32), 0);
	ok_id(btf__add_typedef(b, "keyword_params_fn",
			       ok_id(btf__add_ptr(b, fp))));
	emit(&e, b);

	/* keywords are dropped, ordinary names kept */
	assert_count(&e, "int int", 0);
	assert_count(&e, "int struct", 0);
	pos_of(&e, "int n)");
	/* no BPF type is 2 or 16 bytes of float: integers of the size */
	pos_of(&e, "unsigned short h;");
	pos_of(&e, "unsigned __int128 ld;");

	out = compile_header(&e);
	for (i = 0; i < 2; i++) {
		oid = btf__find_by_name_kind(out, unions[i], BTF_KIND_UNION);
		assert_true(oid > 0);
		ot = btf__type_by_id(out, oid);
		assert_int_equal(ot->size, 24);
		/* the padding struct: the one member C cannot do without */
		assert_string_equal(btf__name_by_offset(out,
				btf_members(ot)[btf_vlen(ot) - 1].name_off), "");
		assert_int_equal(btf_vlen(ot), i + 1);
	}
	/* everything else exactly as in the BTF */
	/* emit() has freed @b: look the input up in what was loaded */
	expect_same_type(&e, out,
			 btf__find_by_name_kind(tg_btf__btf(e.tb), "floats",
						BTF_KIND_STRUCT),
			 btf__find_by_name_kind(out, "floats", BTF_KIND_STRUCT));
	assert_true(btf__find_by_name_kind(out, "keyword_params_fn",
					   BTF_KIND_TYPEDEF) > 0);
	btf__free(out);
	emit_free(&e);
}

/*
 * Function pointers however the chain is built. gcc writes a noreturn
 * function pointer as PTR -> VOLATILE -> FUNC_PROTO: C has no qualified
 * function types, and kept, the qualifier turned the member into a
 * function returning a volatile pointer ("void volatile*exit(int)").
 */
static void test_function_declarators(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 fp, vfp, cfp, tfp, noret, arr, pcp, ft;
	struct emit e;

	(void)state;
	fp = ok_id(btf__add_func_proto(b, 0));
	assert_int_equal(btf__add_func_param(b, "code", t.i32), 0);
	vfp = ok_id(btf__add_ptr(b, ok_id(btf__add_volatile(b, fp))));
	noret = ok_id(btf__add_typedef(b, "noret_t", vfp));
	cfp = ok_id(btf__add_ptr(b, ok_id(btf__add_const(b, fp))));
	arr = ok_id(btf__add_array(b, t.i32, cfp, 3));
	/* pointer to const pointer to volatile function */
	pcp = ok_id(btf__add_ptr(b, ok_id(btf__add_const(b, vfp))));
	/* a type tag between the pointer and the function */
	tfp = ok_id(btf__add_ptr(b, ok_id(btf__add_type_tag(b, "user", fp))));
	/* a typedef of a qualified function type, used through a pointer */
	ft = ok_id(btf__add_typedef(b, "vfn_t", ok_id(btf__add_volatile(b, fp))));
	ok_id(btf__add_typedef(b, "noret_arr_t",
			       ok_id(btf__add_array(b, t.i32, noret, 2))));
	STRUCT(b, "fn_ops", 72, { "nr", noret, 0 }, { "exit", vfp, 64 },
	       { "table", arr, 128 }, { "pp", pcp, 320 }, { "tagged", tfp, 384 },
	       { "viat", ok_id(btf__add_ptr(b, ft)), 448 }, { "last", t.chr, 512 });
	emit(&e, b);

	assert_count(&e, "volatile*", 0);
	assert_count(&e, "volatile (", 0);
	pos_of(&e, "typedef void (*noret_t)(int code);");
	pos_of(&e, "void (*exit)(int code);");
	pos_of(&e, "void (*table[3])(int code);");
	pos_of(&e, "void (*const*pp)(int code);");
	pos_of(&e, "(*tagged)(int code);");
	pos_of(&e, "typedef void vfn_t(int code);");
	pos_of(&e, "typedef noret_t noret_arr_t[2];");
	expect_roundtrip(&e, named_types(&e));
	emit_free(&e);
}

/* ------------------------------------------------------------------------
 * 7. Enums whose size is not what their values ask for
 */

static void test_enum_sizes(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 pk, hi, e64, neg, umax, smin, opaque, popaque, opaque1, popaque1;
	struct emit e;

	(void)state;
	pk = ENUM(b, "e_packed", 1, { "PK0", 0 }, { "PK3", 3 });
	hi = ENUM(b, "e_hi", 2, { "HI0", 0 }, { "HI3", 3 });
	e64 = ENUM64(b, "e64_small", false, { "S64_A", 1 }, { "S64_B", 2 });
	neg = ENUM(b, "e_neg", 4, { "NEG_A", (__u64)-5 }, { "NEG_B", 7 });
	umax = ENUM64(b, "e64_umax", false, { "UMAX", ~0ULL }, { "UONE", 1 });
	smin = ENUM64(b, "e64_smin", true, { "SMIN", 1ULL << 63 },
		      { "SONE", 1 });
	/* enums BTF knows only by name: libbpf's forward has size 4 */
	opaque = ok_id(btf__add_fwd(b, "opaque", BTF_FWD_ENUM));
	popaque = ok_id(btf__add_ptr(b, opaque));
	opaque1 = ok_id(btf__add_enum(b, "opaque1", 1));
	popaque1 = ok_id(btf__add_ptr(b, opaque1));
	STRUCT(b, "enum_user", 56, { "pk", pk, 0 }, { "hi", hi, 16 },
	       { "neg", neg, 32 }, { "e64", e64, 64 }, { "umax", umax, 128 },
	       { "smin", smin, 192 }, { "op", popaque, 256 },
	       { "pk2", pk, 320 }, { "op1", popaque1, 384 });
	emit(&e, b);

	/* libbpf marks an enum with a negative value signed */
	assert_true(btf_kflag(btf__type_by_id(tg_btf__btf(e.tb), neg)));
	pos_of(&e, "\tPK3 = 3,\n} __attribute__((packed));");
	pos_of(&e, "enum __attribute__((mode(HI))) e_hi {");
	pos_of(&e, "enum __attribute__((mode(DI))) e64_small {");
	pos_of(&e, "\tNEG_A = -5,");
	pos_of(&e, "\tUMAX = 18446744073709551615ULL,");
	pos_of(&e, "\tSMIN = (-9223372036854775807LL - 1),");
	/* a forward declaration, yet of the size BTF gives */
	assert_true(btf_is_enum(btf__type_by_id(tg_btf__btf(e.tb), opaque)));
	assert_before(&e, "enum __attribute__((mode(SI))) opaque;",
		      "struct enum_user {");
	assert_before(&e, "enum __attribute__((mode(QI))) opaque1;",
		      "struct enum_user {");
	pos_of(&e, "\tenum opaque *op;");
	expect_roundtrip(&e, 9);
	emit_free(&e);
}

/* ------------------------------------------------------------------------
 * 8. Bitfields as old pahole wrote them: in the INT type, no kind_flag
 */

static void test_old_bitfields(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 i3, i5, u7o2, ul33, u4, s;
	struct emit e;

	(void)state;
	i3 = add_int_bits(b, "int", 4, BTF_INT_SIGNED, 3, 0);
	i5 = add_int_bits(b, "int", 4, BTF_INT_SIGNED, 5, 0);
	/* 7 bits at bit 2 of the int at the member's offset (bit 8) */
	u7o2 = add_int_bits(b, "unsigned int", 4, 0, 7, 2);
	ul33 = add_int_bits(b, "long unsigned int", 8, 0, 33, 0);
	/* the bits may sit behind a typedef */
	u4 = add_int_bits(b, "unsigned char", 1, 0, 4, 0);
	u4 = ok_id(btf__add_typedef(b, "u4_t", u4));
	s = STRUCT(b, "old_bits", 16, { "a", i3, 0 }, { "b", i5, 3 },
		   { "c", u7o2, 8 }, { "d", t.chr, 24 }, { "e", t.i32, 32 },
		   { "f", ul33, 64 }, { "g", u4, 97 });
	emit(&e, b);

	assert_false(btf_kflag(btf__type_by_id(tg_btf__btf(e.tb), s)));
	pos_of(&e, "\tint a: 3;\n\tint b: 5;\n");
	pos_of(&e, "\tunsigned int c: 7;\n\tchar d;\n\tint e;\n");
	pos_of(&e, "\tlong unsigned int f: 33;\n\tu4_t g: 4;\n");
	/* widths and offsets (c at bit 10) are the oracle's to check */
	expect_roundtrip(&e, 2);
	emit_free(&e);
}

/* ------------------------------------------------------------------------
 * 9. Integer names that are no C
 */

static void test_gcc_int_names(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 ssz, sz, td;
	struct emit e;

	(void)state;
	ssz = ok_id(btf__add_int(b, "ssizetype", 8, BTF_INT_SIGNED));
	sz = ok_id(btf__add_int(b, "sizetype", 8, 0));
	td = ok_id(btf__add_typedef(b, "my_ssize_t", ssz));
	STRUCT(b, "gcc_ints", 24, { "x", ssz, 0 }, { "y", sz, 64 },
	       { "z", td, 128 });
	emit(&e, b);

	assert_count(&e, "sizetype", 0);
	pos_of(&e, "\tlong x;\n\tunsigned long y;\n");
	pos_of(&e, "typedef long my_ssize_t;");
	expect_roundtrip(&e, 2);
	emit_free(&e);
}

/* ------------------------------------------------------------------------
 * 10. Anonymous enums used twice, or not at all
 */

static void test_anon_enums(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 shared, once, s1, s2;
	struct emit e;

	(void)state;
	shared = ENUM(b, NULL, 4, { "AE_ONE", 1 }, { "AE_TWO", 2 });
	ENUM(b, NULL, 4, { "LONELY", 7 });
	once = ENUM(b, NULL, 1, { "ONCE_A", 0 }, { "ONCE_B", 200 });
	s1 = STRUCT(b, "s1", 4, { "e", shared, 0 });
	s2 = STRUCT(b, "s2", 12, { "x", t.i32, 0 }, { "e", shared, 32 },
		    { "o", once, 64 });
	emit(&e, b);

	assert_string_equal(name_of(&e, s1), "s1");
	assert_string_equal(name_of(&e, s2), "s2");
	assert_null(tg_c_dumper__name(e.d, shared));
	/* written once on its own; its users hold an int of its size */
	assert_count(&e, "AE_ONE", 1);
	assert_count(&e, "AE_TWO", 1);
	assert_before(&e, "AE_ONE = 1", "struct s1 {");
	pos_of(&e, "struct s1 {\n\tunsigned int e;\n}");
	/* referenced nowhere, still written: its constants are API */
	assert_count(&e, "LONELY = 7", 1);
	/* used once: inline, as C wrote it */
	assert_count(&e, "ONCE_B = 200", 1);
	assert_before(&e, "struct s2 {", "ONCE_B = 200");
	expect_roundtrip(&e, 2);
	emit_free(&e);
}

/* ------------------------------------------------------------------------
 * 11. Type tags
 */

/* Does @btf hold a TYPE_TAG @name, with kind_flag @kflag, over @kind? */
static bool has_type_tag(const struct btf *btf, const char *name, bool kflag,
			 int kind)
{
	__u32 id, n = btf__type_cnt(btf);

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_type *tt;

		if (!btf_is_type_tag(t) ||
		    strcmp(btf__name_by_offset(btf, t->name_off), name) ||
		    btf_kflag(t) != kflag)
			continue;
		tt = btf__type_by_id(btf, t->type);
		if (tt && (int)btf_kind(tt) == kind)
			return true;
	}
	return false;
}

static void test_type_tags(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 user, puser, as1, pas1;
	struct emit e;
	struct btf *out;

	(void)state;
	user = ok_id(btf__add_type_tag(b, "user", t.i32));
	puser = ok_id(btf__add_ptr(b, user));
	as1 = ok_id(btf__add_type_tag(b, "address_space(1)", 0));
	set_kflag(b, as1);
	pas1 = ok_id(btf__add_ptr(b, as1));
	STRUCT(b, "tagged", 16, { "uptr", puser, 0 }, { "arena", pas1, 64 });
	emit(&e, b);

	assert_true(btf_kflag(btf__type_by_id(tg_btf__btf(e.tb), as1)));
	pos_of(&e, "\tint __attribute__((btf_type_tag(\"user\"))) *uptr;");
	pos_of(&e, "\tvoid __attribute__((address_space(1))) *arena;");
	assert_count(&e, "btf_type_tag(\"address_space", 0);
	expect_roundtrip(&e, 1);

	/* clang keeps the btf_type_tag: PTR -> TYPE_TAG(user) -> INT */
	out = roundtrip_dumper(&e, 1);
	assert_true(has_type_tag(out, "user", false, BTF_KIND_INT));
	btf__free(out);
	emit_free(&e);
}

/* ------------------------------------------------------------------------
 * 12. Deterministic output; the unsorted option
 */

/* A bit of everything, in an id order that sorting has to change. */
static struct btf *build_mixed(void)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 zz, fwd, pfwd, anon;

	zz = STRUCT(b, "zz_first", 8, { "x", t.i64, 0 });
	add_foo(b, &t, 1);
	add_foo(b, &t, 0);
	fwd = ok_id(btf__add_fwd(b, "later", BTF_FWD_STRUCT));
	pfwd = ok_id(btf__add_ptr(b, fwd));
	anon = ENUM(b, NULL, 4, { "MX_A", 1 });
	STRUCT(b, "aa_last", 24, { "z", zz, 0 }, { "p", pfwd, 64 },
	       { "e", anon, 128 }, { "f", anon, 160 });
	STRUCT(b, "later", 4, { "y", t.i32, 0 });
	ENUM(b, "mx", 4, { "MX_A", 2 });
	ok_id(btf__add_typedef(b, "zz_t", zz));
	return b;
}

static void test_deterministic(void **state)
{
	struct emit e1, e2;
	char *again;

	(void)state;
	emit(&e1, build_mixed());
	emit(&e2, build_mixed());
	/* the same dumper twice, and a second dumper of the same types */
	again = dump_text(e1.d);
	assert_string_equal(e1.text, again);
	assert_string_equal(e1.text, e2.text);
	/* sorted: by name, not by id */
	assert_before(&e1, "struct aa_last {", "struct later {");
	expect_roundtrip(&e1, 7);
	free(again);
	emit_free(&e1);
	emit_free(&e2);
}

static void test_unsorted(void **state)
{
	TG_OPTS(tg_c_opts, o, .unsorted = true);
	struct emit e, sorted;
	char *again;

	(void)state;
	emit_opts(&e, build_mixed(), &o);
	emit(&sorted, build_mixed());
	again = dump_text(e.d);
	assert_string_equal(e.text, again);
	/* id order: zz_first and the foos before aa_last, enums last */
	assert_before(&e, "struct zz_first {", "struct foo");
	assert_before(&e, "struct foo", "struct aa_last {");
	assert_before(&e, "struct later;", "struct aa_last {");
	assert_before(&e, "struct aa_last {", "struct later {");
	assert_before(&e, "struct later {", "enum mx {");
	/* sorted: enums first, then aa_last (pulling in zz_first), foo */
	assert_before(&sorted, "enum mx {", "struct zz_first {");
	assert_before(&sorted, "struct aa_last {", "struct foo");
	assert_string_not_equal(e.text, sorted.text);
	/* compiles and round-trips as written with this option */
	btf__free(roundtrip_dumper(&e, 7));
	expect_roundtrip(&e, 7);
	free(again);
	emit_free(&e);
	emit_free(&sorted);
}

/* ------------------------------------------------------------------------
 * 13. Declaration order
 */

/*
 * Users come first both by id and by name, so only the dependencies can
 * put what they need ahead of them. Members may name ids added later.
 */
static struct btf *build_order(void)
{
	struct base t;
	struct btf *b = new_btf(&t);
	__u32 id = btf__type_cnt(b), ptr;

	/* a_outer holds z_inner by value */
	STRUCT(b, "a_outer", 8, { "in", id + 1, 0 }, { "y", t.i32, 32 });
	assert_int_equal(STRUCT(b, "z_inner", 4, { "x", t.i32, 0 }), id + 1);

	/* a_pointer only points to z_pointee */
	id = btf__type_cnt(b);
	ptr = ok_id(btf__add_ptr(b, id + 2));
	STRUCT(b, "a_pointer", 8, { "p", ptr, 0 });
	assert_int_equal(STRUCT(b, "z_pointee", 4, { "v", t.i32, 0 }), id + 2);

	/* amut holds bmut by value, bmut points back to amut */
	id = btf__type_cnt(b);
	STRUCT(b, "amut", 16, { "b", id + 2, 0 }, { "n", t.i64, 64 });
	ptr = ok_id(btf__add_ptr(b, id));
	assert_int_equal(STRUCT(b, "bmut", 8, { "a", ptr, 0 }), id + 2);
	return b;
}

static void check_order(const struct emit *e)
{
	/* by value: defined before the user */
	assert_before(e, "struct z_inner {", "struct a_outer {");
	/* through a pointer: declared before the first use */
	assert_before(e, "struct z_pointee;", "struct a_pointer {");
	assert_before(e, "struct a_pointer {", "struct z_pointee {");
	/* mutual: B (pointer to A) first, A (B by value) after */
	assert_before(e, "struct amut;", "struct bmut {");
	assert_before(e, "struct bmut {", "struct amut {");
	assert_count(e, "struct amut {", 1);
	assert_count(e, "struct bmut {", 1);
}

static void test_order(void **state)
{
	TG_OPTS(tg_c_opts, o, .unsorted = true);
	struct emit e;

	(void)state;
	emit(&e, build_order());
	check_order(&e);
	expect_roundtrip(&e, 6);
	emit_free(&e);

	/* id order needs the same fixes */
	emit_opts(&e, build_order(), &o);
	check_order(&e);
	btf__free(roundtrip_dumper(&e, 6));
	emit_free(&e);
}

/* ------------------------------------------------------------------------
 * 14. Hostile but loadable BTF
 */

static void build_self_struct(struct btf *b, const struct base *t)
{
	__u32 a = ok_id(btf__add_struct(b, "a", 4));

	(void)t;
	ok_id(btf__add_field(b, "x", a, 0, 0) + 1);
}

static void build_mutual_structs(struct btf *b, const struct base *t)
{
	__u32 a = ok_id(btf__add_struct(b, "ma", 4));

	(void)t;
	ok_id(btf__add_field(b, "b", a + 1, 0, 0) + 1);
	assert_int_equal(STRUCT(b, "mb", 4, { "a", a, 0 }), a + 1);
}

static void build_typedef_cycle(struct btf *b, const struct base *t)
{
	__u32 tt = ok_id(btf__add_typedef(b, "T", t->i32));
	__u32 u = ok_id(btf__add_typedef(b, "U", tt));

	set_ref(b, tt, u);
}

static void build_typedef_cycle_used(struct btf *b, const struct base *t)
{
	build_typedef_cycle(b, t);
	STRUCT(b, "uses_t", 4, { "t", btf__type_cnt(b) - 2, 0 });
}

static void build_ptr_cycle(struct btf *b, const struct base *t)
{
	__u32 p1 = ok_id(btf__add_ptr(b, 0));
	__u32 p2 = ok_id(btf__add_ptr(b, p1));

	set_ref(b, p1, p2);
	STRUCT(b, "ptrs", 8, { "p", p1, 0 });
	(void)t;
}

static void build_ptr_self(struct btf *b, const struct base *t)
{
	__u32 p = ok_id(btf__add_ptr(b, 0));

	set_ref(b, p, p);
	ok_id(btf__add_typedef(b, "selfp", p));
	(void)t;
}

static void build_const_cycle(struct btf *b, const struct base *t)
{
	__u32 c = ok_id(btf__add_const(b, 0));
	__u32 v = ok_id(btf__add_volatile(b, c));

	set_ref(b, c, v);
	STRUCT(b, "cv", 8, { "p", c, 0 });
	(void)t;
}

static void build_array_self(struct btf *b, const struct base *t)
{
	__u32 a = ok_id(btf__add_array(b, t->i32, t->i32, 2));

	((struct btf_array *)(type_rw(b, a) + 1))->type = a;
	STRUCT(b, "arr", 8, { "a", a, 0 });
}

static void build_anon_self(struct btf *b, const struct base *t)
{
	/* an anonymous struct holding a pointer to itself, used by value */
	__u32 p = ok_id(btf__add_ptr(b, 0));
	__u32 anon = STRUCT(b, NULL, 8, { "next", p, 0 });

	set_ref(b, p, anon);
	STRUCT(b, "holder", 8, { "in", anon, 0 });
	(void)t;
}

struct hostile {
	const char *what;
	void (*build)(struct btf *b, const struct base *t);
	int want;	/* the error the dumper must give, 0: any */
};

static void test_hostile(void **state)
{
	static const struct hostile cases[] = {
		{ "struct a { struct a x; }", build_self_struct,
		  -TG_ERRNO__CYCLE },
		{ "ma holds mb holds ma", build_mutual_structs,
		  -TG_ERRNO__CYCLE },
		{ "typedef T U; typedef U T;", build_typedef_cycle,
		  -TG_ERRNO__CYCLE },
		{ "typedef cycle used by a member", build_typedef_cycle_used,
		  0 },
		{ "PTR -> PTR -> first PTR", build_ptr_cycle, 0 },
		{ "PTR -> itself", build_ptr_self, 0 },
		{ "CONST -> VOLATILE -> CONST", build_const_cycle, 0 },
		{ "ARRAY of itself", build_array_self, 0 },
		/* C cannot name an anonymous struct inside itself */
		{ "anonymous struct pointing to itself", build_anon_self,
		  -TG_ERRNO__CYCLE },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct tg_c_dumper *d = NULL;
		struct tg_btf *tb = NULL;
		struct base t;
		struct btf *b;
		char *dir, *path;
		int err;

		b = new_btf(&t);
		cases[i].build(b, &t);
		path = save_btf(b, &dir);
		/* a hang is a failure too */
		alarm(60);
		err = tg_btf__open(path, NULL, &tb);
		if (err) {
			printf("hostile: %s: rejected at load (%d)\n",
			       cases[i].what, err);
			assert_true(err < 0);
			assert_null(tb);
		} else {
			err = tg_c_dumper__new(tb, NULL, &d);
			printf("hostile: %s: dumper gives %d\n", cases[i].what,
			       err);
			if (err >= 0)
				fail_msg("%s: accepted", cases[i].what);
			if (cases[i].want)
				assert_int_equal(err, cases[i].want);
			assert_null(d);
		}
		alarm(0);
		tg_btf__free(tb);
		tg_test_rmtree(dir);
		free(dir);
		free(path);
	}
}

/* ------------------------------------------------------------------------
 * 15. Packing and alignment
 */

static void test_packed_aligned(void **state)
{
	struct base t;
	struct btf *b = new_btf(&t);
	struct emit e;
	__u32 pk, al;

	(void)state;
	/* int at offset 1: only packed explains it */
	pk = STRUCT(b, "pk", 5, { "c", t.chr, 0 }, { "i", t.i32, 8 });
	/* 12 bytes of members in 64: aligned(64) */
	STRUCT(b, "al64", 64, { "a", t.i32, 0 }, { "b", t.i32, 32 },
	       { "c", t.i32, 64 });
	/* a member at 64 after 8 bytes: the member is aligned(64) */
	STRUCT(b, "ma64", 128, { "a", t.i64, 0 }, { "b", t.i64, 512 });
	/* sizes that are no multiple of the natural alignment */
	STRUCT(b, "odd12", 12, { "l", t.i64, 0 }, { "i", t.i32, 64 });
	STRUCT(b, "odd6", 6, { "i", t.i32, 0 }, { "c", t.chr, 32 });
	/* a packed struct inside a normal one, placed at 4 */
	STRUCT(b, "holds_pk", 12, { "c", t.chr, 0 }, { "p", pk, 32 });
	/* an aligned(64) struct at offset 1: packed overrides it */
	al = STRUCT(b, "al_in", 64, { "x", t.i32, 0 });
	STRUCT(b, "pk_al", 65, { "c", t.chr, 0 }, { "a", al, 8 });
	/* a bitfield straddling its int: only in a packed struct */
	STRUCT(b, "straddle", 5, { "a", t.i32, 0, 4 }, { "b", t.i32, 4, 30 });
	emit(&e, b);

	pos_of(&e, "struct pk {\n\tchar c;\n\tint i;\n"
		   "} __attribute__((packed));");
	pos_of(&e, "\tint c;\n} __attribute__((aligned(64)));");
	pos_of(&e, "\tlong b __attribute__((aligned(64)));");
	/* the member's attribute alone explains ma64's size: none on it */
	assert_count(&e, "\tlong b __attribute__((aligned(64)));\n};", 1);
	pos_of(&e, "struct odd12 {\n\tlong l;\n\tint i;\n"
		   "} __attribute__((packed));");
	pos_of(&e, "struct odd6 {\n\tint i;\n\tchar c;\n\tchar: 8;\n"
		   "} __attribute__((packed));");
	pos_of(&e, "\tstruct pk p __attribute__((aligned(4)));");
	pos_of(&e, "\tstruct al_in a;\n} __attribute__((packed));");
	pos_of(&e, "\tint a: 4;\n\tint b: 30;\n} __attribute__((packed));");
	expect_roundtrip(&e, 9);
	emit_free(&e);
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dup_names_stable),
		cmocka_unit_test(test_dup_names_same_shape),
		cmocka_unit_test(test_dup_names_three),
		cmocka_unit_test(test_dup_names_skip_taken),
		cmocka_unit_test(test_tag_namespace),
		cmocka_unit_test(test_enumerator_clash),
		cmocka_unit_test(test_builtin_va_list),
		cmocka_unit_test(test_forward_decls),
		cmocka_unit_test(test_memberless),
		cmocka_unit_test(test_limits_of_c),
		cmocka_unit_test(test_function_declarators),
		cmocka_unit_test(test_enum_sizes),
		cmocka_unit_test(test_old_bitfields),
		cmocka_unit_test(test_gcc_int_names),
		cmocka_unit_test(test_anon_enums),
		cmocka_unit_test(test_type_tags),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_unsorted),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_packed_aligned),
	};

	tg_test_silence_libbpf();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
