// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Types from DWARF. The fixture sources (emit_cases.c, dwarf_cases.c) are
 * compiled here with gcc and clang, as DWARF 4 and 5, as objects (.o,
 * relocated by libdwfl) and shared libraries, with type units, compressed
 * sections, through dwz, and split into a stripped file and its debug
 * file. What typegen derives must equal, type for type, the BTF clang
 * emits for the same source (-target bpf, built by the Makefile) and the
 * BTF pahole derives from the same object; its header must pass the
 * round trip; broken inputs must fail with their own error.
 *
 * Types are compared by a description of each named struct, union, enum
 * and typedef: size, members (name, bit offset, bitfield size and the
 * member's type), enumerators (name, value) and signedness. Member types
 * are described by name when they have one, in full when anonymous;
 * integers by size and signedness (gcc and clang name them differently),
 * arrays by their total element count (pahole flattens int a[2][3] into
 * one array of 6), qualifiers as a set, type tags not at all (gcc drops
 * them).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "typegen.h"
#include "tg_test.h"
#include "roundtrip.h"

static const char *const sources[] = { "emit_cases", "dwarf_cases" };
#define SRC_CNT (sizeof(sources) / sizeof(sources[0]))

static char *dir;

static char *tmp(const char *fmt, const char *a, const char *b)
{
	char name[256];

	snprintf(name, sizeof(name), fmt, a, b);
	return tg_test_path("%s/%s", dir, name);
}

static bool have(const char *prog)
{
	char *cmd = tg_test_path("command -v %s >/dev/null 2>&1", prog);
	int rc = tg_test_run(cmd, NULL, NULL);

	free(cmd);
	return rc == 0;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char *cmd, *err = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	assert_true(vasprintf(&cmd, fmt, ap) > 0);
	va_end(ap);
	rc = tg_test_run(cmd, NULL, &err);
	if (rc)
		fprintf(stderr, "test_dwarf: '%s' failed (%d): %.2000s\n", cmd,
			rc, err ? err : "");
	free(cmd);
	free(err);
	return rc;
}

/* ---- describing types ----------------------------------------------------- */

static void desc_q(FILE *f, const struct btf *btf, __u32 id, bool top,
		   int depth, unsigned int quals);

static void desc(FILE *f, const struct btf *btf, __u32 id, bool top, int depth)
{
	desc_q(f, btf, id, top, depth, 0);
}

static void desc_body(FILE *f, const struct btf *btf, const struct btf_type *t,
		      int depth)
{
	const char *name = btf__name_by_offset(btf, t->name_off);
	int i, n = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = btf_members(t);

		fprintf(f, "%s %s %u{", btf_is_union(t) ? "union" : "struct",
			name, t->size);
		for (i = 0; i < n; i++) {
			fprintf(f, "%s@%u:%u:", btf__name_by_offset(btf, m[i].name_off),
				btf_member_bit_offset(t, i),
				btf_member_bitfield_size(t, i));
			desc(f, btf, m[i].type, false, depth + 1);
			fputc(';', f);
		}
		fputc('}', f);
		return;
	}
	case BTF_KIND_ENUM: {
		const struct btf_enum *e = btf_enum(t);

		fprintf(f, "enum %s %u%c{", name, t->size, btf_kflag(t) ? 's' : 'u');
		for (i = 0; i < n; i++)
			fprintf(f, "%s=%lld;", btf__name_by_offset(btf, e[i].name_off),
				btf_kflag(t) ? (long long)e[i].val :
					       (long long)(__u32)e[i].val);
		fputc('}', f);
		return;
	}
	case BTF_KIND_ENUM64: {
		const struct btf_enum64 *e = btf_enum64(t);

		fprintf(f, "enum %s %u%c{", name, t->size, btf_kflag(t) ? 's' : 'u');
		for (i = 0; i < n; i++)
			fprintf(f, "%s=%llu;", btf__name_by_offset(btf, e[i].name_off),
				(unsigned long long)btf_enum64_value(&e[i]));
		fputc('}', f);
		return;
	}
	}
}

static void desc_q(FILE *f, const struct btf *btf, __u32 id, bool top,
		   int depth, unsigned int quals)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;
	__u64 total;
	int i;

	if (depth > 16) {
		fputs("...", f);
		return;
	}
	/* Qualifiers as a set (their order differs), type tags dropped. */
	while (id && (btf_is_const(t) || btf_is_volatile(t) ||
		      btf_is_restrict(t) || btf_is_type_tag(t))) {
		quals |= btf_is_const(t) ? 1 : btf_is_volatile(t) ? 2 :
			 btf_is_restrict(t) ? 4 : 0;
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	/* In C a qualified array is an array of qualified elements. */
	if (quals && !btf_is_array(t))
		fprintf(f, "q%u ", quals);
	if (!id) {
		fputs("void", f);
		return;
	}
	name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		fprintf(f, "i%u%c", t->size,
			btf_int_encoding(t) & BTF_INT_BOOL ? 'b' :
			btf_int_encoding(t) & BTF_INT_SIGNED ? 's' : 'u');
		return;
	case BTF_KIND_FLOAT:
		fprintf(f, "f%u", t->size);
		return;
	case BTF_KIND_PTR:
		fputc('*', f);
		desc(f, btf, t->type, false, depth + 1);
		return;
	case BTF_KIND_ARRAY:
		total = 1;
		while (btf_is_array(t)) {
			total *= btf_array(t)->nelems;
			id = btf_array(t)->type;
			t = btf__type_by_id(btf, id);
		}
		fprintf(f, "[%llu]", (unsigned long long)total);
		desc_q(f, btf, id, false, depth + 1, quals);
		return;
	case BTF_KIND_FUNC_PROTO:
		fputs("fn(", f);
		for (i = 0; i < btf_vlen(t); i++) {
			desc(f, btf, btf_params(t)[i].type, false, depth + 1);
			fputc(',', f);
		}
		fputs(")->", f);
		desc(f, btf, t->type, false, depth + 1);
		return;
	case BTF_KIND_FWD:
		fprintf(f, "%s %s", btf_kflag(t) ? "union" : "struct", name);
		return;
	case BTF_KIND_TYPEDEF:
		if (top) {
			fprintf(f, "typedef %s=", name);
			desc(f, btf, t->type, false, depth + 1);
		} else {
			fprintf(f, "typedef %s", name);
		}
		return;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (top || !*name)
			desc_body(f, btf, t, depth);
		else
			fprintf(f, "%s %s", btf_is_union(t) ? "union" :
				btf_is_composite(t) ? "struct" : "enum", name);
		return;
	}
	fprintf(f, "kind%u", btf_kind(t));
}

