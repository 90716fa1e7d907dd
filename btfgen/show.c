// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen show - one type's C definition with its layout, as pahole shows
 * it: each member's offset and size, the holes between members and the
 * padding at the end; or, with --with, how it changed between two kernels.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "json.h"
#include "main.h"

/* A hole, in bits to a byte, whole bytes, and bits into the next byte. */
struct gap {
	__u64 bits_before, bytes, bits_after;
};

/* A member as it is laid out, anonymous members' members flattened. */
struct field {
	const char *name;	/* "" for a nested anonymous type's line */
	char *decl;		/* its C declaration, bitfield width included */
	__u64 bit_off;		/* from the start of the shown type */
	__u32 bits;		/* size in bits */
	bool bitfield;
	int depth;		/* nesting in anonymous types */
	int open;		/* 1: opens an anonymous type, -1: closes one */
	struct gap hole;	/* before it */
};

struct layout {
	struct tg_c_dumper *d;
	const struct btf *btf;
	__u32 id;		/* the struct, union or enum shown */
	struct field *f;
	size_t cnt, cap;
	__u64 holes, hole_bytes;		/* the type's own, not nested */
	__u64 bit_holes, bit_hole_bits;
	__u64 padding_bits, bit_padding_bits;
	int err;
};

/*
 * A gap before a member at bit @off, after one that ended at @end, split
 * as pahole counts it: what is left of the last bitfield's storage unit
 * (@unit_end) is a bit hole, whole bytes after it a hole, and the bits
 * before a bitfield that starts inside a byte a bit hole again.
 */
static struct gap split_gap(__u64 end, __u64 unit_end, __u64 off)
{
	struct gap g = {};
	__u64 rest;

	if (unit_end > end) {
		__u64 to = off < unit_end ? off : unit_end;

		g.bits_before = to > end ? to - end : 0;
		end = to;
	}
	rest = off - end;
	g.bytes = rest / 8;
	g.bits_after = rest % 8;
	return g;
}

static void count_gap(struct layout *l, const struct gap *g)
{
	l->bit_holes += !!g->bits_before + !!g->bits_after;
	l->bit_hole_bits += g->bits_before + g->bits_after;
	l->holes += !!g->bytes;
	l->hole_bytes += g->bytes;
}

static struct field *add_field(struct layout *l)
{
	if (l->cnt == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct field *f = realloc(l->f, cap * sizeof(*f));

		if (!f) {
			l->err = -ENOMEM;
			return NULL;
		}
		l->f = f;
		l->cap = cap;
	}
	memset(&l->f[l->cnt], 0, sizeof(l->f[0]));
	return &l->f[l->cnt++];
}

static __u32 skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t) ||
		     btf_kind(t) == BTF_KIND_TYPE_TAG)) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

static bool is_anon_composite(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	return t && btf_is_composite(t) && !t->name_off;
}

static void walk(struct layout *l, __u32 id, __u64 base, int depth);

/* One member of a struct or union at bit @base. */
static void walk_member(struct layout *l, const struct btf_type *t, __u32 i,
			__u64 base, int depth, __u64 *end, __u64 *unit_end)
{
	const struct btf_member *m = btf_members(t) + i;
	const char *name = btf__name_by_offset(l->btf, m->name_off) ?: "";
	__u32 bits = btf_member_bitfield_size(t, i);
	__u64 off = base + btf_member_bit_offset(t, i);
	struct gap hole = {};
	struct field *f;
	long long size;

	if (depth > 32) {
		l->err = -TG_ERRNO__CYCLE;
		return;
	}
	/* holes are shown on each level, counted on the type's own */
	if (btf_is_struct(t) && off > *end) {
		hole = split_gap(*end, *unit_end, off);
		if (!depth)
			count_gap(l, &hole);
	}
	if (!*name && is_anon_composite(l->btf, m->type)) {
		const struct btf_type *at = btf__type_by_id(l->btf, m->type);

		f = add_field(l);
		if (!f)
			return;
		f->open = 1;
		f->depth = depth;
		f->bit_off = off;
		f->bits = at->size * 8;
		f->hole = hole;
		f->decl = strdup(btf_is_union(at) ? "union {" : "struct {");
		walk(l, m->type, off, depth + 1);
		f = add_field(l);
		if (!f)
			return;
		f->open = -1;
		f->depth = depth;
		f->decl = strdup("};");
		*end = *unit_end = off + at->size * 8;
		return;
	}
	f = add_field(l);
	if (!f)
		return;
	f->name = name;
	f->depth = depth;
	f->bit_off = off;
	f->hole = hole;
	l->err = tg_c_dumper__decl(l->d, m->type, name, &f->decl);
	if (l->err)
		return;
	if (bits) {
		char *s;

		f->bitfield = true;
		f->bits = bits;
		if (asprintf(&s, "%s:%u", f->decl, bits) < 0) {
			l->err = -ENOMEM;
			return;
		}
		free(f->decl);
		f->decl = s;
	} else {
		size = btf__resolve_size(l->btf, m->type);
		f->bits = size > 0 ? size * 8 : 0;
	}
	if (off + f->bits > *end) {
		*end = off + f->bits;
		*unit_end = *end;
		size = btf__resolve_size(l->btf, m->type);
		/* a bitfield's storage unit: its type's size, aligned */
		if (bits && size > 0)
			*unit_end = (off / (size * 8) + 1) * (size * 8);
	}
}

