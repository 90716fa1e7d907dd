// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Differential test against libbpf's btf_dump (what bpftool prints).
 *
 * 1. Both headers must define the same set of names (struct, union, enum,
 *    typedef), up to the numbering of ___N duplicates. Clang's AST lists
 *    what each header really defines.
 * 2. Where btf_dump's layout of a type differs from the BTF (found with the
 *    round-trip oracle on its header), typegen's must not, and each such
 *    type is named with the reason libbpf gets it wrong. A difference with
 *    no known reason fails the test.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "tg_test.h"
#include "roundtrip.h"

/* ---- libbpf's header ---------------------------------------------------- */

static void btf_dump_printf(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

static int write_libbpf_header(FILE *f, void *ctx)
{
	const struct btf *btf = ctx;
	struct btf_dump *dd;
	__u32 id, n = btf__type_cnt(btf);
	int err = 0;

	dd = btf_dump__new(btf, btf_dump_printf, f, NULL);
	if (!dd)
		return -errno;
	fprintf(f, "#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n"
		   "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n\n");
	for (id = 1; id < n && !err; id++)
		err = btf_dump__dump_type(dd, id);
	fprintf(f, "#pragma clang attribute pop\n\n#endif\n");
	btf_dump__free(dd);
	return err;
}

/* ---- what a header defines, according to clang ------------------------- */

struct name_set {
	char **names;	/* "struct foo", "typedef bar", ___N stripped */
	size_t cnt, cap;
};

static void set_add(struct name_set *s, const char *kind, const char *name,
		    size_t len)
{
	const char *sfx;
	char *e;

	/* strip a CO-RE flavor suffix: foo___2 -> foo */
	for (sfx = name; (sfx = strstr(sfx, "___")) && sfx < name + len; sfx += 3)
		if (sfx + 3 < name + len &&
		    strspn(sfx + 3, "0123456789") == (size_t)(name + len - sfx - 3))
			len = sfx - name;
	if (s->cnt == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->names = realloc(s->names, s->cap * sizeof(*s->names));
		assert_non_null(s->names);
	}
	assert_true(asprintf(&e, "%s %.*s", kind, (int)len, name) > 0);
	s->names[s->cnt++] = e;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The last blank-separated token of [line, end). */
static const char *last_token(const char *line, const char *end, size_t *len)
{
	const char *p = end;

	while (p > line && p[-1] == ' ')
		p--;
	*len = 0;
	while (p > line && p[-1] != ' ') {
		p--;
		(*len)++;
	}
	return p;
}

static void parse_decl_line(struct name_set *s, const char *line,
			    const char *eol)
{
	const char *p, *name;
	size_t len;

	if (strstr(line, "<invalid sloc>"))
		return;		/* clang's implicit declarations */
	if (!strncmp(line + 2, "RecordDecl", 10)) {
		if (eol - line < 11 || strncmp(eol - 11, " definition", 11))
			return;	/* a forward declaration */
		name = last_token(line, eol - 11, &len);
		if (!strncmp(name, "struct", len) || !strncmp(name, "union", len))
			return;	/* anonymous */
		p = name - 1;
		while (p > line && p[-1] != ' ')
			p--;
		set_add(s, !strncmp(p, "union", 5) ? "union" : "struct", name, len);
	} else if (!strncmp(line + 2, "EnumDecl", 8)) {
		name = last_token(line, eol, &len);
		if (!strncmp(name, "line:", 5) || !strncmp(name, "col:", 4))
			return;	/* anonymous */
		set_add(s, "enum", name, len);
	} else if (!strncmp(line + 2, "TypedefDecl", 11)) {
		p = strstr(line, " '");
		if (!p || p > eol)
			return;
		name = last_token(line, p, &len);
		set_add(s, "typedef", name, len);
	}
}

static void header_names(const char *hdr, struct name_set *s)
{
	char *cmd, *out = NULL, *line, *eol;
	int rc;

	cmd = tg_test_path("%s -target bpf -fsyntax-only -Xclang -ast-dump "
			   "-fno-color-diagnostics '%s' | grep -E "
			   "'^(\\||`)-(RecordDecl|TypedefDecl|EnumDecl)'",
			   tg_test_clang(), hdr);
	rc = tg_test_run(cmd, &out, NULL);
	free(cmd);
	assert_int_equal(rc, 0);
	for (line = out; *line; line = *eol ? eol + 1 : eol) {
		eol = strchr(line, '\n');
		if (!eol)
			eol = line + strlen(line);
		parse_decl_line(s, line, eol);
	}
	free(out);
	qsort(s->names, s->cnt, sizeof(*s->names), str_cmp);
}

static void set_free(struct name_set *s)
{
	size_t i;

	for (i = 0; i < s->cnt; i++)
		free(s->names[i]);
	free(s->names);
}

/*
 * Names one set has and the other lacks, as a sorted list of lines
 * "+ name" (only ours) and "- name" (only libbpf's).
 */
static char *set_difference(const struct name_set *ours,
			    const struct name_set *theirs)
{
	size_t i = 0, j = 0, len = 0;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &len);

	while (i < ours->cnt || j < theirs->cnt) {
		int r = i == ours->cnt ? 1 : j == theirs->cnt ? -1 :
			strcmp(ours->names[i], theirs->names[j]);

		if (r < 0)
			fprintf(f, "+ %s\n", ours->names[i++]);
		else if (r > 0)
			fprintf(f, "- %s\n", theirs->names[j++]);
		else
			i++, j++;
	}
	fclose(f);
	return buf;
}

/* ---- why libbpf gets a layout wrong ------------------------------------- */

enum cause {
	CAUSE_NONE = 0,
	CAUSE_ENUM16 = 1,	/* 2-byte enums come out as 4-byte ones */
	CAUSE_VA_LIST = 2,	/* __builtin_va_list dropped: BPF's void * */
	CAUSE_SIZED_EMPTY = 4,	/* a memberless union/struct with a size */
	CAUSE_ALIGNED_UNION = 8,	/* a union padded by aligned(N) */
};

static const char *cause_text(int causes)
{
	switch (causes) {
	case CAUSE_ENUM16:
		return "holds a 2-byte enum, which libbpf 1.1.2 writes as a plain (4-byte) enum; it sizes only 1-byte ones";
	case CAUSE_VA_LIST:
		return "holds the kernel's va_list, which btf_dump drops for BPF's 8-byte __builtin_va_list";
	case CAUSE_SIZED_EMPTY:
		return "holds a memberless union/struct with a size, which btf_dump writes as {} (size 0)";
	case CAUSE_ALIGNED_UNION:
		return "holds a union larger than its members (aligned(N)), which btf_dump never writes";
	default:
		return "several of: 2-byte enum, va_list, sized memberless union, aligned union";
	}
}

/* A union whose size only an alignment attribute explains. */
static bool is_aligned_union(const struct btf *btf, const struct btf_type *t)
{
	__s64 max_size = 0, sz;
	int align = 1, a;
	__u32 i;

	for (i = 0; i < btf_vlen(t); i++) {
		sz = btf__resolve_size(btf, btf_members(t)[i].type);
		a = btf__align_of(btf, btf_members(t)[i].type);
		if (sz > max_size)
			max_size = sz;
		if (a > align)
			align = a;
	}
	return t->size > (max_size + align - 1) / align * align;
}

static int causes_of(const struct btf *btf, __u32 id, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;
	int c = 0;
	__u32 i;

	if (!t || depth > 16)
		return 0;
	name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_ENUM:
		return t->size == 2 ? CAUSE_ENUM16 : 0;
	case BTF_KIND_TYPEDEF:
		if (name && !strcmp(name, "__builtin_va_list"))
			return CAUSE_VA_LIST;
		/* fall through */
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return causes_of(btf, t->type, depth + 1);
	case BTF_KIND_ARRAY:
		return causes_of(btf, btf_array(t)->type, depth + 1);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (!btf_vlen(t) && t->size)
			return CAUSE_SIZED_EMPTY;
		if (btf_is_union(t) && is_aligned_union(btf, t))
			c |= CAUSE_ALIGNED_UNION;
		for (i = 0; i < btf_vlen(t); i++)
			c |= causes_of(btf, btf_members(t)[i].type, depth + 1);
		return c;
	default:
		return 0;
	}
}

