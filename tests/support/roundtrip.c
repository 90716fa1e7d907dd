// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The round-trip oracle (see roundtrip.h). Deliberately written without the
 * emitter's internals: names come from tg_c_dumper__name() only, and the
 * comparison reads both sides through libbpf.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "tg_test.h"
#include "roundtrip.h"

static int write_dump(FILE *out, void *ctx)
{
	return tg_c_dumper__dump(ctx, out);
}

int rt_write_header(const struct tg_c_dumper *d, const char *path)
{
	return tg_write_file_atomic(path, write_dump, (void *)d);
}

static __u32 skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t;

	while ((t = btf__type_by_id(btf, id)) &&
	       (btf_is_mod(t) || btf_is_typedef(t)))
		id = t->type;
	return id;
}

/* Can a variable of this type be defined (complete, not a function)? */
static bool value_type(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods(btf, id));

	if (!t || btf_is_void(t) || btf_is_fwd(t) || btf_is_func_proto(t))
		return false;
	if (btf_is_any_enum(t) && !btf_vlen(t))
		return false;
	return true;
}

static const char *tag_of(const struct btf_type *t)
{
	if (btf_is_struct(t))
		return "struct ";
	if (btf_is_union(t))
		return "union ";
	if (btf_is_any_enum(t))
		return "enum ";
	return "";
}

static bool is_compared_kind(const struct btf_type *t)
{
	return btf_is_composite(t) || btf_is_any_enum(t) || btf_is_typedef(t);
}

const char *rt_dumper_name(void *dumper, __u32 id)
{
	return tg_c_dumper__name(dumper, id);
}

int rt_compile_uses(const struct btf *btf, rt_name_fn name_fn, void *ctx,
		    const char *hdr, const char *obj, bool werror, char **diag)
{
	return rt_compile_uses_for("bpf", btf, name_fn, ctx, hdr, obj, werror,
				   diag);
}

int rt_compile_uses_for(const char *target, const struct btf *btf,
			rt_name_fn name_fn, void *ctx, const char *hdr,
			const char *obj, bool werror, char **diag)
{
	char *src = tg_test_path("%s.use.c", obj), *cmd, *abs_hdr;
	FILE *f = fopen(src, "w");
	__u32 id, n = btf__type_cnt(btf);
	int rc;

	if (!f)
		return -errno;
	abs_hdr = realpath(hdr, NULL);
	fprintf(f, "#include \"%s\"\n", abs_hdr ? abs_hdr : hdr);
	free(abs_hdr);
	/*
	 * One global holding a member of every type: clang emits the full BTF
	 * of each, and one variable compiles far faster than thousands.
	 */
	fprintf(f, "struct __rt_uses {\n");
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = name_fn(ctx, id);

		if (!name || !is_compared_kind(t))
			continue;
		/* by value where C allows, so clang emits the full type */
		fprintf(f, "\t%s%s %sm%u;\n", tag_of(t), name,
			value_type(btf, id) ? "" : "*", id);
	}
	fprintf(f, "} __rt_all;\n");
	fclose(f);
	/* CO-RE is for BPF: elsewhere preserve_access_index is an error */
	cmd = tg_test_path("%s -g -O2 -target %s %s %s -c '%s' -o '%s'",
			   tg_test_clang(), target,
			   strncmp(target, "bpf", 3) ?
			   "-DBPF_NO_PRESERVE_ACCESS_INDEX" : "",
			   werror ? "-Wall -Werror" : "-w", src, obj);
	rc = tg_test_run(cmd, NULL, diag);
	free(cmd);
	free(src);
	return rc;
}

/* Output types by kind class and name. */
struct name_map_ent {
	char cls;
	const char *name;
	__u32 id;
};

struct name_map {
	struct name_map_ent *ents;
	size_t cnt;
};

static char class_of(const struct btf_type *t)
{
	if (btf_is_struct(t))
		return 's';
	if (btf_is_union(t))
		return 'u';
	if (btf_is_any_enum(t))
		return 'e';
	if (btf_is_typedef(t))
		return 't';
	return 0;
}

static int map_cmp(const void *pa, const void *pb)
{
	const struct name_map_ent *a = pa, *b = pb;

	if (a->cls != b->cls)
		return a->cls - b->cls;
	return strcmp(a->name, b->name);
}

static int map_build(const struct btf *btf, struct name_map *m)
{
	__u32 id, n = btf__type_cnt(btf);

	m->ents = calloc(n, sizeof(*m->ents));
	if (!m->ents)
		return -ENOMEM;
	m->cnt = 0;
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);

		if (!class_of(t) || !name || !*name)
			continue;
		m->ents[m->cnt++] = (struct name_map_ent){ class_of(t), name, id };
	}
	qsort(m->ents, m->cnt, sizeof(*m->ents), map_cmp);
	return 0;
}

static __u32 map_find(const struct name_map *m, char cls, const char *name)
{
	struct name_map_ent key = { cls, name, 0 }, *e;

	e = bsearch(&key, m->ents, m->cnt, sizeof(*m->ents), map_cmp);
	return e ? e->id : 0;
}