static void walk(struct layout *l, __u32 id, __u64 base, int depth)
{
	const struct btf_type *t = btf__type_by_id(l->btf, id);
	__u64 end = base, unit_end = base;
	__u32 i;

	for (i = 0; i < btf_vlen(t) && !l->err; i++)
		walk_member(l, t, i, base, depth, &end, &unit_end);
	if (depth)
		return;
	/* the rest of the last bitfield's unit is bit padding, as in pahole */
	if (unit_end > end && unit_end <= (__u64)t->size * 8) {
		l->bit_padding_bits = unit_end - end;
		end = unit_end;
	}
	if (end < (__u64)t->size * 8)
		l->padding_bits = (__u64)t->size * 8 - end;
}

static void free_layout(struct layout *l)
{
	size_t i;

	for (i = 0; i < l->cnt; i++)
		free(l->f[i].decl);
	free(l->f);
}

/* "24" or "24:3" (bytes:bits into the byte), as pahole writes offsets. */
static void fmt_off(char *buf, size_t size, __u64 bit_off, bool bitfield)
{
	if (bitfield)
		snprintf(buf, size, "%llu:%2llu",
			 (unsigned long long)bit_off / 8,
			 (unsigned long long)bit_off % 8);
	else
		snprintf(buf, size, "%llu", (unsigned long long)bit_off / 8);
}

static void fmt_size(char *buf, size_t size, const struct field *f)
{
	if (f->bitfield)
		snprintf(buf, size, "%u bits", f->bits);
	else
		snprintf(buf, size, "%u", f->bits / 8);
}

static void print_hole(const struct gap *g, int depth)
{
	int indent = (depth + 1) * 8;

	if (g->bits_before)
		printf("%*s/* XXX %llu bits hole */\n", indent, "",
		       (unsigned long long)g->bits_before);
	if (g->bytes)
		printf("%*s/* XXX %llu bytes hole */\n", indent, "",
		       (unsigned long long)g->bytes);
	if (g->bits_after)
		printf("%*s/* XXX %llu bits hole */\n", indent, "",
		       (unsigned long long)g->bits_after);
}

static void print_layout_text(const struct layout *l, const char *title)
{
	const struct btf_type *t = btf__type_by_id(l->btf, l->id);
	size_t i;

	printf("%s {\n", title);
	for (i = 0; i < l->cnt; i++) {
		const struct field *f = &l->f[i];
		char off[32], sz[32];
		int indent = (f->depth + 1) * 8, col;

		print_hole(&f->hole, f->depth);
		if (f->open < 0) {
			printf("%*s%s\n", indent, "", f->decl);
			continue;
		}
		col = printf("%*s%s%s", indent, "", f->decl,
			     f->open ? "" : ";");
		fmt_off(off, sizeof(off), f->bit_off, f->bitfield);
		fmt_size(sz, sizeof(sz), f);
		printf("%*s/* %8s %8s */\n", col < 56 ? 56 - col : 1, "", off,
		       sz);
	}
	printf("\n        /* size: %u, cachelines: %u, members: %u */\n",
	       t->size, (t->size + 63) / 64, btf_vlen(t));
	if (l->holes)
		printf("        /* holes: %llu, sum holes: %llu */\n",
		       (unsigned long long)l->holes,
		       (unsigned long long)l->hole_bytes);
	if (l->bit_holes)
		printf("        /* bit holes: %llu, sum bit holes: %llu bits */\n",
		       (unsigned long long)l->bit_holes,
		       (unsigned long long)l->bit_hole_bits);
	if (l->padding_bits)
		printf("        /* padding: %llu */\n",
		       (unsigned long long)l->padding_bits / 8);
	if (l->bit_padding_bits)
		printf("        /* bit_padding: %llu bits */\n",
		       (unsigned long long)l->bit_padding_bits);
	printf("};\n");
}