/* ---- naming in libbpf's header ------------------------------------------ */

struct libbpf_names {
	const struct btf *btf;
	struct name_set unique;	/* "s foo": class + name seen exactly once */
};

/* C's two namespaces: struct/union/enum tags ('g'), and typedefs ('t'). */
static char class_char(const struct btf_type *t)
{
	if (btf_is_composite(t) || btf_is_any_enum(t))
		return 'g';
	return btf_is_typedef(t) ? 't' : 0;
}

/* btf_dump numbers duplicates by emission order: compare unique names only. */
static void libbpf_names_init(struct libbpf_names *ln, const struct btf *btf)
{
	struct name_set all = {};
	__u32 id, n = btf__type_cnt(btf);
	size_t i;

	memset(ln, 0, sizeof(*ln));
	ln->btf = btf;
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		char k[2] = { class_char(t), 0 };

		if (k[0] && name && *name)
			set_add(&all, k, name, strlen(name));
	}
	qsort(all.names, all.cnt, sizeof(*all.names), str_cmp);
	for (i = 0; i < all.cnt; i++) {
		bool dup = (i && !strcmp(all.names[i], all.names[i - 1])) ||
			   (i + 1 < all.cnt && !strcmp(all.names[i], all.names[i + 1]));

		if (!dup)
			set_add(&ln->unique, "", all.names[i], strlen(all.names[i]));
	}
	qsort(ln->unique.names, ln->unique.cnt, sizeof(char *), str_cmp);
	set_free(&all);
}

