// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dwarf_named [--base BASE] [--all] A B - compare two raw BTF files (split
 * on BASE, for a module's) as a kernel's .BTF is judged, aspect by aspect:
 *  - types: every named struct, union, enum, typedef, forward, int and
 *    float: size, members (name, bit offset, bitfield size, member type by
 *    name or in full when anonymous, arrays by their exact shape),
 *    enumerators;
 *  - functions: the names of the FUNCs;
 *  - linkage: each FUNC's name and linkage;
 *  - decl tags: each tag's value, the kind and name it is on, component;
 *  - variables: each VAR's name, linkage and type, the DATASECs' size and
 *    entries (name, offset, size);
 *  - prototypes (with --all, informative: which of two prototypes a
 *    function gets may depend on pahole's threads): name and prototype.
 * Each aspect is a set of descriptions; it prints, per aspect, how many
 * are only in A and only in B, and the first few. Exits 0 when all the
 * aspects but prototypes are equal, 1 otherwise, 2 on bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>
#include <bpf/btf.h>

#define SHOW 8

static void desc(FILE *f, const struct btf *b, __u32 id, int top, int depth);

static void body(FILE *f, const struct btf *b, const struct btf_type *t,
		 int depth)
{
	int i, n = btf_vlen(t);

	fprintf(f, "%s %s %u%s{", btf_is_union(t) ? "union" :
		btf_is_composite(t) ? "struct" : "enum",
		btf__name_by_offset(b, t->name_off), t->size,
		btf_is_any_enum(t) && btf_kflag(t) ? "s" : "");
	for (i = 0; i < n; i++) {
		if (btf_is_composite(t)) {
			const struct btf_member *m = btf_members(t) + i;

			fprintf(f, "%s@%u:%u:", btf__name_by_offset(b, m->name_off),
				btf_member_bit_offset(t, i),
				btf_member_bitfield_size(t, i));
			desc(f, b, m->type, 0, depth + 1);
		} else if (btf_is_enum(t)) {
			fprintf(f, "%s=%d", btf__name_by_offset(b, btf_enum(t)[i].name_off),
				btf_enum(t)[i].val);
		} else {
			fprintf(f, "%s=%llu", btf__name_by_offset(b, btf_enum64(t)[i].name_off),
				(unsigned long long)btf_enum64_value(btf_enum64(t) + i));
		}
		fputc(';', f);
	}
	fputc('}', f);
}

static void desc(FILE *f, const struct btf *b, __u32 id, int top, int depth)
{
	const struct btf_type *t = btf__type_by_id(b, id);
	const char *name;
	int i;

	if (!id || !t || depth > 12) {
		fputs(id ? "..." : "void", f);
		return;
	}
	name = btf__name_by_offset(b, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		fprintf(f, "%s", name);
		if (top)
			fprintf(f, " int %u/%u/%u", t->size, btf_int_bits(t),
				btf_int_encoding(t));
		return;
	case BTF_KIND_FLOAT:
		fprintf(f, "%s", name);
		if (top)
			fprintf(f, " float %u", t->size);
		return;
	case BTF_KIND_PTR:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		fprintf(f, "k%u ", btf_kind(t));
		desc(f, b, t->type, 0, depth + 1);
		return;
	case BTF_KIND_ARRAY:
		/* The exact shape: int a[40] is not int a[4][2][5]. */
		fprintf(f, "[%u]", btf_array(t)->nelems);
		desc(f, b, btf_array(t)->type, 0, depth + 1);
		return;
	case BTF_KIND_FUNC_PROTO:
		fputs("fn(", f);
		for (i = 0; i < btf_vlen(t); i++) {
			fprintf(f, "%s:", btf__name_by_offset(b, btf_params(t)[i].name_off));
			desc(f, b, btf_params(t)[i].type, 0, depth + 1);
			fputc(',', f);
		}
		fputs(")", f);
		desc(f, b, t->type, 0, depth + 1);
		return;
	case BTF_KIND_TYPEDEF:
		fprintf(f, "typedef %s", name);
		if (top) {
			fputc('=', f);
			desc(f, b, t->type, 0, depth + 1);
		}
		return;
	case BTF_KIND_FWD:
		fprintf(f, "%s %s", btf_kflag(t) ? "union" : "struct", name);
		if (top)
			fputs(" fwd", f);
		return;
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_DATASEC:
	case BTF_KIND_DECL_TAG:
		fprintf(f, "k%u %s", btf_kind(t), name);
		return;
	default:
		if (top || !*name)
			body(f, b, t, depth);
		else
			fprintf(f, "%s %s", btf_is_union(t) ? "union" :
				btf_is_composite(t) ? "struct" : "enum", name);
	}
}

enum aspect { TYPES, FUNCS, LINKAGE, TAGS, VARS, PROTOS, ASPECTS };
static const char *const aspect_name[] = {
	"types", "functions", "linkage", "decl tags", "variables", "prototypes",
};

struct set {
	char **d;
	size_t cnt, cap;
};

static void add(struct set *s, char *str)
{
	if (s->cnt == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->d = realloc(s->d, s->cap * sizeof(*s->d));
		if (!s->d) {
			perror("dwarf_named");
			exit(2);
		}
	}
	s->d[s->cnt++] = str;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, each description once. */
static void finish(struct set *s)
{
	size_t i, k = 0;

	if (!s->cnt)
		return;
	qsort(s->d, s->cnt, sizeof(*s->d), cmp);
	for (i = 1; i < s->cnt; i++) {
		if (!strcmp(s->d[k], s->d[i]))
			free(s->d[i]);
		else
			s->d[++k] = s->d[i];
	}
	s->cnt = k + 1;
}

static void describe(const struct btf *b, __u32 start, struct set *sets)
{
	__u32 id, n = btf__type_cnt(b);
	size_t len;
	char *str;
	FILE *f;
	int i;

	for (id = start; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b, id);
		const char *name = btf__name_by_offset(b, t->name_off);

		switch (btf_kind(t)) {
		case BTF_KIND_FUNC:
			add(&sets[FUNCS], strdup(name));
			f = open_memstream(&str, &len);
			fprintf(f, "%s %u", name, btf_vlen(t));
			fclose(f);
			add(&sets[LINKAGE], str);
			f = open_memstream(&str, &len);
			fprintf(f, "%s ", name);
			desc(f, b, t->type, 0, 0);
			fclose(f);
			add(&sets[PROTOS], str);
			continue;
		case BTF_KIND_DECL_TAG:
			f = open_memstream(&str, &len);
			fprintf(f, "%s on ", name);
			desc(f, b, t->type, 0, 0);
			fprintf(f, " %d", btf_decl_tag(t)->component_idx);
			fclose(f);
			add(&sets[TAGS], str);
			continue;
		case BTF_KIND_VAR:
			f = open_memstream(&str, &len);
			fprintf(f, "%s %u ", name, btf_var(t)->linkage);
			desc(f, b, t->type, 0, 0);
			fclose(f);
			add(&sets[VARS], str);
			continue;
		case BTF_KIND_DATASEC:
			f = open_memstream(&str, &len);
			fprintf(f, "datasec %s %u", name, t->size);
			fclose(f);
			add(&sets[VARS], str);
			for (i = 0; i < btf_vlen(t); i++) {
				const struct btf_var_secinfo *v = btf_var_secinfos(t) + i;

				f = open_memstream(&str, &len);
				fprintf(f, "%s: ", name);
				desc(f, b, v->type, 0, 0);
				fprintf(f, "@%u+%u", v->offset, v->size);
				fclose(f);
				add(&sets[VARS], str);
			}
			continue;
		}
		if (!t->name_off || !(btf_is_composite(t) || btf_is_any_enum(t) ||
				      btf_is_typedef(t) || btf_is_fwd(t) ||
				      btf_is_int(t) || btf_is_float(t)))
			continue;
		f = open_memstream(&str, &len);
		desc(f, b, id, 1, 0);
		fclose(f);
		add(&sets[TYPES], str);
	}
	for (i = 0; i < ASPECTS; i++)
		finish(&sets[i]);
}

static size_t missing(const struct set *a, const struct set *b, const char *w)
{
	size_t i, miss = 0;

	for (i = 0; i < a->cnt; i++)
		if (!bsearch(&a->d[i], b->d, b->cnt, sizeof(*b->d), cmp) &&
		    miss++ < SHOW)
			printf("    only in %s: %.300s\n", w, a->d[i]);
	return miss;
}

static struct btf *parse(const char *path, struct btf *base)
{
	struct btf *b = base ? btf__parse_raw_split(path, base) :
			       btf__parse_raw(path);

	if (!b) {
		fprintf(stderr, "dwarf_named: %s: cannot read the BTF\n", path);
		exit(2);
	}
	return b;
}

int main(int argc, char **argv)
{
	struct set sa[ASPECTS] = {}, sb[ASPECTS] = {};
	struct btf *base = NULL, *a, *b;
	__u32 start = 1;
	int i = 1, all = 0, bad = 0;
	size_t ma, mb;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--all")) {
			all = 1;
		} else if (!strcmp(argv[i], "--base") && i + 1 < argc) {
			base = parse(argv[++i], NULL);
			start = btf__type_cnt(base);
		} else {
			break;
		}
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: %s [--base BASE] [--all] A.btf B.btf\n",
			argv[0]);
		return 2;
	}
	a = parse(argv[i], base);
	b = parse(argv[i + 1], base);
	describe(a, start, sa);
	describe(b, start, sb);
	for (int k = 0; k < ASPECTS; k++) {
		if (k == PROTOS && !all)
			continue;
		printf("%s: %zu and %zu\n", aspect_name[k], sa[k].cnt, sb[k].cnt);
		ma = missing(&sa[k], &sb[k], argv[i]);
		mb = missing(&sb[k], &sa[k], argv[i + 1]);
		printf("  %s: %zu only in the first, %zu only in the second\n",
		       aspect_name[k], ma, mb);
		if ((ma || mb) && k != PROTOS)
			bad = 1;
	}
	printf("result: %s\n", bad ? "different" : "equal");
	return bad;
}