struct named {
	char **d;
	size_t cnt;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Descriptions of every named struct, union, enum and typedef, sorted. */
static struct named named_types(const struct btf *btf)
{
	struct named n = {};
	__u32 id, cnt = btf__type_cnt(btf);

	n.d = calloc(cnt, sizeof(*n.d));
	assert_non_null(n.d);
	for (id = 1; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		size_t len;
		FILE *f;

		if (!t->name_off || !(btf_is_composite(t) || btf_is_any_enum(t) ||
				      btf_is_typedef(t)))
			continue;
		f = open_memstream(&n.d[n.cnt], &len);
		assert_non_null(f);
		desc(f, btf, id, true, 0);
		fclose(f);
		n.cnt++;
	}
	qsort(n.d, n.cnt, sizeof(*n.d), cmp_str);
	return n;
}

static void free_named(struct named *n)
{
	size_t i;

	for (i = 0; i < n->cnt; i++)
		free(n->d[i]);
	free(n->d);
}

/* The name a description is of: what follows "struct ", "typedef "... */
static bool excluded(const char *d, const char *const *skip)
{
	for (; skip && *skip; skip++) {
		const char *p = strstr(d, *skip);
		size_t len = strlen(*skip);

		if (p && p == strchr(d, ' ') + 1 &&
		    (p[len] == ' ' || p[len] == '='))
			return true;
	}
	return false;
}

/* How many of @a's descriptions @b lacks (printed, named @what). */
static int missing(const struct named *a, const struct named *b,
		   const char *what, const char *const *skip)
{
	size_t i;
	int miss = 0;

	for (i = 0; i < a->cnt; i++) {
		if (excluded(a->d[i], skip) ||
		    bsearch(&a->d[i], b->d, b->cnt, sizeof(*b->d), cmp_str))
			continue;
		fprintf(stderr, "test_dwarf: %s: missing %s\n", what, a->d[i]);
		miss++;
	}
	return miss;
}

/* ---- fixtures -------------------------------------------------------------- */

/* Every way a source is compiled, relative to the temp dir. */
struct variant {
	const char *suffix;
	const char *cc;		/* "gcc" or "clang" */
	const char *flags;
	bool pahole;		/* pahole 1.24 reads it too */
};

static const struct variant variants[] = {
	{ "gcc4.o", "gcc", "-gdwarf-4 -c", true },
	{ "gcc5.so", "gcc", "-gdwarf-5 -shared -fPIC", true },
	{ "clang4.o", "clang", "-gdwarf-4 -c", true },
	{ "clang5.so", "clang", "-gdwarf-5 -shared -fPIC", true },
	{ "tu4.so", "gcc", "-gdwarf-4 -fdebug-types-section -shared -fPIC", false },
	{ "tu5.so", "clang", "-gdwarf-5 -fdebug-types-section -shared -fPIC", false },
	{ "zlib.so", "gcc", "-gdwarf-5 -gz=zlib -shared -fPIC", true },
	{ "zstd.so", "clang", "-gdwarf-5 -gz=zstd -shared -fPIC", false },
};
#define VARIANT_CNT (sizeof(variants) / sizeof(variants[0]))

static bool built[SRC_CNT][VARIANT_CNT];
static bool have_pahole, have_dwz;

static const char *compiler(const char *cc)
{
	return strcmp(cc, "clang") ? "gcc" : tg_test_clang();
}

static int setup(void **state)
{
	size_t s, v;

	(void)state;
	tg_test_silence_libbpf();
	{
		char *rel = tg_test_mkdtemp();

		/* Absolute: some commands run in it (cd). */
		dir = realpath(rel, NULL);
		free(rel);
		if (!dir)
			return -1;
	}
	have_pahole = have("pahole");
	have_dwz = have("dwz");
	for (s = 0; s < SRC_CNT; s++) {
		char *src = tg_test_src_fixture(sources[s]);
		char *c = tg_test_path("%s.c", src);

		for (v = 0; v < VARIANT_CNT; v++) {
			char *out = tmp("%s.%s", sources[s], variants[v].suffix);

			/* -gz=zstd needs an LLVM built with zstd. */
			built[s][v] = sh("%s -g -O2 -w %s '%s' -o '%s'",
					 compiler(variants[v].cc),
					 variants[v].flags, c, out) == 0;
			if (!built[s][v] && strcmp(variants[v].suffix, "zstd.so"))
				return -1;
			free(out);
		}
		free(c);
		free(src);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tg_test_rmtree(dir);
	free(dir);
	return 0;
}

static struct tg_btf *open_ok(const char *path, bool from_dwarf)
{
	TG_OPTS(tg_open_opts, opts, .from_dwarf = from_dwarf);
	struct tg_btf *btf = NULL;
	char msg[256];
	int err;

	err = tg_btf__open(path, &opts, &btf);
	if (err) {
		tg_strerror(err, msg, sizeof(msg));
		fprintf(stderr, "test_dwarf: %s: %s\n", path, msg);
	}
	assert_int_equal(err, 0);
	return btf;
}

static struct named named_of_file(const char *path)
{
	struct tg_btf *btf = open_ok(path, false);
	struct named n;

	assert_true(tg_btf__from_dwarf(btf));
	n = named_types(tg_btf__btf(btf));
	tg_btf__free(btf);
	return n;
}

/* Both ways: the same descriptions, as many of each. */
static void assert_same(const struct named *a, const struct named *b,
			const char *what, const char *const *skip)
{
	int miss = missing(a, b, what, skip) + missing(b, a, what, skip);

	assert_int_equal(miss, 0);
}

/* ---- against pahole and clang ------------------------------------------- */

/*
 * pahole 1.24 makes _Atomic T void (the tag is "not supported"); it calls
 * an enum unsigned that clang's DWARF (and clang's own BTF, and typegen)
 * give a signed underlying type (mode(HI)). test_atomic checks _Atomic.
 */
static const char *const pahole_skip[] = { "dw_atomic", "half_enum", NULL };

static void test_vs_pahole(void **state)
{
	size_t s, v;
	int checked = 0;

	(void)state;
	if (!have_pahole) {
		printf("skip: pahole (dwarves) not installed\n");
		skip();
	}
	for (s = 0; s < SRC_CNT; s++) {
		for (v = 0; v < VARIANT_CNT; v++) {
			char *obj = tmp("%s.%s", sources[s], variants[v].suffix);
			char *ref = tmp("%s.%s.pahole", sources[s],
					variants[v].suffix);
			struct named ours, theirs;
			struct btf *pb;

			if (!built[s][v] || !variants[v].pahole)
				goto next;
			assert_int_equal(sh("pahole --btf_gen_floats --btf_encode_detached='%s' '%s'",
					    ref, obj), 0);
			pb = btf__parse_raw(ref);
			assert_non_null(pb);
			theirs = named_types(pb);
			ours = named_of_file(obj);
			assert_true(ours.cnt >= 8);
			assert_same(&theirs, &ours, obj, pahole_skip);
			checked += ours.cnt;
			free_named(&ours);
			free_named(&theirs);
			btf__free(pb);
next:
			free(obj);
			free(ref);
		}
	}
	printf("vs pahole: %d named types equal\n", checked);
}

/*
 * clang -target bpf keeps the types its globals use, and so do gcc and
 * clang in DWARF: the same named types, alike. gcc differs from clang in
 * one thing C leaves open: an enum declared with mode() (HI, DI) has an
 * unsigned underlying type in gcc's DWARF, a signed one in clang's.
 */
static const char *const gcc_skip[] = { "half_enum", "wide_small",
					"dw_atomic", NULL };
/* dwarf_cases.c has no _Atomic for BPF: clang -target bpf makes it void. */
static const char *const clang_skip[] = { "dw_atomic", NULL };

static void test_vs_clang_bpf(void **state)
{
	size_t s, v;
	int checked = 0;

	(void)state;
	for (s = 0; s < SRC_CNT; s++) {
		char *name = tg_test_path("%s.bpf.o", sources[s]);
		char *bpf = tg_test_fixture(name);
		struct btf *cb = btf__parse_elf(bpf, NULL);
		struct named theirs;

		assert_non_null(cb);
		theirs = named_types(cb);
		for (v = 0; v < VARIANT_CNT; v++) {
			char *obj = tmp("%s.%s", sources[s], variants[v].suffix);
			struct named ours;

			if (built[s][v]) {
				ours = named_of_file(obj);
				assert_same(&theirs, &ours, obj,
					    strcmp(variants[v].cc, "gcc") ? clang_skip :
					    gcc_skip);
				checked += theirs.cnt;
				free_named(&ours);
			}
			free(obj);
		}
		free_named(&theirs);
		btf__free(cb);
		free(bpf);
		free(name);
	}
	printf("vs clang -target bpf: %d named types equal\n", checked);
}

/*
 * BTF has no _Atomic: an atomic member has the layout of its type, which
 * is what typegen gives it (pahole and clang -target bpf make it void).
 */
static void test_atomic(void **state)
{
	size_t v;

	(void)state;
	for (v = 0; v < VARIANT_CNT; v++) {
		char *obj = tmp("%s.%s", "dwarf_cases", variants[v].suffix);
		struct tg_btf *tb;
		const struct btf *btf;
		const struct btf_type *t, *m;
		const struct btf_member *mem;
		int id;

		if (!built[1][v]) {
			free(obj);
			continue;
		}
		tb = open_ok(obj, false);
		btf = tg_btf__btf(tb);
		id = btf__find_by_name_kind(btf, "dw_atomic", BTF_KIND_STRUCT);
		assert_true(id > 0);
		t = btf__type_by_id(btf, id);
		mem = btf_members(t);
		assert_int_equal(btf_vlen(t), 3);
		m = btf__type_by_id(btf, mem[0].type);
		assert_true(btf_is_int(m) && m->size == 4);
		m = btf__type_by_id(btf, mem[1].type);
		assert_true(btf_is_int(m) && m->size == 8);
		m = btf__type_by_id(btf, mem[2].type);
		assert_true(btf_is_ptr(m));
		m = btf__type_by_id(btf, m->type);
		assert_true(btf_is_int(m) && m->size == 4);
		tg_btf__free(tb);
		free(obj);
	}
}

/* The header written from DWARF-derived BTF passes the round trip. */
static void test_roundtrip(void **state)
{
	size_t s;
	int checked, diffs;

	(void)state;
	for (s = 0; s < SRC_CNT; s++) {
		char *obj = tmp("%s.%s", sources[s], "gcc5.so");

		diffs = rt_check_file(obj, &checked);
		printf("roundtrip: %s: %d types compared, %d differences\n",
		       obj, checked, diffs);
		assert_int_equal(diffs, 0);
		assert_true(checked >= 8);
		free(obj);
	}
}

/* ---- dwz, separate debug files, compressed inputs ----------------------- */

static void test_dwz(void **state)
{
	size_t s;

	(void)state;
	if (!have_dwz) {
		printf("skip: dwz not installed\n");
		skip();
	}
	for (s = 0; s < SRC_CNT; s++) {
		char *src = tg_test_src_fixture(sources[s]);
		char *second = tmp("%s.second.c", sources[s], "");
		char *two = tmp("%s.two.so", sources[s], "");
		char *dwz = tmp("%s.dwz.so", sources[s], "");
		char *out = NULL;
		struct named a, b;
		FILE *f = fopen(second, "w");

		/* The same types in two units: dwz moves them to a partial unit. */
		assert_non_null(f);
		fprintf(f, "#define v_anon v_anon_2\n#define dw_function dw_function_2\n#include \"%s.c\"\n",
			src);
		fclose(f);
		assert_int_equal(sh("gcc -g -O2 -w -fcommon -shared -fPIC '%s.c' '%s' -o '%s'",
				    src, second, two), 0);
		assert_int_equal(sh("dwz -o '%s' '%s'", dwz, two), 0);
		char *cmd = tg_test_path("readelf --debug-dump=info '%s'", dwz);
		assert_int_equal(tg_test_run(cmd, &out, NULL), 0);
		assert_non_null(strstr(out, "DW_TAG_partial_unit"));
		assert_non_null(strstr(out, "DW_TAG_imported_unit"));
		a = named_of_file(two);
		b = named_of_file(dwz);
		assert_same(&a, &b, dwz, NULL);
		printf("dwz: %s: %zu named types as without dwz\n", dwz, b.cnt);
		free_named(&a);
		free_named(&b);
		free(cmd);
		free(out);
		free(src);
		free(second);
		free(two);
		free(dwz);
	}
}

static void test_separate_debug(void **state)
{
	char *full = tmp("%s.%s", "dwarf_cases", "gcc5.so");
	char *debug = tmp("%s", "dwarf_cases.debug", "");
	char *stripped = tmp("%s", "dwarf_cases.stripped.so", "");
	struct named a, b;

	(void)state;
	assert_int_equal(sh("cd '%s' && objcopy --only-keep-debug '%s' dwarf_cases.debug && objcopy --strip-debug --add-gnu-debuglink=dwarf_cases.debug '%s' '%s'",
			    dir, full, full, stripped), 0);
	a = named_of_file(full);
	b = named_of_file(stripped);
	assert_same(&a, &b, stripped, NULL);
	free_named(&a);
	free_named(&b);
	/* Without its debug file, the stripped file has nothing. */
	assert_int_equal(unlink(debug), 0);
	{
		struct tg_btf *btf = NULL;
		TG_OPTS(tg_open_opts, opts, .from_dwarf = true);

		assert_int_equal(tg_btf__open(stripped, NULL, &btf),
				 -TG_ERRNO__NOBTF);
		assert_int_equal(tg_btf__open(stripped, &opts, &btf),
				 -TG_ERRNO__NODWARF);
		assert_null(btf);
	}
	free(full);
	free(debug);
	free(stripped);
}

/* A compressed file is unpacked in memory, then read the same way. */
static void test_compressed_file(void **state)
{
	char *full = tmp("%s.%s", "dwarf_cases", "gcc5.so");
	char *xz = tmp("%s", "dwarf_cases.so.xz", "");
	struct tg_btf *btf;
	struct named a, b;

	(void)state;
	assert_int_equal(sh("xz -c '%s' > '%s'", full, xz), 0);
	btf = open_ok(xz, false);
	assert_int_equal(tg_btf__format(btf), TG_FORMAT_XZ);
	assert_true(tg_btf__from_dwarf(btf));
	b = named_types(tg_btf__btf(btf));
	a = named_of_file(full);
	assert_same(&a, &b, xz, NULL);
	free_named(&a);
	free_named(&b);
	tg_btf__free(btf);
	free(full);
	free(xz);
}

/* ---- functions and variables --------------------------------------------- */

static void test_funcs_and_percpu(void **state)
{
	char *src = tmp("%s", "percpu.c", "");
	char *obj = tmp("%s", "percpu.so", "");
	struct tg_btf *tb;
	const struct btf *btf;
	const struct btf_type *t, *proto;
	const struct btf_var_secinfo *vi;
	FILE *f = fopen(src, "w");
	int id;

	(void)state;
	assert_non_null(f);
	fputs("struct pcpu_stats { long hits; long misses; };\n"
	      "__attribute__((section(\".data..percpu\"))) struct pcpu_stats pcpu_stats;\n"
	      "__attribute__((section(\".data..percpu\"))) int pcpu_count;\n"
	      "int not_percpu;\n"
	      "int add_hit(struct pcpu_stats *s, int n) { return s->hits += n; }\n"
	      "int unnamed_param(int) { return 0; }\n", f);
	fclose(f);
	/* The linker merges .data..percpu into .data: name it back. */
	assert_int_equal(sh("gcc -g -O0 -shared -fPIC '%s' -o '%s.tmp' && objcopy --rename-section .data=.data..percpu '%s.tmp' '%s'",
			    src, obj, obj, obj), 0);
	tb = open_ok(obj, false);
	btf = tg_btf__btf(tb);

	/* A function with code and named parameters: a FUNC. */
	id = btf__find_by_name_kind(btf, "add_hit", BTF_KIND_FUNC);
	assert_true(id > 0);
	t = btf__type_by_id(btf, id);
	/* Static, as pahole makes every FUNC. */
	assert_int_equal(btf_vlen(t), BTF_FUNC_STATIC);
	proto = btf__type_by_id(btf, t->type);
	assert_int_equal(btf_vlen(proto), 2);
	assert_string_equal(btf__name_by_offset(btf, btf_params(proto)[0].name_off), "s");
	assert_string_equal(btf__name_by_offset(btf, btf_params(proto)[1].name_off), "n");
	/* A parameter without a name: left out, as pahole does. */
	assert_true(btf__find_by_name_kind(btf, "unnamed_param", BTF_KIND_FUNC) < 0);

	/* Per-CPU variables, sorted by offset, and only those. */
	id = btf__find_by_name_kind(btf, ".data..percpu", BTF_KIND_DATASEC);
	assert_true(id > 0);
	t = btf__type_by_id(btf, id);
	assert_int_equal(btf_vlen(t), 2);
	vi = btf_var_secinfos(t);
	assert_string_equal(btf__name_by_offset(btf,
		btf__type_by_id(btf, vi[0].type)->name_off), "pcpu_stats");
	assert_int_equal(vi[0].size, 16);
	assert_string_equal(btf__name_by_offset(btf,
		btf__type_by_id(btf, vi[1].type)->name_off), "pcpu_count");
	assert_int_equal(vi[1].offset, vi[0].offset + 16);
	assert_int_equal(vi[1].size, 4);
	assert_true(btf__find_by_name_kind(btf, "not_percpu", BTF_KIND_VAR) < 0);
	tg_btf__free(tb);
	free(src);
	free(obj);
}

/* ---- as the kernel's build makes it -------------------------------------- */

/*
 * The "kernel" of tests/fixtures/dwarf_kernel (core.c and other.c) as
 * @out, its linux_banner naming @release, clone_me's symbol renamed as gcc
 * names its clones; the "module" (module.c) as @mod, if not NULL.
 */
static void build_kernel(const char *out, const char *release,
			 const char *mod)
{
	char *src = tg_test_src_fixture("dwarf_kernel");

	assert_int_equal(sh("gcc -g -O2 -shared -fPIC -DDW_RELEASE='\"%s\"' '%s/core.c' '%s/other.c' -o '%s.tmp' && objcopy --redefine-sym clone_me=clone_me.isra.0 --rename-section .data=.data..percpu '%s.tmp' '%s'",
			    release, src, src, out, out, out), 0);
	if (mod)
		assert_int_equal(sh("gcc -g -O2 -c '%s/module.c' -o '%s'", src,
				    mod), 0);
	free(src);
}

static struct tg_btf *open_features(const char *path, const char *features)
{
	TG_OPTS(tg_open_opts, opts, .from_dwarf = true,
		.btf_features = features);
	struct tg_btf *tb = NULL;

	assert_int_equal(tg_btf__open(path, &opts, &tb), 0);
	return tb;
}

static const struct btf_type *func_of(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);

	return id > 0 ? btf__type_by_id(btf, id) : NULL;
}

/* The decl tags on FUNC @name, "bpf_kfunc,bpf_fastcall," in id order. */
static char *tags_of(const struct btf *btf, const char *name)
{
	int fn = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	__u32 id, cnt = btf__type_cnt(btf);
	char *s;
	size_t len;
	FILE *f = open_memstream(&s, &len);

	assert_non_null(f);
	for (id = 1; fn > 0 && id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_decl_tag(t) && t->type == (__u32)fn) {
			assert_int_equal(btf_decl_tag(t)->component_idx, -1);
			fprintf(f, "%s,", btf__name_by_offset(btf, t->name_off));
		}
	}
	fclose(f);
	return s;
}