/* A member's bit offset and bitfield width, either BTF encoding. */
static void member_pos(const struct btf *btf, const struct btf_type *t,
		       __u32 i, __u32 *off, __u32 *bits)
{
	const struct btf_type *mt;

	*off = btf_member_bit_offset(t, i);
	*bits = btf_member_bitfield_size(t, i);
	if (btf_kflag(t))
		return;
	mt = btf__type_by_id(btf, skip_mods(btf, btf_members(t)[i].type));
	if (mt && btf_is_int(mt) &&
	    (btf_int_bits(mt) != mt->size * 8 || btf_int_offset(mt))) {
		*bits = btf_int_bits(mt);
		*off += btf_int_offset(mt);
	}
}

static const char *name_of(const struct btf *btf, __u32 off)
{
	const char *s = btf__name_by_offset(btf, off);

	return s ? s : "";
}

/* Output enumerator names may carry the ___N a clash gave them. */
static bool same_enumerator(const char *in, const char *out)
{
	size_t n = strlen(in);

	if (!strcmp(in, out))
		return true;
	if (strncmp(in, out, n) || strncmp(out + n, "___", 3) || !out[n + 3])
		return false;
	return strspn(out + n + 3, "0123456789") == strlen(out + n + 3);
}

static __u64 enum_val(const struct btf_type *t, __u32 i)
{
	__u64 v = btf_is_enum64(t) ? btf_enum64_value(btf_enum64(t) + i) :
				     (__u32)btf_enum(t)[i].val;

	return t->size < 8 ? v & ((1ULL << (t->size * 8)) - 1) : v;
}

struct cmp_ctx {
	const struct btf *in, *out;
	const char *what;	/* the named type being compared */
	FILE *log;
	int diffs;
};

static void diff(struct cmp_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void diff(struct cmp_ctx *c, const char *fmt, ...)
{
	va_list ap;

	c->diffs++;
	if (!c->log)
		return;
	fprintf(c->log, "roundtrip: %s: ", c->what);
	va_start(ap, fmt);
	vfprintf(c->log, fmt, ap);
	va_end(ap);
	fputc('\n', c->log);
}

static void cmp_type(struct cmp_ctx *c, __u32 in_id, __u32 out_id, int depth);

static bool is_anon_composite(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	return t && btf_is_composite(t) && !*name_of(btf, t->name_off);
}

static __u32 skip_qualifiers(const struct btf *btf, __u32 id)
{
	const struct btf_type *t;

	while ((t = btf__type_by_id(btf, id)) && btf_is_mod(t))
		id = t->type;
	return id;
}

static void cmp_members(struct cmp_ctx *c, const struct btf_type *a,
			const struct btf_type *b, int depth)
{
	__u32 i;

	if (btf_vlen(a) != btf_vlen(b)) {
		diff(c, "%u members, header gives %u", btf_vlen(a), btf_vlen(b));
		return;
	}
	for (i = 0; i < btf_vlen(a); i++) {
		const struct btf_member *ma = btf_members(a) + i;
		const struct btf_member *mb = btf_members(b) + i;
		const char *na = name_of(c->in, ma->name_off);
		const char *nb = name_of(c->out, mb->name_off);
		__u32 oa, ob, ba, bb, ta, tb;
		__s64 sa, sb;

		member_pos(c->in, a, i, &oa, &ba);
		member_pos(c->out, b, i, &ob, &bb);
		if (strcmp(na, nb))
			diff(c, "member %u is '%s', header gives '%s'", i, na, nb);
		if (oa != ob)
			diff(c, "member '%s' at bit %u, header gives %u", na, oa, ob);
		if (ba != bb)
			diff(c, "member '%s' bitfield %u, header gives %u", na, ba, bb);
		sa = btf__resolve_size(c->in, ma->type);
		sb = btf__resolve_size(c->out, mb->type);
		if (sa != sb)
			diff(c, "member '%s' size %lld, header gives %lld", na,
			     (long long)sa, (long long)sb);
		ta = skip_qualifiers(c->in, ma->type);
		tb = skip_qualifiers(c->out, mb->type);
		if (is_anon_composite(c->in, ta) && is_anon_composite(c->out, tb))
			cmp_type(c, ta, tb, depth + 1);
	}
}

static void cmp_enum(struct cmp_ctx *c, const struct btf_type *a,
		     const struct btf_type *b)
{
	__u32 i;

	if (btf_vlen(a) != btf_vlen(b)) {
		diff(c, "%u enumerators, header gives %u", btf_vlen(a), btf_vlen(b));
		return;
	}
	for (i = 0; i < btf_vlen(a); i++) {
		__u32 oa = btf_is_enum(a) ? btf_enum(a)[i].name_off :
					    btf_enum64(a)[i].name_off;
		__u32 ob = btf_is_enum(b) ? btf_enum(b)[i].name_off :
					    btf_enum64(b)[i].name_off;
		const char *na = name_of(c->in, oa), *nb = name_of(c->out, ob);

		if (!same_enumerator(na, nb))
			diff(c, "enumerator %u is '%s', header gives '%s'", i, na, nb);
		if (enum_val(a, i) != enum_val(b, i))
			diff(c, "enumerator '%s' = %llu, header gives %llu", na,
			     (unsigned long long)enum_val(a, i),
			     (unsigned long long)enum_val(b, i));
	}
}

static void cmp_type(struct cmp_ctx *c, __u32 in_id, __u32 out_id, int depth)
{
	const struct btf_type *a = btf__type_by_id(c->in, in_id);
	const struct btf_type *b = btf__type_by_id(c->out, out_id);
	__s64 sa, sb;

	if (depth > 32)
		return;
	if (class_of(a) != class_of(b)) {
		diff(c, "kind %u, header gives kind %u", btf_kind(a), btf_kind(b));
		return;
	}
	sa = btf__resolve_size(c->in, in_id);
	sb = btf__resolve_size(c->out, out_id);
	if (sa != sb)
		diff(c, "size %lld, header gives %lld", (long long)sa, (long long)sb);
	if (btf_is_composite(a))
		cmp_members(c, a, b, depth);
	else if (btf_is_any_enum(a))
		cmp_enum(c, a, b);
	else if (btf_is_typedef(a)) {
		const struct btf_type *ra = btf__type_by_id(c->in, skip_mods(c->in, in_id));
		const struct btf_type *rb = btf__type_by_id(c->out, skip_mods(c->out, out_id));

		if (ra && rb && btf_kind(ra) != btf_kind(rb) &&
		    !(btf_is_any_enum(ra) && btf_is_int(rb)))
			diff(c, "typedef of kind %u, header gives kind %u",
			     btf_kind(ra), btf_kind(rb));
	}
}

int rt_compare(const struct btf *in, rt_name_fn name_fn, void *ctx,
	       const struct btf *out, FILE *log, struct rt_result *res)
{
	struct cmp_ctx c = { .in = in, .out = out, .log = log };
	struct name_map m;
	__u32 id, n = btf__type_cnt(in);
	char what[512];

	memset(res, 0, sizeof(*res));
	res->bad_ids = calloc(n, sizeof(*res->bad_ids));
	if (!res->bad_ids || map_build(out, &m)) {
		free(res->bad_ids);
		res->bad_ids = NULL;
		return -ENOMEM;
	}
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(in, id);
		const char *name = name_fn(ctx, id);
		int before = c.diffs;
		__u32 out_id;

		if (!name || !is_compared_kind(t))
			continue;
		snprintf(what, sizeof(what), "%s%s (id %u)", tag_of(t), name, id);
		c.what = what;
		out_id = map_find(&m, class_of(t), name);
		if (!out_id)
			diff(&c, "missing from the compiled header's BTF");
		else
			cmp_type(&c, id, out_id, 0);
		res->checked += out_id != 0;
		if (c.diffs != before)
			res->bad_ids[res->bad_cnt++] = id;
	}
	res->diffs = c.diffs;
	free(m.ents);
	return 0;
}

