// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * CO-RE relocations: read from a BPF object's .BTF.ext, resolved against a
 * kernel's types the way libbpf resolves them when it loads the object.
 *
 * libbpf does not export its resolver, so this follows the rules it
 * documents (see the header of core_relo.h); the load test in
 * tests/core/test_min.c checks that libbpf, given the minimized types, patches
 * every instruction as it does with the full ones.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <linux/bpf.h>

#include "core_relo.h"
#include "input/input.h"

/* ---- reading an object ------------------------------------------------- */

/* The .BTF.ext header, as the kernel's uapi documents it. */
struct ext_hdr {
	__u16 magic;
	__u8 version;
	__u8 flags;
	__u32 hdr_len;
	__u32 func_info_off;
	__u32 func_info_len;
	__u32 line_info_off;
	__u32 line_info_len;
	__u32 core_relo_off;
	__u32 core_relo_len;
};

struct ext_rec {
	__u32 insn_off;
	__u32 type_id;
	__u32 access_str_off;
	__u32 kind;
};

struct elf_view {
	Elf *elf;
	size_t shstrndx;
	Elf_Data *btf, *ext, *syms;
	size_t syms_link;
};

static Elf_Data *section_data(Elf_Scn *scn)
{
	return elf_getdata(scn, NULL);
}