static void assert_tags(const struct btf *btf, const char *name,
			const char *want)
{
	char *tags = tags_of(btf, name);

	assert_string_equal(tags, want);
	free(tags);
}

static const struct btf_member *member_of(const struct btf *btf,
					  const char *type, const char *name)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	const struct btf_type *t;
	int i;

	assert_true(id > 0);
	t = btf__type_by_id(btf, id);
	for (i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, btf_members(t)[i].name_off),
			    name))
			return &btf_members(t)[i];
	fail_msg("%s has no member %s", type, name);
	return NULL;
}

/* A member's array: one, of @nelems elements of @elem (by size). */
static void assert_flat_array(const struct btf *btf, const char *type,
			      const char *name, __u32 nelems, __u32 elem_sz)
{
	const struct btf_member *m = member_of(btf, type, name);
	const struct btf_type *t = btf__type_by_id(btf, m->type);

	assert_true(btf_is_array(t));
	assert_int_equal(btf_array(t)->nelems, nelems);
	t = btf__type_by_id(btf, btf_array(t)->type);
	assert_true(btf_is_int(t));
	assert_int_equal(t->size, elem_sz);
	/* The index type is the kernel's int, as pahole makes it. */
	t = btf__type_by_id(btf, btf_array(btf__type_by_id(btf, m->type))->index_type);
	assert_string_equal(btf__name_by_offset(btf, t->name_off), "int");
}