static void print_field_json(struct json_writer *w, const struct field *f)
{
	jsonw_start_object(w);
	jsonw_string_field(w, "name", f->name);
	jsonw_string_field(w, "decl", f->decl);
	jsonw_name(w, "offset");
	jsonw_uint(w, f->bit_off / 8);
	jsonw_name(w, "bit_offset");
	jsonw_uint(w, f->bit_off);
	jsonw_name(w, "size");
	jsonw_uint(w, f->bitfield ? (f->bits + 7) / 8 : f->bits / 8);
	if (f->bitfield) {
		jsonw_name(w, "bits");
		jsonw_uint(w, f->bits);
	}
	jsonw_name(w, "hole_bytes_before");
	jsonw_uint(w, f->hole.bytes);
	jsonw_name(w, "hole_bits_before");
	jsonw_uint(w, f->hole.bits_before + f->hole.bits_after);
	jsonw_end_object(w);
}

static void print_layout_json(struct json_writer *w, const struct layout *l,
			      const char *title)
{
	const struct btf_type *t = btf__type_by_id(l->btf, l->id);
	size_t i;

	jsonw_start_object(w);
	jsonw_string_field(w, "type", title);
	jsonw_name(w, "id");
	jsonw_uint(w, l->id);
	jsonw_name(w, "size");
	jsonw_uint(w, t->size);
	jsonw_name(w, "members");
	jsonw_start_array(w);
	for (i = 0; i < l->cnt; i++)
		if (!l->f[i].open)
			print_field_json(w, &l->f[i]);
	jsonw_end_array(w);
	jsonw_name(w, "holes");
	jsonw_uint(w, l->holes);
	jsonw_name(w, "hole_bytes");
	jsonw_uint(w, l->hole_bytes);
	jsonw_name(w, "bit_holes");
	jsonw_uint(w, l->bit_holes);
	jsonw_name(w, "bit_hole_bits");
	jsonw_uint(w, l->bit_hole_bits);
	jsonw_name(w, "padding");
	jsonw_uint(w, l->padding_bits / 8);
	jsonw_name(w, "bit_padding");
	jsonw_uint(w, l->bit_padding_bits);
	jsonw_end_object(w);
}

/* ------------------------------------------------------------------------
 * Finding the type, in one or two inputs
 */

struct shown {
	struct inputs in;
	struct tg_c_dumper *d;
	const struct btf *btf;
	__u32 id;		/* what TYPE names */
	__u32 target;		/* the struct, union or enum behind it */
	char *title;		/* "struct task_struct" */
};