static int elf_scan(struct elf_view *v)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(v->elf, &v->shstrndx))
		return -TG_ERRNO__ELF;
	while ((scn = elf_nextscn(v->elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			return -TG_ERRNO__ELF;
		name = elf_strptr(v->elf, v->shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (!strcmp(name, ".BTF"))
			v->btf = section_data(scn);
		else if (!strcmp(name, ".BTF.ext"))
			v->ext = section_data(scn);
		else if (sh.sh_type == SHT_SYMTAB) {
			v->syms = section_data(scn);
			v->syms_link = sh.sh_link;
		}
	}
	return v->btf ? 0 : -TG_ERRNO__NOBTF;
}

/* The ELF section named @name, or NULL. */
static Elf_Scn *find_scn(struct elf_view *v, const char *name)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(v->elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			return NULL;
		n = elf_strptr(v->elf, v->shstrndx, sh.sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* The function symbol of section @shndx that holds byte @off, or NULL. */
static const char *prog_name(struct elf_view *v, size_t shndx, __u32 off)
{
	size_t i, n;
	GElf_Sym sym;

	if (!v->syms)
		return NULL;
	n = v->syms->d_size / sizeof(Elf64_Sym);
	for (i = 0; i < n; i++) {
		if (!gelf_getsym(v->syms, i, &sym))
			break;
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx != shndx)
			continue;
		if (off >= sym.st_value && off < sym.st_value + sym.st_size)
			return elf_strptr(v->elf, v->syms_link, sym.st_name);
	}
	return NULL;
}

/* Fill @r's section, program and opcode from the ELF file. */
static int describe_rec(struct elf_view *v, struct tg_core_rec *r)
{
	Elf_Scn *scn = find_scn(v, r->sec);
	const char *prog;
	Elf_Data *d;

	if (!scn)
		return -TG_ERRNO__RELO;
	d = section_data(scn);
	/* An empty or NOBITS section has no bytes to point into. */
	if (!d || !d->d_buf || r->insn_off % 8 ||
	    (__u64)r->insn_off + 8 > d->d_size)
		return -TG_ERRNO__RELO;
	r->insn_code = ((const __u8 *)d->d_buf)[r->insn_off];
	prog = prog_name(v, elf_ndxscn(scn), r->insn_off);
	if (prog) {
		r->prog = strdup(prog);
		if (!r->prog)
			return -ENOMEM;
	}
	return 0;
}

static int add_rec(struct tg_core_obj *obj, const struct ext_rec *e,
		   const char *sec)
{
	struct tg_core_rec *r;

	if (obj->rec_cnt % 64 == 0) {
		r = realloc(obj->recs, (obj->rec_cnt + 64) * sizeof(*r));
		if (!r)
			return -ENOMEM;
		obj->recs = r;
	}
	r = &obj->recs[obj->rec_cnt++];
	memset(r, 0, sizeof(*r));
	r->insn_off = e->insn_off;
	r->type_id = e->type_id;
	r->access_str_off = e->access_str_off;
	r->kind = e->kind;
	r->sec = sec;
	return 0;
}

/*
 * The CO-RE part of .BTF.ext: a record size, then per section its name
 * (a .BTF string), a count and that many records.
 */
static int parse_ext(struct elf_view *v, struct tg_core_obj *obj)
{
	const __u8 *p = v->ext->d_buf, *q, *end;
	size_t size = v->ext->d_size;
	struct ext_hdr h = {};
	__u32 rec_sz, i;
	int err;

	/* A .BTF.ext without bytes (SHT_NOBITS) has a size but no data. */
	if (!p || size < offsetof(struct ext_hdr, core_relo_off))
		return -TG_ERRNO__RELO;
	memcpy(&h, p, size < sizeof(h) ? size : sizeof(h));
	if (h.magic != 0xeB9F)
		return -TG_ERRNO__RELO;
	if (h.hdr_len < sizeof(h) || !h.core_relo_len)
		return 0;	/* no CO-RE relocations */
	/* The section starts with its record size: 4 bytes at least. */
	if (h.core_relo_len < sizeof(rec_sz) ||
	    (size_t)h.hdr_len + h.core_relo_off + h.core_relo_len > size)
		return -TG_ERRNO__RELO;
	q = p + h.hdr_len + h.core_relo_off;
	end = q + h.core_relo_len;
	memcpy(&rec_sz, q, 4);
	q += 4;
	if (rec_sz < sizeof(struct ext_rec))
		return -TG_ERRNO__RELO;
	while (q + 8 <= end) {
		__u32 name_off, n;
		const char *sec;

		memcpy(&name_off, q, 4);
		memcpy(&n, q + 4, 4);
		q += 8;
		sec = btf__name_by_offset(obj->btf, name_off);
		if (!sec || (size_t)(end - q) / rec_sz < n)
			return -TG_ERRNO__RELO;
		for (i = 0; i < n; i++, q += rec_sz) {
			struct ext_rec e;

			memcpy(&e, q, sizeof(e));
			err = add_rec(obj, &e, sec);
			if (!err)
				err = describe_rec(v, &obj->recs[obj->rec_cnt - 1]);
			if (err)
				return err;
		}
	}
	return q == end ? 0 : -TG_ERRNO__RELO;
}

static int load_elf(const void *data, size_t size, struct tg_core_obj *obj)
{
	struct elf_view v = {};
	int err;

	/* libelf only reads an image opened this way; the cast is safe. */
	v.elf = elf_memory((char *)data, size);
	if (!v.elf || elf_kind(v.elf) != ELF_K_ELF) {
		err = -TG_ERRNO__ELF;
		goto out;
	}
	err = elf_scan(&v);
	if (err)
		goto out;
	/* A NOBITS .BTF has a size but no bytes: as empty, too short. */
	err = tg_btf_parse_standalone(v.btf->d_buf,
				      v.btf->d_buf ? v.btf->d_size : 0,
				      &obj->btf);
	if (err) {
		if (err != -ENOMEM)
			err = -TG_ERRNO__BTF;
		goto out;
	}
	if (v.ext)
		err = parse_ext(&v, obj);
out:
	elf_end(v.elf);
	return err;
}

int tg_core_obj_load_mem(const void *data, size_t size, const char *name,
			 struct tg_core_obj *obj)
{
	int err;

	memset(obj, 0, sizeof(*obj));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -TG_ERRNO__ELF;
	obj->path = strdup(name);
	err = obj->path ? load_elf(data, size, obj) : -ENOMEM;
	if (err)
		tg_core_obj_free(obj);
	return err;
}

/*
 * The object is read into memory, not mapped: a file truncated while
 * mapped would kill the process with SIGBUS.
 */
int tg_core_obj_load(const char *path, struct tg_core_obj *obj)
{
	struct timespec mtime;
	void *data;
	size_t size;
	int err;

	memset(obj, 0, sizeof(*obj));
	err = tg_read_file(path, TG_MAX_SIZE_DEFAULT, &data, &size, &mtime);
	if (err)
		return err;
	err = tg_core_obj_load_mem(data, size, path, obj);
	free(data);
	if (!err)
		obj->mtime = mtime;
	return err;
}

void tg_core_obj_free(struct tg_core_obj *obj)
{
	size_t i;

	for (i = 0; i < obj->rec_cnt; i++)
		free(obj->recs[i].prog);
	free(obj->recs);
	btf__free(obj->btf);
	free(obj->path);
	memset(obj, 0, sizeof(*obj));
}

/* ---- the CO-RE rules ---------------------------------------------------- */

static bool kind_is_field(__u32 k)
{
	return k <= TG_RELO_FIELD_RSHIFT_U64;
}

static bool kind_is_type(__u32 k)
{
	return k == TG_RELO_TYPE_ID_LOCAL || k == TG_RELO_TYPE_ID_TARGET ||
	       k == TG_RELO_TYPE_EXISTS || k == TG_RELO_TYPE_SIZE ||
	       k == TG_RELO_TYPE_MATCHES;
}

static bool kind_is_enumval(__u32 k)
{
	return k == TG_RELO_ENUMVAL_EXISTS || k == TG_RELO_ENUMVAL_VALUE;
}

/* "X___Y" with X and Y not underscores: a flavor separator. */
static bool flavor_sep(const char *s)
{
	return s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' &&
	       s[4] != '_';
}

size_t tg_core_essential_len(const char *name)
{
	size_t n;
	long i;

	/* Most names have no "___" at all: one fast search says so. */
	if (!strstr(name, "___"))
		return strlen(name);
	n = strlen(name);

	for (i = (long)n - 5; i >= 0; i--)
		if (flavor_sep(name + i))
			return i + 1;
	return n;
}

static bool empty(const char *s)
{
	return !s || !*s;
}

const struct btf_type *tg_core_skip_mods(const struct btf *btf, __u32 id,
					 __u32 *res)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int depth = TG_CORE_MAX_MODS;

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		/* A typedef of itself, in an object's BTF, never ends. */
		if (!depth--)
			return NULL;
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (res)
		*res = id;
	return t;
}

bool tg_core_kinds_compat(const struct btf_type *a, const struct btf_type *b)
{
	return btf_kind(a) == btf_kind(b) ||
	       (btf_is_any_enum(a) && btf_is_any_enum(b));
}

static bool is_flex_arr(const struct btf *btf, const struct tg_core_acc *acc,
			const struct btf_array *arr)
{
	if (!acc->name || arr->nelems > 0)
		return false;
	return acc->idx == (__u32)btf_vlen(btf__type_by_id(btf, acc->type_id)) - 1;
}

static __s64 resolve_size(const struct btf *btf, __u32 id)
{
	return btf__resolve_size(btf, id);
}

/* Walk the composite/array steps of an access string (after the root). */
static int parse_field_steps(const struct btf *btf, __u32 id,
			     struct tg_core_spec *spec)
{
	const struct btf_type *t;
	int i;

	for (i = 1; i < spec->raw_len; i++) {
		__u32 idx = spec->raw[i];
		struct tg_core_acc *acc = &spec->spec[spec->len];

		t = tg_core_skip_mods(btf, id, &id);
		if (!t)
			return -EINVAL;
		if (btf_is_composite(t)) {
			const struct btf_member *m;

			if (idx >= btf_vlen(t))
				return -EINVAL;
			spec->bit_offset += btf_member_bit_offset(t, idx);
			m = btf_members(t) + idx;
			if (m->name_off) {
				acc->name = btf__name_by_offset(btf, m->name_off);
				if (empty(acc->name))
					return -EINVAL;
				acc->type_id = id;
				acc->idx = idx;
				spec->len++;
			}
			id = m->type;
		} else if (btf_is_array(t)) {
			const struct btf_array *a = btf_array(t);
			__s64 sz;

			if (!tg_core_skip_mods(btf, a->type, &id))
				return -EINVAL;
			if (!is_flex_arr(btf, acc - 1, a) && idx >= a->nelems)
				return -EINVAL;
			acc->type_id = id;
			acc->idx = idx;
			acc->name = NULL;
			spec->len++;
			sz = resolve_size(btf, id);
			if (sz < 0)
				return sz;
			spec->bit_offset += idx * sz * 8;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

int tg_core_parse_spec(const struct btf *btf, const struct tg_core_rec *rec,
		       struct tg_core_spec *spec)
{
	const char *s = btf__name_by_offset(btf, rec->access_str_off);
	const struct btf_type *t;
	__u32 id;
	__s64 sz;

	memset(spec, 0, sizeof(*spec));
	if (empty(s) || *s == ':')
		return -EINVAL;
	spec->btf = btf;
	spec->root_id = rec->type_id;
	spec->kind = rec->kind;
	if (kind_is_type(rec->kind))
		return strcmp(s, "0") ? -EINVAL : 0;

	while (*s) {
		int v, n;

		if (*s == ':')
			s++;
		if (sscanf(s, "%d%n", &v, &n) != 1 || v < 0)
			return -EINVAL;
		if (spec->raw_len == TG_CORE_SPEC_MAX)
			return -E2BIG;
		s += n;
		spec->raw[spec->raw_len++] = v;
	}
	if (!spec->raw_len)
		return -EINVAL;
	t = tg_core_skip_mods(btf, rec->type_id, &id);
	if (!t)
		return -EINVAL;
	spec->spec[0].type_id = id;
	spec->spec[0].idx = spec->raw[0];
	spec->len = 1;

	if (kind_is_enumval(rec->kind)) {
		__u32 i = spec->raw[0];

		if (!btf_is_any_enum(t) || spec->raw_len > 1 || i >= btf_vlen(t))
			return -EINVAL;
		spec->spec[0].name = btf__name_by_offset(btf,
			btf_is_enum(t) ? btf_enum(t)[i].name_off :
					 btf_enum64(t)[i].name_off);
		return 0;
	}
	if (!kind_is_field(rec->kind))
		return -EINVAL;
	sz = resolve_size(btf, id);
	if (sz < 0)
		return sz;
	spec->bit_offset = spec->raw[0] * sz * 8;
	return parse_field_steps(btf, id, spec);
}

static bool names_match_ess(const char *a, const char *b)
{
	size_t la = tg_core_essential_len(a), lb = tg_core_essential_len(b);

	return la == lb && !strncmp(a, b, la);
}

/* Field types that a relocation may move between (libbpf's list). */
static int fields_compat(const struct btf *lb, __u32 lid,
			 const struct btf *tb, __u32 tid)
{
	const struct btf_type *l, *t;
	int depth = 32;

	while (depth--) {
		l = tg_core_skip_mods(lb, lid, &lid);
		t = tg_core_skip_mods(tb, tid, &tid);
		if (!l || !t)
			return -EINVAL;
		if (btf_is_composite(l) && btf_is_composite(t))
			return 1;
		if (!tg_core_kinds_compat(l, t))
			return 0;
		switch (btf_kind(l)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: {
			const char *ln = btf__name_by_offset(lb, l->name_off);
			const char *tn = btf__name_by_offset(tb, t->name_off);

			return !tg_core_essential_len(ln) ||
			       !tg_core_essential_len(tn) ||
			       names_match_ess(ln, tn);
		}
		case BTF_KIND_INT:
			return btf_int_offset(l) == 0 && btf_int_offset(t) == 0;
		case BTF_KIND_ARRAY:
			lid = btf_array(l)->type;
			tid = btf_array(t)->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* Types compatible for TYPE_EXISTS/SIZE/ID_TARGET (names already match). */
static int types_compat(const struct btf *lb, __u32 lid,
			const struct btf *tb, __u32 tid, int level)
{
	const struct btf_type *l = btf__type_by_id(lb, lid);
	const struct btf_type *t = btf__type_by_id(tb, tid);
	int depth = 32;

	if (!l || !t || !tg_core_kinds_compat(l, t))
		return 0;
	while (depth--) {
		l = tg_core_skip_mods(lb, lid, &lid);
		t = tg_core_skip_mods(tb, tid, &tid);
		if (!l || !t)
			return -EINVAL;
		if (!tg_core_kinds_compat(l, t))
			return 0;
		switch (btf_kind(l)) {
		case BTF_KIND_UNKN:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FWD:
			return 1;
		case BTF_KIND_INT:
			return btf_int_offset(l) == 0 && btf_int_offset(t) == 0;
		case BTF_KIND_PTR:
			lid = l->type;
			tid = t->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = btf_array(l)->type;
			tid = btf_array(t)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(l);
			const struct btf_param *tp = btf_params(t);
			int i, err;

			if (btf_vlen(l) != btf_vlen(t))
				return 0;
			for (i = 0; i < btf_vlen(l); i++, lp++, tp++) {
				__u32 a, b;

				if (level <= 0)
					return -EINVAL;
				tg_core_skip_mods(lb, lp->type, &a);
				tg_core_skip_mods(tb, tp->type, &b);
				err = types_compat(lb, a, tb, b, level - 1);
				if (err <= 0)
					return err;
			}
			tg_core_skip_mods(lb, l->type, &lid);
			tg_core_skip_mods(tb, t->type, &tid);
			continue;
		}
		default:
			return 0;
		}
	}
	return -EINVAL;
}

static bool names_match(const struct btf *lb, __u32 loff,
			const struct btf *tb, __u32 toff)
{
	const char *l = btf__name_by_offset(lb, loff);
	const char *t = btf__name_by_offset(tb, toff);

	if (empty(t))
		return empty(l);
	return names_match_ess(l ? l : "", t);
}

static __u32 enum_name_off(const struct btf_type *t, int i)
{
	return btf_is_enum(t) ? btf_enum(t)[i].name_off :
				btf_enum64(t)[i].name_off;
}

static int enums_match(const struct btf *lb, const struct btf_type *l,
		       const struct btf *tb, const struct btf_type *t)
{
	int i, j;

	if (l->size != t->size || btf_vlen(l) > btf_vlen(t))
		return 0;
	for (i = 0; i < btf_vlen(l); i++) {
		for (j = 0; j < btf_vlen(t); j++)
			if (names_match(lb, enum_name_off(l, i), tb,
					enum_name_off(t, j)))
				break;
		if (j == btf_vlen(t))
			return 0;
	}
	return 1;
}

static int composites_match(const struct btf *lb, const struct btf_type *l,
			    const struct btf *tb, const struct btf_type *t,
			    bool behind_ptr, int level)
{
	const struct btf_member *lm = btf_members(l);
	int i, j, err;

	if (btf_vlen(l) > btf_vlen(t))
		return 0;
	for (i = 0; i < btf_vlen(l); i++, lm++) {
		const struct btf_member *tm = btf_members(t);

		for (j = 0; j < btf_vlen(t); j++, tm++) {
			if (!names_match(lb, lm->name_off, tb, tm->name_off))
				continue;
			err = tg_core_types_match(lb, lm->type, tb, tm->type,
						  behind_ptr, level - 1);
			if (err < 0)
				return err;
			if (err > 0)
				break;
		}
		if (j == btf_vlen(t))
			return 0;
	}
	return 1;
}

static int params_match(const struct btf *lb, const struct btf_type *l,
			const struct btf *tb, const struct btf_type *t,
			bool behind_ptr, int level)
{
	const struct btf_param *lp = btf_params(l), *tp = btf_params(t);
	int i, err;

	if (btf_vlen(l) != btf_vlen(t))
		return 0;
	for (i = 0; i < btf_vlen(l); i++, lp++, tp++) {
		err = tg_core_types_match(lb, lp->type, tb, tp->type,
					  behind_ptr, level - 1);
		if (err <= 0)
			return err;
	}
	return 1;
}

int tg_core_types_match(const struct btf *lb, __u32 lid,
			const struct btf *tb, __u32 tid, bool behind_ptr,
			int level)
{
	const struct btf_type *l, *t;
	int depth = 32, lk, tk, err;

	if (level <= 0)
		return -EINVAL;
	while (depth--) {
		l = tg_core_skip_mods(lb, lid, &lid);
		t = tg_core_skip_mods(tb, tid, &tid);
		if (!l || !t)
			return -EINVAL;
		if (!names_match(lb, l->name_off, tb, t->name_off))
			return 0;
		lk = btf_kind(l);
		tk = btf_kind(t);
		switch (lk) {
		case BTF_KIND_UNKN:
			return lk == tk;
		case BTF_KIND_FWD:
			if (behind_ptr && lk != tk)
				return (tk == BTF_KIND_STRUCT && !btf_kflag(l)) ||
				       (tk == BTF_KIND_UNION && btf_kflag(l));
			return lk == tk && btf_kflag(l) == btf_kflag(t);
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return btf_is_any_enum(t) && enums_match(lb, l, tb, t);
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				return tk == BTF_KIND_FWD &&
				       (lk == BTF_KIND_UNION) == btf_kflag(t);
			}
			if (lk != tk)
				return 0;
			return composites_match(lb, l, tb, t, false, level);
		case BTF_KIND_INT:
			return lk == tk && l->size == t->size &&
			       (btf_int_encoding(l) & BTF_INT_SIGNED) ==
			       (btf_int_encoding(t) & BTF_INT_SIGNED);
		case BTF_KIND_PTR:
			if (lk != tk)
				return 0;
			behind_ptr = true;
			lid = l->type;
			tid = t->type;
			continue;
		case BTF_KIND_ARRAY:
			if (lk != tk ||
			    btf_array(l)->nelems != btf_array(t)->nelems)
				return 0;
			lid = btf_array(l)->type;
			tid = btf_array(t)->type;
			continue;
		case BTF_KIND_FUNC_PROTO:
			if (lk != tk)
				return 0;
			err = params_match(lb, l, tb, t, behind_ptr, level);
			if (err <= 0)
				return err;
			lid = l->type;
			tid = t->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * Find the target member matching the named local accessor @lacc in
 * composite @tid, searching anonymous members; extends @spec.
 */
static int match_member(const struct btf *lb, const struct tg_core_acc *lacc,
			const struct btf *tb, __u32 tid,
			struct tg_core_spec *spec, __u32 *next)
{
	const struct btf_type *lt, *t;
	const struct btf_member *lm, *m;
	const char *lname;
	int i, found;

	t = tg_core_skip_mods(tb, tid, &tid);
	if (!t)
		return -EINVAL;
	if (!btf_is_composite(t))
		return 0;
	lt = btf__type_by_id(lb, lacc->type_id);
	lm = btf_members(lt) + lacc->idx;
	lname = btf__name_by_offset(lb, lm->name_off);

	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		__u32 off = btf_member_bit_offset(t, i);
		const char *name = btf__name_by_offset(tb, m->name_off);

		if (spec->raw_len == TG_CORE_SPEC_MAX)
			return -E2BIG;
		spec->bit_offset += off;
		spec->raw[spec->raw_len++] = i;
		if (empty(name)) {
			found = match_member(lb, lacc, tb, m->type, spec, next);
			if (found)
				return found;
		} else if (!strcmp(lname, name)) {
			struct tg_core_acc *acc = &spec->spec[spec->len++];

			acc->type_id = tid;
			acc->idx = i;
			acc->name = name;
			*next = m->type;
			found = fields_compat(lb, lm->type, tb, m->type);
			if (!found)
				spec->len--;
			return found;
		}
		spec->bit_offset -= off;
		spec->raw_len--;
	}
	return 0;
}

static int match_enumval(const struct tg_core_spec *local,
			 const struct btf *tb, __u32 id,
			 struct tg_core_spec *out)
{
	const struct btf_type *t = tg_core_skip_mods(tb, id, &id);
	const char *lname = local->spec[0].name;
	int i;

	if (!t || !btf_is_any_enum(t))
		return 0;
	for (i = 0; i < btf_vlen(t); i++) {
		const char *n = btf__name_by_offset(tb, enum_name_off(t, i));

		if (n && names_match_ess(lname, n)) {
			out->spec[0].type_id = id;
			out->spec[0].idx = i;
			out->spec[0].name = n;
			out->len = 1;
			out->raw[0] = i;
			out->raw_len = 1;
			return 1;
		}
	}
	return 0;
}

/* Array accessor @i > 0 of a field spec, on target type @t. */
static int match_index(const struct btf *tb, const struct btf_type *t,
		       const struct tg_core_acc *lacc, __u32 *tid,
		       struct tg_core_spec *out, int i)
{
	if (i > 0) {
		const struct btf_array *a;

		if (!btf_is_array(t))
			return 0;
		a = btf_array(t);
		if (!is_flex_arr(tb, &out->spec[i - 1], a) &&
		    lacc->idx >= a->nelems)
			return 0;
		if (!tg_core_skip_mods(tb, a->type, tid))
			return -EINVAL;
	}
	if (out->raw_len == TG_CORE_SPEC_MAX)
		return -E2BIG;
	out->spec[i].type_id = *tid;
	out->spec[i].idx = lacc->idx;
	out->spec[i].name = NULL;
	out->len++;
	out->raw[out->raw_len++] = lacc->idx;
	return 1;
}

int tg_core_spec_match(const struct tg_core_spec *local,
		       const struct btf *tb, __u32 id,
		       struct tg_core_spec *out)
{
	const struct btf_type *t;
	int i, ret;

	memset(out, 0, sizeof(*out));
	out->btf = tb;
	out->root_id = id;
	out->kind = local->kind;

	if (local->kind == TG_RELO_TYPE_MATCHES)
		return tg_core_types_match(local->btf, local->root_id, tb, id,
					   false, 32);
	if (kind_is_type(local->kind))
		return types_compat(local->btf, local->root_id, tb, id, 32);
	if (kind_is_enumval(local->kind))
		return match_enumval(local, tb, id, out);
	if (!kind_is_field(local->kind))
		return -EINVAL;

	for (i = 0; i < local->len; i++) {
		const struct tg_core_acc *lacc = &local->spec[i];

		t = tg_core_skip_mods(tb, id, &id);
		if (!t)
			return -EINVAL;
		if (lacc->name) {
			ret = match_member(local->btf, lacc, tb, id, out, &id);
		} else {
			__s64 sz;

			ret = match_index(tb, t, lacc, &id, out, i);
			if (ret > 0) {
				sz = resolve_size(tb, id);
				if (sz < 0)
					return sz;
				out->bit_offset += lacc->idx * sz * 8;
			}
		}
		if (ret <= 0)
			return ret;
	}
	return 1;
}

/* The last accessor names an array element: only offset and size apply. */
static int calc_array_elem(const struct tg_core_spec *spec,
			   const struct tg_core_acc *acc, __u32 kind,
			   __u64 *val)
{
	__s64 sz;

	if (kind == TG_RELO_FIELD_BYTE_OFFSET) {
		*val = spec->bit_offset / 8;
		return 0;
	}
	if (kind != TG_RELO_FIELD_BYTE_SIZE)
		return -EINVAL;
	sz = resolve_size(spec->btf, acc->type_id);
	if (sz < 0)
		return -EINVAL;
	*val = sz;
	return 0;
}

/* Byte offset, size and bit size of the accessed field (libbpf's rules). */
static int field_bounds(const struct tg_core_spec *spec,
			const struct btf_type *ct, __u32 idx,
			const struct btf_type *mt, __u32 mid, __u32 *byte_off,
			__u32 *byte_sz, __u32 *bit_sz)
{
	__u32 bit_off = spec->bit_offset;
	__s64 sz;

	*bit_sz = btf_member_bitfield_size(ct, idx);
	if (*bit_sz) {
		*byte_sz = mt->size;
		*byte_off = bit_off / 8 / *byte_sz * *byte_sz;
		while (bit_off + *bit_sz - *byte_off * 8 > *byte_sz * 8) {
			if (*byte_sz >= 8)
				return -E2BIG;
			*byte_sz *= 2;
			*byte_off = bit_off / 8 / *byte_sz * *byte_sz;
		}
		return 0;
	}
	sz = resolve_size(spec->btf, mid);
	if (sz < 0)
		return -EINVAL;
	*byte_sz = sz;
	*byte_off = bit_off / 8;
	*bit_sz = sz * 8;
	return 0;
}

static int calc_field(const struct tg_core_spec *spec, __u32 kind,
		      __u64 *val)
{
	const struct tg_core_acc *acc;
	const struct btf_type *ct, *mt;
	__u32 byte_off, byte_sz, bit_sz, mid, bit_off;
	int err;

	if (kind == TG_RELO_FIELD_EXISTS) {
		*val = spec ? 1 : 0;
		return 0;
	}
	if (!spec)
		return -EUCLEAN;
	acc = &spec->spec[spec->len - 1];
	if (!acc->name)
		return calc_array_elem(spec, acc, kind, val);

	ct = btf__type_by_id(spec->btf, acc->type_id);
	mt = tg_core_skip_mods(spec->btf, btf_members(ct)[acc->idx].type, &mid);
	err = field_bounds(spec, ct, acc->idx, mt, mid, &byte_off, &byte_sz,
			   &bit_sz);
	if (err)
		return err;
	bit_off = spec->bit_offset;
	switch (kind) {
	case TG_RELO_FIELD_BYTE_OFFSET:
		*val = byte_off;
		return 0;
	case TG_RELO_FIELD_BYTE_SIZE:
		*val = byte_sz;
		return 0;
	case TG_RELO_FIELD_SIGNED:
		*val = (btf_is_any_enum(mt) && btf_kflag(mt)) ||
		       (btf_is_int(mt) && (btf_int_encoding(mt) & BTF_INT_SIGNED));
		return 0;
	case TG_RELO_FIELD_LSHIFT_U64:
		/* BPF objects and the libbpf that loads them: little endian. */
		*val = 64 - (bit_off + bit_sz - byte_off * 8);
		return 0;
	case TG_RELO_FIELD_RSHIFT_U64:
		*val = 64 - bit_sz;
		return 0;
	}
	return -EOPNOTSUPP;
}

static int calc_type(const struct tg_core_spec *spec, __u32 kind, __u64 *val)
{
	__s64 sz;

	if (!spec) {
		*val = 0;
		return 0;
	}
	switch (kind) {
	case TG_RELO_TYPE_ID_TARGET:
		*val = spec->root_id;
		return 0;
	case TG_RELO_TYPE_EXISTS:
	case TG_RELO_TYPE_MATCHES:
		*val = 1;
		return 0;
	case TG_RELO_TYPE_SIZE:
		sz = resolve_size(spec->btf, spec->root_id);
		if (sz < 0)
			return -EINVAL;
		*val = sz;
		return 0;
	}
	return -EOPNOTSUPP;
}

static int calc_enumval(const struct tg_core_spec *spec, __u32 kind,
			__u64 *val)
{
	const struct btf_type *t;

	if (kind == TG_RELO_ENUMVAL_EXISTS) {
		*val = spec ? 1 : 0;
		return 0;
	}
	if (kind != TG_RELO_ENUMVAL_VALUE)
		return -EOPNOTSUPP;
	if (!spec)
		return -EUCLEAN;
	t = btf__type_by_id(spec->btf, spec->spec[0].type_id);
	if (btf_is_enum(t))
		/* A 32-bit value widens as libbpf widens it: sign-extended. */
		*val = (__s64)btf_enum(t)[spec->spec[0].idx].val;
	else
		*val = btf_enum64_value(btf_enum64(t) + spec->spec[0].idx);
	return 0;
}

/*
 * Size and type of the field a non-bitfield BYTE_OFFSET relocation loads:
 * libbpf resizes the load, or poisons it when resizing would change the
 * value read (not a pointer, not an unsigned integer).
 */
static int load_size(const struct tg_core_spec *spec, __u32 *sz,
		     const struct btf_type **type)
{
	const struct tg_core_acc *acc = &spec->spec[spec->len - 1];
	const struct btf_type *ct;
	__u32 mid;
	__s64 s;

	if (!acc->name) {
		mid = acc->type_id;
	} else {
		ct = btf__type_by_id(spec->btf, acc->type_id);
		if (btf_member_bitfield_size(ct, acc->idx))
			return 0;
		tg_core_skip_mods(spec->btf, btf_members(ct)[acc->idx].type, &mid);
	}
	s = resolve_size(spec->btf, mid);
	if (s < 0)
		return -EINVAL;
	*sz = s;
	*type = btf__type_by_id(spec->btf, mid);
	return 1;
}

static bool unsigned_int(const struct btf_type *t)
{
	return btf_is_int(t) && btf_int_encoding(t) != BTF_INT_SIGNED;
}

static int check_resize(const struct tg_core_rec *rec,
			const struct tg_core_spec *local,
			const struct tg_core_spec *targ)
{
	const struct btf_type *lt = NULL, *tt = NULL;
	__u32 lsz = 0, tsz = 0;
	__u8 class = BPF_CLASS(rec->insn_code);

	if (rec->kind != TG_RELO_FIELD_BYTE_OFFSET || !targ)
		return 0;
	if (class != BPF_LDX && class != BPF_ST && class != BPF_STX)
		return 0;
	if (load_size(local, &lsz, &lt) <= 0 || load_size(targ, &tsz, &tt) <= 0)
		return 0;
	if (lsz == tsz)
		return 0;
	if (btf_is_ptr(lt) && btf_is_ptr(tt))
		return 0;
	if (unsigned_int(lt) && unsigned_int(tt))
		return 0;
	return -EUCLEAN;
}

int tg_core_calc(const struct tg_core_rec *rec,
		 const struct tg_core_spec *local,
		 const struct tg_core_spec *targ, __u64 *val)
{
	int err;

	*val = 0;
	if (kind_is_field(rec->kind)) {
		err = calc_field(targ, rec->kind, val);
		return err ?: check_resize(rec, local, targ);
	}
	if (kind_is_type(rec->kind))
		return calc_type(targ, rec->kind, val);
	if (kind_is_enumval(rec->kind))
		return calc_enumval(targ, rec->kind, val);
	return -EOPNOTSUPP;
}

void tg_core_spec_str(const struct tg_core_spec *spec, char *buf,
		      size_t size)
{
	const struct btf_type *t = btf__type_by_id(spec->btf, spec->root_id);
	const char *name = t ? btf__name_by_offset(spec->btf, t->name_off) :
			       NULL;
	size_t n;
	int i;

	n = snprintf(buf, size, "%s", empty(name) ? "<anon>" : name);
	if (kind_is_type(spec->kind))
		return;
	for (i = 0; i < spec->len && n < size; i++) {
		const struct tg_core_acc *a = &spec->spec[i];

		if (kind_is_enumval(spec->kind))
			n += snprintf(buf + n, size - n, "::%s",
				      a->name ? a->name : "?");
		else if (a->name)
			n += snprintf(buf + n, size - n, ".%s", a->name);
		else if (i > 0 || a->idx > 0)
			n += snprintf(buf + n, size - n, "[%u]", a->idx);
	}
}