/* A 6.1 kernel, as Debian 12's were built: pahole 1.24's conventions. */
static void test_kernel_61(void **state)
{
	char *so = tmp("%s", "kernel61.so", "");
	const struct btf_type *t;
	const struct btf *btf;
	struct tg_btf *tb;
	int id;

	(void)state;
	build_kernel(so, "6.1.0-test", NULL);
	tb = open_ok(so, true);
	btf = tg_btf__btf(tb);

	assert_flat_array(btf, "dw_folios", "folios", 40, 4);
	assert_flat_array(btf, "dw_folios", "names", 24, 1);
	id = btf__find_by_name_kind(btf, "dw_big", BTF_KIND_ENUM64);
	assert_true(id > 0);

	/* Every FUNC static, global in C or not. */
	assert_non_null(t = func_of(btf, "global_fn"));
	assert_int_equal(btf_vlen(t), BTF_FUNC_STATIC);
	assert_non_null(t = func_of(btf, "static_fn"));
	assert_int_equal(btf_vlen(t), BTF_FUNC_STATIC);
	/* Inlined only, with no symbol: no FUNC; with one: its prototype. */
	assert_null(func_of(btf, "only_inlined"));
	assert_non_null(t = func_of(btf, "inl_sym"));
	t = btf__type_by_id(btf, t->type);
	assert_int_equal(btf_vlen(t), 1);
	assert_string_equal(btf__name_by_offset(btf, btf_params(t)[0].name_off), "q");
	/* pahole 1.24 matches symbols by their whole name: no clone_me. */
	assert_null(func_of(btf, "clone_me"));
	/* Two prototypes: the first unit's is kept. */
	assert_non_null(t = func_of(btf, "conflict"));
	assert_int_equal(btf_vlen(btf__type_by_id(btf, t->type)), 1);
	/* No kfunc tags before 6.11. */
	assert_tags(btf, "my_kfunc", "");

	/* Per-CPU variables with their linkage, the section to the last. */
	id = btf__find_by_name_kind(btf, "pcpu_static", BTF_KIND_VAR);
	assert_true(id > 0);
	assert_int_equal(btf_var(btf__type_by_id(btf, id))->linkage, BTF_VAR_STATIC);
	id = btf__find_by_name_kind(btf, "pcpu_folios", BTF_KIND_VAR);
	assert_true(id > 0);
	assert_int_equal(btf_var(btf__type_by_id(btf, id))->linkage,
			 BTF_VAR_GLOBAL_ALLOCATED);
	id = btf__find_by_name_kind(btf, ".data..percpu", BTF_KIND_DATASEC);
	assert_true(id > 0);
	t = btf__type_by_id(btf, id);
	assert_int_equal(btf_vlen(t), 2);
	assert_int_equal(t->size, btf_var_secinfos(t)[1].offset + 192);
	tg_btf__free(tb);
	free(so);
}