int rt_check_file(const char *path, int *checked)
{
	char *dir = tg_test_mkdtemp();
	char *hdr = tg_test_path("%s/vmlinux.h", dir);
	char *obj = tg_test_path("%s/use.o", dir);
	struct tg_c_dumper *d = NULL;
	struct tg_btf *in = NULL;
	struct btf *out = NULL;
	struct rt_result res = {};
	char *diag = NULL, msg[256];
	int err, rc;

	*checked = 0;
	err = tg_btf__open(path, NULL, &in);
	if (!err)
		err = tg_c_dumper__new(in, NULL, &d);
	if (!err)
		err = rt_write_header(d, hdr);
	if (err) {
		tg_strerror(err, msg, sizeof(msg));
		fprintf(stderr, "roundtrip: %s: %s\n", path, msg);
		goto out;
	}
	rc = rt_compile_uses(tg_btf__btf(in), rt_dumper_name, d, hdr, obj, true,
			     &diag);
	if (rc) {
		fprintf(stderr, "roundtrip: %s: header does not compile (%d):\n%.4000s\n",
			path, rc, diag ? diag : "");
		err = -EINVAL;
		goto out;
	}
	out = btf__parse_elf(obj, NULL);
	if (!out) {
		err = -errno;
		fprintf(stderr, "roundtrip: %s: no BTF in %s\n", path, obj);
		goto out;
	}
	err = rt_compare(tg_btf__btf(in), rt_dumper_name, d, out, stderr, &res);
	if (!err) {
		*checked = res.checked;
		err = res.diffs;
	}
	free(res.bad_ids);
out:
	btf__free(out);
	tg_c_dumper__free(d);
	tg_btf__free(in);
	free(diag);
	/* TG_KEEP_TMP=1 keeps the header and objects for a look */
	if (err == 0 && !getenv("TG_KEEP_TMP"))
		tg_test_rmtree(dir);
	free(hdr);
	free(obj);
	free(dir);
	return err;
}