static int find_type(struct shown *s, const char *type, const char *input)
{
	const struct btf_type *t;
	int err;

	err = tg_c_dumper__new(s->in.result, NULL, &s->d);
	if (err) {
		p_err_code(input, err);
		return err;
	}
	s->btf = tg_btf__btf(s->in.result);
	err = tg_c_dumper__find(s->d, type, &s->id);
	if (err == -ENOENT) {
		p_err(input, "no type called '%s'", type);
		return err;
	}
	if (err) {
		p_err_code(input, err);
		return err;
	}
	s->target = skip_mods(s->btf, s->id);
	t = btf__type_by_id(s->btf, s->target);
	if (!t || !(btf_is_composite(t) || btf_is_any_enum(t))) {
		p_err(input, "'%s' is not a struct, union or enum: no layout to show",
		      type);
		return -EINVAL;
	}
	if (asprintf(&s->title, "%s %s",
		     btf_is_struct(t) ? "struct" : btf_is_union(t) ? "union" : "enum",
		     tg_c_dumper__name(s->d, s->target) ?: "(anon)") < 0) {
		s->title = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void free_shown(struct shown *s)
{
	tg_c_dumper__free(s->d);
	free_inputs(&s->in);
	free(s->title);
}

static int make_layout(struct shown *s, struct layout *l, const char *input)
{
	memset(l, 0, sizeof(*l));
	l->d = s->d;
	l->btf = s->btf;
	l->id = s->target;
	walk(l, s->target, 0, 0);
	if (l->err)
		p_err_code(input, l->err);
	return l->err;
}

static void show_enum(const struct shown *s)
{
	const struct btf_type *t = btf__type_by_id(s->btf, s->target);
	struct json_writer w;
	__u32 i;

	if (json_output) {
		jsonw_init(&w, stdout, pretty_output);
		jsonw_start_object(&w);
		jsonw_string_field(&w, "type", s->title);
		jsonw_name(&w, "size");
		jsonw_uint(&w, t->size);
		jsonw_name(&w, "values");
		jsonw_start_object(&w);
	} else {
		printf("%s {\t/* size: %u, %s */\n", s->title, t->size,
		       btf_kflag(t) ? "signed" : "unsigned");
	}
	for (i = 0; i < btf_vlen(t); i++) {
		__u32 off = btf_is_enum(t) ? btf_enum(t)[i].name_off :
					     btf_enum64(t)[i].name_off;
		__u64 v = btf_is_enum(t) ? (__u64)(__s64)(__s32)btf_enum(t)[i].val :
					   btf_enum64_value(btf_enum64(t) + i);
		const char *name = btf__name_by_offset(s->btf, off);

		if (json_output) {
			jsonw_name(&w, name);
			jsonw_uint(&w, v);
		} else if (btf_kflag(t)) {
			printf("\t%s = %lld,\n", name, (long long)v);
		} else {
			printf("\t%s = %llu,\n", name, (unsigned long long)v);
		}
	}
	if (json_output) {
		jsonw_end_object(&w);
		jsonw_end_object(&w);
		jsonw_finish(&w);
	} else {
		printf("};\n");
	}
}

/* ------------------------------------------------------------------------
 * Two kernels side by side
 */

static const struct field *find_field(const struct layout *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->cnt; i++)
		if (!l->f[i].open && l->f[i].name && !strcmp(l->f[i].name, name))
			return &l->f[i];
	return NULL;
}

/* Members matched by name: the same declaration is the same type. */
static bool same_type(const struct field *a, const struct field *b)
{
	return !strcmp(a->decl, b->decl);
}

static const char *change_of(const struct field *a, const struct field *b)
{
	if (!a)
		return "added";
	if (!b)
		return "removed";
	if (a->bits != b->bits)
		return "resized";
	if (!same_type(a, b))
		return "retyped";
	if (a->bit_off != b->bit_off)
		return "moved";
	return "same";
}

static void fmt_pos(char *buf, size_t size, const struct field *f)
{
	char off[32], sz[32];

	if (!f) {
		snprintf(buf, size, "-");
		return;
	}
	fmt_off(off, sizeof(off), f->bit_off, f->bitfield);
	fmt_size(sz, sizeof(sz), f);
	snprintf(buf, size, "%s +%s", off, sz);
}

static void diff_row(struct json_writer *w, const char *name,
		     const struct field *a, const struct field *b, int *changed)
{
	const char *change = change_of(a, b);
	char pa[80], pb[80];

	*changed += strcmp(change, "same") != 0;
	if (json_output) {
		jsonw_start_object(w);
		jsonw_string_field(w, "name", name);
		jsonw_string_field(w, "change", change);
		jsonw_name(w, "old");
		if (a)
			print_field_json(w, a);
		else
			jsonw_null(w);
		jsonw_name(w, "new");
		if (b)
			print_field_json(w, b);
		else
			jsonw_null(w);
		jsonw_end_object(w);
		return;
	}
	fmt_pos(pa, sizeof(pa), a);
	fmt_pos(pb, sizeof(pb), b);
	printf("  %-32s %-18s %-18s %s\n", name, pa, pb,
	       strcmp(change, "same") ? change : "");
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

static void show_diff(const struct shown *s1, const struct layout *l1,
		      const struct shown *s2, const struct layout *l2)
{
	const struct btf_type *t1 = btf__type_by_id(s1->btf, s1->target);
	const struct btf_type *t2 = btf__type_by_id(s2->btf, s2->target);
	struct json_writer w;
	int changed = 0;
	size_t i;

	if (json_output) {
		jsonw_init(&w, stdout, pretty_output);
		jsonw_start_object(&w);
		jsonw_string_field(&w, "type", s1->title);
		jsonw_string_field(&w, "old_input", s1->in.name);
		jsonw_string_field(&w, "new_input", s2->in.name);
		jsonw_name(&w, "old_size");
		jsonw_uint(&w, t1->size);
		jsonw_name(&w, "new_size");
		jsonw_uint(&w, t2->size);
		jsonw_name(&w, "members");
		jsonw_start_array(&w);
	} else {
		printf("%s: size %u -> %u", s1->title, t1->size, t2->size);
		if (t1->size != t2->size)
			printf(" (%+lld)", (long long)t2->size - t1->size);
		printf("\n  %-32s %-18.18s %-18.18s\n", "member",
		       base_name(s1->in.name), base_name(s2->in.name));
	}
	for (i = 0; i < l1->cnt; i++) {
		const struct field *a = &l1->f[i];

		if (a->open || !a->name || !*a->name)
			continue;
		diff_row(&w, a->name, a, find_field(l2, a->name), &changed);
	}
	for (i = 0; i < l2->cnt; i++) {
		const struct field *b = &l2->f[i];

		if (b->open || !b->name || !*b->name || find_field(l1, b->name))
			continue;
		diff_row(&w, b->name, NULL, b, &changed);
	}
	if (json_output) {
		jsonw_end_array(&w);
		jsonw_name(&w, "changed");
		jsonw_uint(&w, changed);
		jsonw_end_object(&w);
		jsonw_finish(&w);
	} else {
		printf("%d member%s changed\n", changed, changed == 1 ? "" : "s");
	}
}

static int show(struct shown *s1, struct shown *s2, bool with)
{
	const struct btf_type *t = btf__type_by_id(s1->btf, s1->target);
	struct layout l1, l2 = {};
	struct json_writer w;
	int err;

	if (btf_is_any_enum(t)) {
		if (with) {
			p_err(NULL, "--with compares structs and unions, not enums");
			return -EINVAL;
		}
		show_enum(s1);
		return 0;
	}
	err = make_layout(s1, &l1, s1->in.name);
	if (!err && with) {
		if (!btf_is_composite(btf__type_by_id(s2->btf, s2->target))) {
			p_err(s2->in.name, "'%s' is no struct or union there",
			      s1->title);
			err = -EINVAL;
		} else {
			err = make_layout(s2, &l2, s2->in.name);
		}
	}
	if (!err && with) {
		show_diff(s1, &l1, s2, &l2);
	} else if (!err && json_output) {
		jsonw_init(&w, stdout, pretty_output);
		print_layout_json(&w, &l1, s1->title);
		jsonw_finish(&w);
	} else if (!err) {
		print_layout_text(&l1, s1->title);
	}
	free_layout(&l1);
	free_layout(&l2);
	return err;
}

/* The types shown (a1) and those compared with (a2, --with). */
struct show_args {
	struct input_args a1, a2;
};

static const struct cmd_opt show_opts[] = {
	OPTION_INPUT("read the types from PATH (see dump --help)",
		     struct show_args, a1.loc),
	OPTION_STR("with", 0, "PATH", "compare with the types in PATH",
		   struct show_args, a2.loc.path),
	OPTION_FROM_DWARF(HELP_FROM_DWARF, struct show_args, a1.loc),
	OPTION_BTF_FEATURES(HELP_BTF_FEATURES, struct show_args, a1.loc),
	OPTION_RELEASE("kernel release in the probed paths",
		       struct show_args, a1.loc),
	OPTION_SYSROOT("look for the probed paths under DIR",
		       struct show_args, a1.loc),
	{ 0 },
};

static int do_show(int argc, char **argv)
{
	struct show_args a = {};
	struct input_args *a1 = &a.a1, *a2 = &a.a2;
	struct shown s1 = {}, s2 = {};
	const char *type;
	int ret = parse_opts(&cmd_show, argc, argv, &a);

	if (ret)
		return ret == PARSE_HELP ? EXIT_OK : ret;
	if (optind >= argc) {
		p_err(NULL, "show needs a TYPE; try '%s show --help'", prog_name);
		return EXIT_USAGE;
	}
	type = argv[optind++];
	if (optind < argc)
		return usage_extra_arg("show", argv[optind]);

	ret = EXIT_ERR;
	a2->loc.release = a1->loc.release;
	a2->loc.sysroot = a1->loc.sysroot;
	if (load_inputs(a1, &s1.in) || find_type(&s1, type, s1.in.name))
		goto out;
	if (a2->loc.path && (load_inputs(a2, &s2.in) ||
			     find_type(&s2, type, s2.in.name)))
		goto out;
	if (show(&s1, &s2, a2->loc.path != NULL))
		goto out;
	if (fflush(stdout)) {
		p_err_code("standard output", -errno);
		goto out;
	}
	ret = EXIT_OK;
out:
	free_shown(&s1);
	free_shown(&s2);
	return ret;
}

const struct cmd cmd_show = {
	.name = "show",
	.summary = "show a type's layout (offsets, holes), or how it changed",
	.run = do_show,
	.usage = (const char *const []){
		"TYPE [-i PATH] [--with PATH] [-j|-p]", NULL,
	},
	.about =
		"Show TYPE ('struct NAME', 'union NAME', 'enum NAME' or NAME) as C,\n"
		"each member with its offset and size in bytes (bytes:bits for\n"
		"bitfields), and the holes and padding in its layout. A typedef is\n"
		"shown with the type it names. With --with, show how TYPE differs\n"
		"in the types of PATH: size, and each member added, removed,\n"
		"moved, resized or retyped.\n",
	.opts = show_opts,
};