static void test_kernel_features(void **state)
{
	char *so = tmp("%s", "kernel611.so", "");
	const struct btf_type *t;
	const struct btf *btf;
	struct tg_btf *tb;
	int id;

	(void)state;
	/* 6.11's own build: clones matched, conflicts out, kfuncs tagged. */
	build_kernel(so, "6.11.0-test", NULL);
	tb = open_ok(so, true);
	btf = tg_btf__btf(tb);
	assert_non_null(func_of(btf, "clone_me"));
	assert_null(func_of(btf, "conflict"));
	assert_non_null(func_of(btf, "call_conflict"));
	/* Prototypes that differ only by a const are alike. */
	assert_non_null(func_of(btf, "alike"));
	assert_tags(btf, "my_kfunc", "bpf_kfunc,");
	assert_tags(btf, "my_fastcall", "bpf_kfunc,bpf_fastcall,");
	/* In a set that is no kfunc set. */
	assert_tags(btf, "not_kfunc", "");
	/* The prototype only the dropped conflict() used is gone too. */
	for (id = 1; id < (int)btf__type_cnt(btf); id++) {
		t = btf__type_by_id(btf, id);
		if (btf_is_func_proto(t) && btf_vlen(t) == 2)
			assert_int_not_equal(btf_params(t)[0].type,
					     btf_params(t)[1].type);
	}
	tg_btf__free(tb);

	/* --btf-features overrides the version: var only. */
	tb = open_features(so, "var");
	btf = tg_btf__btf(tb);
	assert_null(func_of(btf, "clone_me"));
	assert_non_null(func_of(btf, "conflict"));
	assert_tags(btf, "my_kfunc", "");
	/* No ENUM64: an 8-byte ENUM of the values' low 32 bits. */
	id = btf__find_by_name_kind(btf, "dw_big", BTF_KIND_ENUM);
	assert_true(id > 0);
	assert_int_equal(btf__type_by_id(btf, id)->size, 8);
	assert_true(btf__find_by_name_kind(btf, ".data..percpu", BTF_KIND_DATASEC) > 0);
	tg_btf__free(tb);
	tb = open_features(so, "");
	assert_true(btf__find_by_name_kind(tg_btf__btf(tb), ".data..percpu",
					   BTF_KIND_DATASEC) < 0);
	tg_btf__free(tb);
	assert_int_equal(tg_btf_features_parse("var,float,nonsense", NULL), -EINVAL);
	free(so);
}

