// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dwarf_named A B - compare the named structs, unions, enums and typedefs
 * of two raw BTF files, type for type: size, members (name, bit offset,
 * bitfield size, member type by name or in full when anonymous; arrays
 * by their total element count), enumerators. Prints the counts and the first differences; exits 0 when
 * every description of A is in B and the other way round.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>
#include <bpf/btf.h>

static void desc(FILE *f, const struct btf *b, __u32 id, int top, int depth);

static void body(FILE *f, const struct btf *b, const struct btf_type *t,
		 int depth)
{
	int i, n = btf_vlen(t);

	fprintf(f, "%s %s %u{", btf_is_union(t) ? "union" :
		btf_is_composite(t) ? "struct" : "enum",
		btf__name_by_offset(b, t->name_off), t->size);
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

	if (!id || depth > 12) {
		fputs(id ? "..." : "void", f);
		return;
	}
	name = btf__name_by_offset(b, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		fprintf(f, "%s", name);
		return;
	case BTF_KIND_PTR:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		fprintf(f, "k%u ", btf_kind(t));
		desc(f, b, t->type, 0, depth + 1);
		return;
	case BTF_KIND_ARRAY: {
		/* pahole flattens int a[2][3] into one array of 6; clang not. */
		unsigned long long n = 1;

		while (btf_is_array(t)) {
			n *= btf_array(t)->nelems;
			id = btf_array(t)->type;
			t = btf__type_by_id(b, id);
		}
		fprintf(f, "[%llu]", n);
		desc(f, b, id, 0, depth + 1);
		return;
	}
	case BTF_KIND_FUNC_PROTO:
		fputs("fn(", f);
		for (i = 0; i < btf_vlen(t); i++) {
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
		return;
	default:
		if (top || !*name)
			body(f, b, t, depth);
		else
			fprintf(f, "%s %s", btf_is_union(t) ? "union" :
				btf_is_composite(t) ? "struct" : "enum", name);
	}
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **named(const struct btf *b, size_t *cnt)
{
	__u32 id, n = btf__type_cnt(b);
	char **d = calloc(n, sizeof(*d));
	size_t len;

	*cnt = 0;
	for (id = 1; d && id < n; id++) {
		const struct btf_type *t = btf__type_by_id(b, id);
		FILE *f;

		if (!t->name_off || !(btf_is_composite(t) || btf_is_any_enum(t) ||
				      btf_is_typedef(t)))
			continue;
		f = open_memstream(&d[*cnt], &len);
		desc(f, b, id, 1, 0);
		fclose(f);
		(*cnt)++;
	}
	qsort(d, *cnt, sizeof(*d), cmp);
	return d;
}

static size_t missing(char **a, size_t na, char **b, size_t nb, const char *w)
{
	size_t i, miss = 0;

	for (i = 0; i < na; i++)
		if (!bsearch(&a[i], b, nb, sizeof(*b), cmp) && miss++ < 5)
			printf("  only in %s: %s\n", w, a[i]);
	return miss;
}

int main(int argc, char **argv)
{
	struct btf *a, *b;
	char **da, **db;
	size_t na, nb, ma, mb;

	if (argc != 3) {
		fprintf(stderr, "usage: %s A.btf B.btf\n", argv[0]);
		return 2;
	}
	a = btf__parse_raw(argv[1]);
	b = btf__parse_raw(argv[2]);
	if (!a || !b) {
		fprintf(stderr, "dwarf_named: cannot read the BTF files\n");
		return 2;
	}
	da = named(a, &na);
	db = named(b, &nb);
	ma = missing(da, na, db, nb, argv[1]);
	mb = missing(db, nb, da, na, argv[2]);
	printf("named types: %zu and %zu; %zu only in the first, %zu only in the second\n",
	       na, nb, ma, mb);
	return ma || mb;
}