static const char *libbpf_name(void *ctx, __u32 id)
{
	struct libbpf_names *ln = ctx;
	const struct btf_type *t = btf__type_by_id(ln->btf, id);
	const char *name = btf__name_by_offset(ln->btf, t->name_off);
	char *key;
	bool found;

	if (!class_char(t) || !name || !*name)
		return NULL;
	/* btf_dump leaves this typedef out on purpose (see cause_text) */
	if (!strcmp(name, "__builtin_va_list"))
		return NULL;
	assert_true(asprintf(&key, " %c %s", class_char(t), name) > 0);
	found = bsearch(&key, ln->unique.names, ln->unique.cnt, sizeof(char *),
			str_cmp) != NULL;
	free(key);
	return found ? name : NULL;
}

/* Names typegen gives only to the types libbpf got wrong. */
struct subset_names {
	struct tg_c_dumper *d;
	const __u32 *ids;
	int cnt;
};

static int id_cmp(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static const char *subset_name(void *ctx, __u32 id)
{
	struct subset_names *s = ctx;

	if (!bsearch(&id, s->ids, s->cnt, sizeof(*s->ids), id_cmp))
		return NULL;
	return tg_c_dumper__name(s->d, id);
}

/* ---- the test ------------------------------------------------------------ */

/* Compile @hdr with uses of every type @fn names and compare with @in. */
static void layout_check(const struct btf *in, rt_name_fn fn, void *ctx,
			 const char *hdr, const char *obj, bool werror,
			 FILE *log, struct rt_result *res)
{
	char *diag = NULL;
	struct btf *out;
	int rc;

	rc = rt_compile_uses(in, fn, ctx, hdr, obj, werror, &diag);
	if (rc)
		fprintf(stderr, "%s does not compile:\n%.3000s\n", hdr, diag);
	free(diag);
	assert_int_equal(rc, 0);
	out = btf__parse_elf(obj, NULL);
	assert_non_null(out);
	assert_int_equal(rt_compare(in, fn, ctx, out, log, res), 0);
	btf__free(out);
}

static void differential(const char *path, int min_libbpf_bad)
{
	char *dir = tg_test_mkdtemp();
	char *ours_h = tg_test_path("%s/typegen.h", dir);
	char *theirs_h = tg_test_path("%s/libbpf.h", dir);
	char *obj = tg_test_path("%s/libbpf.o", dir);
	char *obj2 = tg_test_path("%s/typegen-subset.o", dir);
	struct name_set ours = {}, theirs = {};
	struct rt_result lres, ores;
	struct libbpf_names ln;
	struct subset_names sn;
	struct tg_c_dumper *d;
	struct tg_btf *in;
	const struct btf *btf;
	char *delta;
	int i, unexplained = 0;

	assert_int_equal(tg_btf__open(path, NULL, &in), 0);
	btf = tg_btf__btf(in);
	assert_int_equal(tg_c_dumper__new(in, NULL, &d), 0);
	assert_int_equal(rt_write_header(d, ours_h), 0);
	assert_int_equal(tg_write_file_atomic(theirs_h, write_libbpf_header,
					      (void *)btf), 0);

	/* 1. the same names, but for the one libbpf drops on purpose */
	header_names(ours_h, &ours);
	header_names(theirs_h, &theirs);
	delta = set_difference(&ours, &theirs);
	printf("%s: typegen defines %zu names, libbpf %zu\n", path, ours.cnt,
	       theirs.cnt);
	if (*delta)
		printf("names only typegen (+) or only libbpf (-) defines:\n%s", delta);
	if (btf__find_by_name_kind(btf, "__builtin_va_list", BTF_KIND_TYPEDEF) > 0)
		assert_string_equal(delta, "+ typedef __builtin_va_list\n");
	else
		assert_string_equal(delta, "");
	assert_true(ours.cnt > 0);

	/* 2. libbpf's layouts against the BTF, and ours where it errs */
	libbpf_names_init(&ln, btf);
	layout_check(btf, libbpf_name, &ln, theirs_h, obj, false, getenv("TG_DIFF_LOG") ? stderr : NULL,
		     &lres);
	printf("%s: libbpf btf_dump: %d types compared, %d differ from the BTF\n",
	       path, lres.checked, lres.bad_cnt);
	for (i = 0; i < lres.bad_cnt; i++) {
		__u32 id = lres.bad_ids[i];
		int c = causes_of(btf, id, 0);

		printf("  libbpf wrong: %s (id %u): %s\n",
		       tg_c_dumper__name(d, id), id,
		       c ? cause_text(c) : "NO KNOWN REASON");
		unexplained += !c;
	}
	assert_int_equal(unexplained, 0);
	assert_true(lres.bad_cnt >= min_libbpf_bad);

	if (lres.bad_cnt) {
		sn = (struct subset_names){ d, lres.bad_ids, lres.bad_cnt };
		qsort(lres.bad_ids, lres.bad_cnt, sizeof(__u32), id_cmp);
		layout_check(btf, subset_name, &sn, ours_h, obj2, true, stderr,
			     &ores);
		printf("%s: typegen on those %d types: %d differences\n", path,
		       ores.checked, ores.diffs);
		assert_int_equal(ores.diffs, 0);
		assert_int_equal(ores.checked, lres.bad_cnt);
		free(ores.bad_ids);
	}

	free(lres.bad_ids);
	set_free(&ln.unique);
	set_free(&ours);
	set_free(&theirs);
	free(delta);
	tg_c_dumper__free(d);
	tg_btf__free(in);
	tg_test_rmtree(dir);
	free(dir);
	free(ours_h);
	free(theirs_h);
	free(obj);
	free(obj2);
}

static void test_kernel_fixture(void **state)
{
	char *path = tg_test_fixture("vmlinux-6.18.44.btf");

	(void)state;
	/* va_list, warn_args and release_pages_arg, at least */
	differential(path, 3);
	free(path);
}

static void test_emit_cases(void **state)
{
	char *path = tg_test_fixture("emit_cases.bpf.o");

	(void)state;
	/* 2-byte enums (alone and in has_enums) and aligned_union */
	differential(path, 4);
	free(path);
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emit_cases),
		cmocka_unit_test(test_kernel_fixture),
	};

	tg_test_silence_libbpf();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