/* The names of every FUNC and VAR, sorted, one a line. */
static char *funcs_vars(const struct btf *btf, __u32 start)
{
	__u32 id, cnt = btf__type_cnt(btf);
	struct named n = {};
	size_t len, i;
	char *s;
	FILE *f;

	n.d = calloc(cnt, sizeof(*n.d));
	assert_non_null(n.d);
	for (id = start; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_func(t) || btf_is_var(t))
			n.d[n.cnt++] = tg_test_path("%s %u", btf__name_by_offset(btf, t->name_off),
						    btf_kind(t));
	}
	qsort(n.d, n.cnt, sizeof(*n.d), cmp_str);
	f = open_memstream(&s, &len);
	for (i = 0; i < n.cnt; i++)
		fprintf(f, "%s\n", n.d[i]);
	fclose(f);
	free_named(&n);
	return s;
}

/* Debian's pahole 1.24 made Debian 12's .BTF: the same from the fixture. */
static void test_kernel_vs_pahole(void **state)
{
	char *so = tmp("%s", "kernel61p.so", ""), *pbtf = tmp("%s", "kernel61p.btf", "");
	struct named a, b;
	struct btf *pb;
	struct tg_btf *tb;
	char *fa, *fb;

	(void)state;
	if (!have_pahole)
		skip();
	build_kernel(so, "6.1.0-test", NULL);
	assert_int_equal(sh("pahole --btf_encode_detached='%s' '%s'", pbtf, so), 0);
	tb = open_ok(so, true);
	pb = btf__parse_raw(pbtf);
	assert_non_null(pb);
	a = named_types(tg_btf__btf(tb));
	b = named_types(pb);
	assert_same(&a, &b, "the kernel fixture against pahole", NULL);
	fa = funcs_vars(tg_btf__btf(tb), 1);
	fb = funcs_vars(pb, 1);
	assert_string_equal(fa, fb);
	free(fa);
	free(fb);
	free_named(&a);
	free_named(&b);
	btf__free(pb);
	tg_btf__free(tb);
	free(so);
	free(pbtf);
}

