// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * layout_asserts INPUT [--arch A] [--from-dwarf] - C11 _Static_asserts
 * that a header written from INPUT lays every type out as INPUT says.
 *
 * INPUT is anything typegen reads (raw BTF, ELF with .BTF, DWARF, an
 * image...). The asserts are printed on stdout, to be compiled after
 * the header typegen writes from the same INPUT, for the input's own
 * machine (clang --target=...): one per named struct and union size,
 * per member offset (bitfields excepted: offsetof() cannot take them;
 * they are counted in a comment at the end), per enum size and per size
 * of a typedef of a complete type. Names are the header's own
 * (tg_c_dumper__name(), with its ___N suffixes); sizes and offsets come
 * from the BTF through libbpf, not from the emitter. Members of
 * anonymous structs and unions are checked through the outer type
 * (offsetof(struct s, inner.field) or, unnamed, offsetof(struct s, field)).
 *
 * Exit status 0, or 1 with one line on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "typegen.h"

struct gen {
	const struct btf *btf;
	const struct tg_c_dumper *d;
	FILE *out;
	unsigned long asserts, bitfields;
	char path[4096];	/* member designator being built */
};

static __u32 skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t;

	while ((t = btf__type_by_id(btf, id)) && btf_is_mod(t))
		id = t->type;
	return id;
}

static __u32 skip_mods_typedefs(const struct btf *btf, __u32 id)
{
	const struct btf_type *t;

	while ((t = btf__type_by_id(btf, id)) &&
	       (btf_is_mod(t) || btf_is_typedef(t)))
		id = t->type;
	return id;
}

static bool is_anon_composite(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;

	if (!t || !btf_is_composite(t))
		return false;
	name = btf__name_by_offset(btf, t->name_off);
	return !name || !*name;
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
	mt = btf__type_by_id(btf, skip_mods_typedefs(btf, btf_members(t)[i].type));
	if (mt && btf_is_int(mt) &&
	    (btf_int_bits(mt) != mt->size * 8 || btf_int_offset(mt))) {
		*bits = btf_int_bits(mt);
		*off += btf_int_offset(mt);
	}
}

static void members(struct gen *g, const char *tag, const char *name,
		    const struct btf_type *t, __u64 base_bits, size_t plen,
		    int depth)
{
	__u32 i;

	if (depth > 32)
		return;
	for (i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = btf_members(t) + i;
		const char *mname = btf__name_by_offset(g->btf, m->name_off);
		__u32 mt = skip_mods(g->btf, m->type), off, bits;
		size_t len = plen;
		__u64 at;

		member_pos(g->btf, t, i, &off, &bits);
		at = base_bits + off;
		if (mname && *mname) {
			int n = snprintf(g->path + plen, sizeof(g->path) - plen,
					 "%s%s", plen ? "." : "", mname);

			if (n < 0 || (size_t)n >= sizeof(g->path) - plen)
				continue;
			len = plen + n;
			if (bits) {
				g->bitfields++;
				continue;
			}
			fprintf(g->out,
				"_Static_assert(__builtin_offsetof(%s%s, %s) == %llu, \"%s%s.%s\");\n",
				tag, name, g->path, (unsigned long long)(at / 8),
				tag, name, g->path);
			g->asserts++;
		} else if (!is_anon_composite(g->btf, mt)) {
			continue;	/* an unnamed bitfield: padding */
		}
		if (is_anon_composite(g->btf, mt))
			members(g, tag, name, btf__type_by_id(g->btf, mt), at,
				len, depth + 1);
		g->path[plen] = '\0';
	}
}

/* Can sizeof() be taken of type @id (complete, no function)? */
static bool sized(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods_typedefs(btf, id));

	if (!t || btf_is_void(t) || btf_is_fwd(t) || btf_is_func_proto(t))
		return false;
	if (btf_is_any_enum(t) && !btf_vlen(t))
		return false;
	return btf__resolve_size(btf, id) >= 0;
}

static void type_asserts(struct gen *g, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(g->btf, id);
	const char *name = tg_c_dumper__name(g->d, id);
	const char *tag;

	if (!name)
		return;
	if (btf_is_struct(t))
		tag = "struct ";
	else if (btf_is_union(t))
		tag = "union ";
	else if (btf_is_any_enum(t))
		tag = "enum ";
	else if (btf_is_typedef(t))
		tag = "";
	else
		return;
	if (!sized(g->btf, id))
		return;
	fprintf(g->out, "_Static_assert(sizeof(%s%s) == %lld, \"%s%s\");\n",
		tag, name, (long long)btf__resolve_size(g->btf, id), tag, name);
	g->asserts++;
	if (btf_is_composite(t)) {
		g->path[0] = '\0';
		members(g, tag, name, t, 0, 0, 0);
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: layout_asserts INPUT [--arch A] [--from-dwarf] > asserts.c\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct gen g = { .out = stdout };
	const char *input = NULL, *arch = NULL;
	TG_OPTS(tg_open_opts, opts);
	struct tg_c_dumper *d = NULL;
	struct tg_btf *btf = NULL;
	enum tg_arch a;
	char msg[256];
	__u32 id, n;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--arch") && i + 1 < argc)
			arch = argv[++i];
		else if (!strcmp(argv[i], "--from-dwarf"))
			opts.from_dwarf = true;
		else if (argv[i][0] != '-' && !input)
			input = argv[i];
		else
			return usage();
	}
	if (!input)
		return usage();
	err = tg_btf__open(input, &opts, &btf);
	if (!err && arch) {
		if (tg_arch__from_str(arch, &a)) {
			fprintf(stderr, "layout_asserts: unknown architecture '%s'\n", arch);
			tg_btf__free(btf);
			return 1;
		}
		if (tg_btf__arch(btf) == TG_ARCH_UNKNOWN)
			err = tg_btf__set_arch(btf, a);
		else if (tg_btf__arch(btf) != a) {
			fprintf(stderr, "layout_asserts: %s: the types are %s's, not %s's\n",
				input, tg_arch__str(tg_btf__arch(btf)), tg_arch__str(a));
			tg_btf__free(btf);
			return 1;
		}
	}
	if (!err)
		err = tg_c_dumper__new(btf, NULL, &d);
	if (err) {
		tg_strerror(err, msg, sizeof(msg));
		fprintf(stderr, "layout_asserts: %s: %s\n", input, msg);
		tg_btf__free(btf);
		return 1;
	}
	g.btf = tg_btf__btf(btf);
	g.d = d;
	fprintf(g.out, "/* layouts of %s (%s) */\n", input,
		tg_arch__str(tg_btf__arch(btf)));
	n = btf__type_cnt(g.btf);
	for (id = 1; id < n; id++)
		type_asserts(&g, id);
	fprintf(g.out, "/* %lu asserts; %lu bitfields not checked */\n",
		g.asserts, g.bitfields);
	tg_c_dumper__free(d);
	tg_btf__free(btf);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "layout_asserts: writing: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