/* A module's DWARF on its kernel's BTF: split, as its own .BTF would be. */
static void test_module_on_base(void **state)
{
	char *so = tmp("%s", "kernelm.so", ""), *ko = tmp("%s", "module.ko", "");
	char *base_btf = tmp("%s", "kernelm.btf", ""), *hdr = tmp("%s", "module.h", "");
	char *cli = tg_test_cli(), *out = NULL, *s;
	TG_OPTS(tg_open_opts, opts, .from_dwarf = true);
	struct tg_btf *base, *mod;
	const struct btf *btf;
	__u32 start;
	int id;

	(void)state;
	build_kernel(so, "6.1.0-test", ko);
	base = open_ok(so, true);
	opts.base = base;
	assert_int_equal(tg_btf__open(ko, &opts, &mod), 0);
	assert_ptr_equal(tg_btf__base(mod), base);
	btf = tg_btf__btf(mod);
	start = btf__type_cnt(tg_btf__btf(base));
	/* The kernel's types are the base's, the module's its own. */
	id = btf__find_by_name_kind(btf, "dw_folios", BTF_KIND_STRUCT);
	assert_true(id > 0 && (__u32)id < start);
	id = btf__find_by_name_kind(btf, "dw_mod_state", BTF_KIND_STRUCT);
	assert_true((__u32)id >= start);
	assert_flat_array(btf, "dw_mod_state", "grid", 12, 4);
	s = funcs_vars(btf, start);
	assert_string_equal(s, "mod_fn 12\nmod_pcpu 14\n");
	free(s);
	/* Its own DATASEC, after the kernel's. */
	for (id = btf__type_cnt(btf) - 1; (__u32)id >= start; id--)
		if (btf_is_datasec(btf__type_by_id(btf, id)))
			break;
	assert_true((__u32)id >= start);
	assert_string_equal(btf__name_by_offset(btf, btf__type_by_id(btf, id)->name_off),
			    ".data..percpu");
	assert_int_equal(btf__type_by_id(btf, id)->size, 56);
	tg_btf__free(mod);

	/* Without a base: standalone, as before. */
	mod = open_ok(ko, true);
	assert_null(tg_btf__base(mod));
	tg_btf__free(mod);
	tg_btf__free(base);

	/* The CLI: a header of the module's types, on DWARF alone. */
	assert_int_equal(tg_test_runf(NULL, NULL, "'%s' btf --from-dwarf -i '%s' -o '%s'",
				      cli, so, base_btf), 0);
	assert_int_equal(tg_test_runf(NULL, NULL, "'%s' dump --from-dwarf -i '%s' --base '%s' -o '%s'",
				      cli, ko, base_btf, hdr), 0);
	out = tg_test_read_file(hdr, NULL);
	assert_non_null(out);
	assert_non_null(strstr(out, "struct dw_mod_state {"));
	free(out);
	free(cli);
	free(so);
	free(ko);
	free(base_btf);
	free(hdr);
}

/* ---- choosing DWARF or .BTF, progress ------------------------------------ */

static void test_from_dwarf_option(void **state)
{
	char *full = tmp("%s.%s", "dwarf_cases", "gcc5.so");
	char *both = tmp("%s", "both.so", "");
	char *small = tg_test_fixture("load_basic.bpf.o");
	char *raw = tmp("%s", "load_basic.btf", "");
	char *out = tmp("%s", "from-dwarf.btf", "");
	char *cli = tg_test_cli();
	struct btf *b = btf__parse_elf(small, NULL);
	const void *data;
	struct tg_btf *tb;
	__u32 sz;

	(void)state;
	assert_non_null(b);
	data = btf__raw_data(b, &sz);
	assert_int_equal(tg_test_write_file(raw, data, sz), 0);
	assert_int_equal(sh("objcopy --add-section .BTF='%s' '%s' '%s'", raw,
			    full, both), 0);
	/* .BTF wins by default... */
	tb = open_ok(both, false);
	assert_false(tg_btf__from_dwarf(tb));
	assert_true(btf__find_by_name(tg_btf__btf(tb), "load_basic_shape") > 0);
	assert_true(btf__find_by_name(tg_btf__btf(tb), "dw_user") < 0);
	tg_btf__free(tb);
	/* ...unless DWARF is asked for. */
	tb = open_ok(both, true);
	assert_true(tg_btf__from_dwarf(tb));
	assert_true(btf__find_by_name(tg_btf__btf(tb), "dw_user") > 0);
	tg_btf__free(tb);
	/* The same from the CLI. */
	assert_int_equal(sh("'%s' btf --from-dwarf -i '%s' -o '%s'", cli, both,
			    out), 0);
	tb = open_ok(out, false);
	assert_true(btf__find_by_name(tg_btf__btf(tb), "dw_user") > 0);
	tg_btf__free(tb);
	btf__free(b);
	free(full);
	free(both);
	free(small);
	free(raw);
	free(out);
	free(cli);
}

struct progress_log {
	int calls;
	bool converted;		/* saw "converting DWARF" reach its total */
	bool deduped;
};

static void on_progress(const char *stage, __u64 done, __u64 total, void *ctx)
{
	struct progress_log *log = ctx;

	log->calls++;
	assert_true(done <= total);
	if (!strcmp(stage, "converting DWARF") && done == total)
		log->converted = true;
	if (!strcmp(stage, "deduplicating") && done == total)
		log->deduped = true;
}

static void test_progress(void **state)
{
	char *obj = tmp("%s.%s", "emit_cases", "gcc5.so");
	struct progress_log log = {};
	TG_OPTS(tg_open_opts, opts, .progress = on_progress,
		.progress_ctx = &log);
	struct tg_btf *btf = NULL;

	(void)state;
	assert_int_equal(tg_btf__open(obj, &opts, &btf), 0);
	assert_true(log.calls >= 2);
	assert_true(log.converted);
	assert_true(log.deduped);
	tg_btf__free(btf);
	free(obj);
}

/* ---- broken inputs ----------------------------------------------------------- */

/* Where .debug_info's data starts in the ELF file @path. */
static long debug_info_offset(const char *path)
{
	int fd = open(path, O_RDONLY);
	long off = -1;
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	Elf *elf;

	assert_true(fd >= 0);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	assert_int_equal(elf_getshdrstrndx(elf, &shstrndx), 0);
	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &shdr) &&
		    !strcmp(elf_strptr(elf, shstrndx, shdr.sh_name), ".debug_info"))
			off = shdr.sh_offset;
	elf_end(elf);
	close(fd);
	assert_true(off > 0);
	return off;
}

/* A copy of @from with @len bytes at @at from .debug_info's start replaced. */
static char *patched(const char *from, const char *name, long at,
		     const void *bytes, size_t len)
{
	char *path = tmp("%s", name, "");
	size_t sz;
	unsigned char *data = tg_test_read_file(from, &sz);

	assert_non_null(data);
	memcpy(data + debug_info_offset(from) + at, bytes, len);
	assert_int_equal(tg_test_write_file(path, data, sz), 0);
	free(data);
	return path;
}

/* The CLI fails on one line naming the file, and writes no output file. */
static void assert_cli_fails(const char *path, const char *msg)
{
	char *cli = tg_test_cli(), *out = tmp("%s", "never.btf", "");
	char *cmd = tg_test_path("'%s' btf --from-dwarf -i '%s' -o '%s'", cli,
				 path, out);
	char *err = NULL;

	assert_int_equal(tg_test_run(cmd, NULL, &err), 1);
	assert_int_equal(tg_test_count_lines(err), 1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, msg));
	assert_false(tg_test_file_exists(out));
	free(err);
	free(cmd);
	free(out);
	free(cli);
}

static void assert_open_fails(const char *path, int want)
{
	TG_OPTS(tg_open_opts, opts, .from_dwarf = true);
	struct tg_btf *btf = NULL;

	assert_int_equal(tg_btf__open(path, &opts, &btf), want);
	assert_null(btf);
}

static void test_no_debug_info(void **state)
{
	char *src = tmp("%s", "plain.c", "");
	char *obj = tmp("%s", "plain.so", "");
	struct tg_btf *btf = NULL;

	(void)state;
	assert_int_equal(tg_test_write_file(src, "int plain(void) { return 1; }\n", 30), 0);
	assert_int_equal(sh("gcc -shared -fPIC '%s' -o '%s'", src, obj), 0);
	assert_open_fails(obj, -TG_ERRNO__NODWARF);
	/* Not asked for DWARF: what is missing is .BTF. */
	assert_int_equal(tg_btf__open(obj, NULL, &btf), -TG_ERRNO__NOBTF);
	tg_test_assert_message(-TG_ERRNO__NODWARF,
		"no DWARF debug info (in the file or a separate debug file)");
	assert_cli_fails(obj, "no DWARF debug info");
	free(src);
	free(obj);
}

static void test_unsupported_version(void **state)
{
	char *full = tmp("%s.%s", "dwarf_cases", "gcc5.so");
	static const unsigned char v7[] = { 7, 0 };
	char *bad;

	(void)state;
	/* The first unit's version, after its 4-byte length. */
	bad = patched(full, "version7.so", 4, v7, sizeof(v7));
	assert_open_fails(bad, -TG_ERRNO__DWARFVER);
	assert_cli_fails(bad, "unsupported DWARF version");
	free(bad);
	free(full);
}

static void test_corrupt(void **state)
{
	char *full = tmp("%s.%s", "dwarf_cases", "gcc5.so");
	unsigned char junk[64];
	char *bad;

	(void)state;
	/* The unit DIE and what follows: abbreviation codes that do not exist. */
	memset(junk, 0xfe, sizeof(junk));
	bad = patched(full, "corrupt.so", 12, junk, sizeof(junk));
	assert_open_fails(bad, -TG_ERRNO__DWARF);
	assert_cli_fails(bad, "invalid DWARF debug info");
	free(bad);
	/* A unit longer than the section. */
	memset(junk, 0x7f, 4);
	bad = patched(full, "toolong.so", 0, junk, 4);
	assert_open_fails(bad, -TG_ERRNO__DWARF);
	free(bad);
	free(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vs_pahole),
		cmocka_unit_test(test_vs_clang_bpf),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_dwz),
		cmocka_unit_test(test_separate_debug),
		cmocka_unit_test(test_compressed_file),
		cmocka_unit_test(test_funcs_and_percpu),
		cmocka_unit_test(test_kernel_61),
		cmocka_unit_test(test_kernel_features),
		cmocka_unit_test(test_kernel_vs_pahole),
		cmocka_unit_test(test_module_on_base),
		cmocka_unit_test(test_from_dwarf_option),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_no_debug_info),
		cmocka_unit_test(test_unsupported_version),
		cmocka_unit_test(test_corrupt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
