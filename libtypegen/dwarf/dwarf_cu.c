// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The types of one DWARF unit as BTF types.
 *
 * Each DIE is read once, in the order the unit holds them, and made into
 * BTF at once with libbpf's btf__add_*(). A type may name one that comes
 * later (a struct's pointer to itself, a typedef of a struct defined
 * further down), so references are placeholders (see dwarf.h) until the
 * unit is done; then every type the unit made is fixed in one pass. The
 * unit's DIEs are mapped to their types by their offset in a flat array,
 * reused from unit to unit: no hashing and no allocation per DIE. Only
 * DIEs of other units (dwz's partial units, type units, DW_FORM_ref_addr)
 * go through a hash map.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <dwarf.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "dwarf/dwarf.h"
#include "dwarf_conv.h"

/* Deeper DIE nesting than any compiler makes: corrupt data. */
#define MAX_DEPTH 512
/* Longest chain of aliases (qualifiers BTF drops, type unit skeletons). */
#define MAX_HOPS 64

/* ---- a hash map of 64-bit keys --------------------------------------- */

static uint64_t mix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

uint64_t dw_str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h ? h : 1;
}

static int map_grow(struct dw_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024, i, j;
	uint64_t *keys = calloc(cap, sizeof(*keys));
	__u32 *vals = calloc(cap, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		j = mix64(m->keys[i]) & (cap - 1);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

__u32 *dw_map_get(struct dw_map *m, uint64_t key, bool add)
{
	size_t i;

	if (!m->cap) {
		if (!add || map_grow(m))
			return NULL;
	}
	i = mix64(key) & (m->cap - 1);
	while (m->keys[i]) {
		if (m->keys[i] == key)
			return &m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	if (!add)
		return NULL;
	if ((m->cnt + 1) * 4 > m->cap * 3) {
		if (map_grow(m))
			return NULL;
		return dw_map_get(m, key, true);
	}
	m->keys[i] = key;
	m->vals[i] = 0;
	m->cnt++;
	return &m->vals[i];
}

void dw_map_free(struct dw_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* Make room for one more of @size bytes in the array at *@arr. */
static int grow(void *arr, size_t *cap, size_t cnt, size_t size)
{
	void **p = arr, *n;
	size_t c;

	if (cnt < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	n = realloc(*p, c * size);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = c;
	return 0;
}

/* ---- attributes -------------------------------------------------------- */

enum {
	A_NAME, A_TYPE, A_BYTE_SIZE, A_BIT_SIZE, A_ENCODING, A_MEMBER_LOC,
	A_DATA_BIT_OFF, A_BIT_OFF, A_DECL, A_COUNT, A_UPPER, A_LOWER,
	A_CONST_VALUE, A_LOW_PC, A_RANGES, A_ORIGIN, A_SPEC, A_LOCATION,
	A_EXTERNAL, A_SIGNATURE, A_INLINE, A_CNT,
};

/* The attributes of one DIE that matter here, read in one pass. */
struct attrs {
	unsigned int have;
	Dwarf_Attribute a[A_CNT];
};

static int collect_attr(Dwarf_Attribute *attr, void *arg)
{
	struct attrs *s = arg;
	int i;

	switch (dwarf_whatattr(attr)) {
	case DW_AT_name:		i = A_NAME; break;
	case DW_AT_type:		i = A_TYPE; break;
	case DW_AT_byte_size:		i = A_BYTE_SIZE; break;
	case DW_AT_bit_size:		i = A_BIT_SIZE; break;
	case DW_AT_encoding:		i = A_ENCODING; break;
	case DW_AT_data_member_location: i = A_MEMBER_LOC; break;
	case DW_AT_data_bit_offset:	i = A_DATA_BIT_OFF; break;
	case DW_AT_bit_offset:		i = A_BIT_OFF; break;
	case DW_AT_declaration:		i = A_DECL; break;
	case DW_AT_count:		i = A_COUNT; break;
	case DW_AT_upper_bound:		i = A_UPPER; break;
	case DW_AT_lower_bound:		i = A_LOWER; break;
	case DW_AT_const_value:		i = A_CONST_VALUE; break;
	case DW_AT_low_pc:		i = A_LOW_PC; break;
	case DW_AT_ranges:		i = A_RANGES; break;
	case DW_AT_abstract_origin:	i = A_ORIGIN; break;
	case DW_AT_specification:	i = A_SPEC; break;
	case DW_AT_location:		i = A_LOCATION; break;
	case DW_AT_external:		i = A_EXTERNAL; break;
	case DW_AT_signature:		i = A_SIGNATURE; break;
	case DW_AT_inline:		i = A_INLINE; break;
	default:
		return DWARF_CB_OK;
	}
	s->a[i] = *attr;
	s->have |= 1U << i;
	return DWARF_CB_OK;
}

static int read_attrs(Dwarf_Die *die, struct attrs *s)
{
	s->have = 0;
	if (dwarf_getattrs(die, collect_attr, s, 0) < 0)
		return -TG_ERRNO__DWARF;
	return 0;
}

static bool has(const struct attrs *s, int i)
{
	return s->have & (1U << i);
}

static const char *attr_str(struct attrs *s, int i)
{
	const char *str;

	if (!has(s, i))
		return NULL;
	str = dwarf_formstring(&s->a[i]);
	return str && *str ? str : NULL;
}

static bool attr_flag(struct attrs *s, int i)
{
	bool v = false;

	return has(s, i) && !dwarf_formflag(&s->a[i], &v) && v;
}

/* A constant; false if absent or not a constant (a block, a reference). */
static bool attr_udata(struct attrs *s, int i, uint64_t *v)
{
	Dwarf_Word w;

	if (!has(s, i) || dwarf_formudata(&s->a[i], &w))
		return false;
	*v = w;
	return true;
}

static bool attr_sdata(struct attrs *s, int i, int64_t *v)
{
	Dwarf_Sword w;

	if (!has(s, i) || dwarf_formsdata(&s->a[i], &w))
		return false;
	*v = w;
	return true;
}

/* ---- references --------------------------------------------------------- */

static bool is_cu_local_form(unsigned int form)
{
	switch (form) {
	case DW_FORM_ref1:
	case DW_FORM_ref2:
	case DW_FORM_ref4:
	case DW_FORM_ref8:
	case DW_FORM_ref_udata:
		return true;
	}
	return false;
}

static uint64_t die_key(const Dwarf_Die *die)
{
	return (uint64_t)(uintptr_t)die->addr;
}

static int new_slot(struct dw_conv *c, const Dwarf_Die *die, __u32 *slot)
{
	if (c->slot_cnt >= DW_SLOT_MAX)
		return -E2BIG;
	if (grow(&c->slots, &c->slot_cap, c->slot_cnt, sizeof(*c->slots)) ||
	    grow(&c->pending, &c->pend_cap, c->pend_cnt, sizeof(*c->pending)))
		return -ENOMEM;
	*slot = c->slot_cnt;
	c->slots[c->slot_cnt++] = 0;
	c->pending[c->pend_cnt].die = *die;
	c->pending[c->pend_cnt++].slot = *slot;
	return 0;
}

/* The type (or placeholder) of a DIE of another unit. */
static int global_ref(struct dw_conv *c, Dwarf_Die *die, __u32 *v)
{
	__u32 *e, slot;
	int err;

	if (c->cu && die->cu == c->cu) {
		Dwarf_Off off = dwarf_cuoffset(die);
		__u32 m;

		if (off >= c->cu_len)
			return -TG_ERRNO__DWARF;
		m = c->cu_map[off];
		*v = m ? m & ~DW_MAPPED : DW_LOCAL + off;
		return 0;
	}
	e = dw_map_get(&c->glob, die_key(die), true);
	if (!e)
		return -ENOMEM;
	if (*e) {
		*v = *e & ~DW_MAPPED;
		return 0;
	}
	err = new_slot(c, die, &slot);
	if (err)
		return err;
	*e = DW_MAPPED | (DW_SLOT + slot);
	*v = DW_SLOT + slot;
	return 0;
}

/*
 * A unit-relative reference's offset. dwarf_formref() is deprecated in
 * favour of dwarf_formref_die(), which builds a whole DIE: this is the
 * hot path, called for every reference of every unit.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static int local_ref(Dwarf_Attribute *attr, Dwarf_Off *off)
{
	return dwarf_formref(attr, off);
}
#pragma GCC diagnostic pop

/* The type the reference @attr names, as an id or a placeholder. */
static int ref_of(struct dw_conv *c, Dwarf_Attribute *attr, __u32 *v)
{
	Dwarf_Die die;

	if (c->cu && attr->cu == c->cu && is_cu_local_form(attr->form)) {
		Dwarf_Off off;
		__u32 m;

		if (local_ref(attr, &off) || off >= c->cu_len)
			return -TG_ERRNO__DWARF;
		m = c->cu_map[off];
		*v = m ? m & ~DW_MAPPED : DW_LOCAL + off;
		return 0;
	}
	if (!dwarf_formref_die(attr, &die))
		return -TG_ERRNO__DWARF;
	return global_ref(c, &die, v);
}

/* DW_AT_type, or void when it is absent. */
static int type_of(struct dw_conv *c, struct attrs *s, __u32 *v)
{
	*v = 0;
	return has(s, A_TYPE) ? ref_of(c, &s->a[A_TYPE], v) : 0;
}

/* Record what @die became: a type id, or the placeholder of another. */
static int set_result(struct dw_conv *c, Dwarf_Die *die, __u32 v)
{
	__u32 *e, old;

	if (c->cu && die->cu == c->cu) {
		Dwarf_Off off = dwarf_cuoffset(die);

		if (off >= c->cu_len)
			return -TG_ERRNO__DWARF;
		c->cu_map[off] = DW_MAPPED | v;
		if (!c->cu_shared)
			return 0;
		if (grow(&c->exports, &c->export_cap, c->export_cnt,
			 sizeof(*c->exports)))
			return -ENOMEM;
		c->exports[c->export_cnt].key = die_key(die);
		c->exports[c->export_cnt++].off = off;
		return 0;
	}
	e = dw_map_get(&c->glob, die_key(die), true);
	if (!e)
		return -ENOMEM;
	old = *e & ~DW_MAPPED;
	if (*e && old >= DW_SLOT && old != v)
		c->slots[old - DW_SLOT] = DW_MAPPED | v;
	*e = DW_MAPPED | v;
	return 0;
}

/* libbpf's "id or -errno" as this library's error. */
static int btf_err(int ret)
{
	return ret == -ENOMEM ? -ENOMEM : -TG_ERRNO__BTF;
}

/* What libbpf's btf__add_*() gave (a type, or its error), as @die's result. */
static int set_added(struct dw_conv *c, Dwarf_Die *die, int id)
{
	return id < 0 ? btf_err(id) : set_result(c, die, id);
}

/* ---- names --------------------------------------------------------------- */

/*
 * libbpf hashes every name it is given to find it among the strings: a
 * kernel's units give the same member and type names millions of times.
 * A name from the DWARF is the same pointer into its string section each
 * time: its string offset is looked up by that pointer instead, and set
 * in the type libbpf made with a placeholder (or no) name. Offsets change
 * when the types are deduplicated: the cache is emptied then.
 */
#define NAME_PLACEHOLDER "?"

static int str_off(struct dw_conv *c, const char *name, __u32 *off)
{
	__u32 *v = dw_map_get(&c->str_offs, (uint64_t)(uintptr_t)name, true);
	int r;

	if (!v)
		return -ENOMEM;
	if (!*v) {
		r = btf__add_str(c->btf, name);
		if (r < 0)
			return btf_err(r);
		*v = r + 1;
	}
	*off = *v - 1;
	return 0;
}

/* The type @id (or a libbpf error) just made, named @name. */
static int with_name(struct dw_conv *c, int id, const char *name)
{
	__u32 off;
	int err;

	if (id < 0 || !name)
		return id;
	err = str_off(c, name, &off);
	if (err)
		return err;
	((struct btf_type *)btf__type_by_id(c->btf, id))->name_off = off;
	return id;
}

/*
 * The member, enumerator or parameter libbpf just added (@r: 0 or its
 * error) to the last type, named @name.
 */
static int last_with_name(struct dw_conv *c, int r, const char *name)
{
	struct btf_type *t;
	__u32 off, *name_off;
	int err;

	if (r < 0 || !name)
		return r;
	err = str_off(c, name, &off);
	if (err)
		return err;
	t = (struct btf_type *)btf__type_by_id(c->btf, btf__type_cnt(c->btf) - 1);
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		name_off = &btf_members(t)[btf_vlen(t) - 1].name_off;
		break;
	case BTF_KIND_ENUM:
		name_off = &btf_enum(t)[btf_vlen(t) - 1].name_off;
		break;
	case BTF_KIND_ENUM64:
		name_off = &btf_enum64(t)[btf_vlen(t) - 1].name_off;
		break;
	default:
		name_off = &btf_params(t)[btf_vlen(t) - 1].name_off;
	}
	*name_off = off;
	return 0;
}

/* ---- types -------------------------------------------------------------- */

static int add_base(struct dw_conv *c, Dwarf_Die *die, struct attrs *s)
{
	const char *name = attr_str(s, A_NAME);
	uint64_t size = 0, enc = 0;
	int id, flags = 0;

	attr_udata(s, A_BYTE_SIZE, &size);
	attr_udata(s, A_ENCODING, &enc);
	if (!name)
		name = "__unnamed_base_type";
	switch (enc) {
	case DW_ATE_float:
		id = btf__add_float(c->btf, name, size);
		break;
	case DW_ATE_boolean:
		flags = BTF_INT_BOOL;
		goto integer;
	case DW_ATE_signed:
	case DW_ATE_signed_char:
	case DW_ATE_signed_fixed:
		flags = BTF_INT_SIGNED;
		/* fallthrough */
	case DW_ATE_unsigned:
	case DW_ATE_unsigned_char:
	case DW_ATE_unsigned_fixed:
	case DW_ATE_UTF:
	case DW_ATE_address:
integer:
		id = btf__add_int(c->btf, name, size, flags);
		break;
	default:
		/* _Complex and the like: BTF has no such kind. */
		id = -EINVAL;
	}
	if (id == -EINVAL) {
		/* Sizes BTF cannot hold (_BitInt(24), complex): skipped. */
		c->notes.skipped++;
		return set_result(c, die, 0);
	}
	return set_added(c, die, id);
}

static int add_ref_kind(struct dw_conv *c, Dwarf_Die *die, struct attrs *s,
			int tag)
{
	__u32 t;
	int id, err = type_of(c, s, &t);

	if (err)
		return err;
	switch (tag) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		id = btf__add_ptr(c->btf, t);
		break;
	case DW_TAG_const_type:
		id = btf__add_const(c->btf, t);
		break;
	case DW_TAG_volatile_type:
		id = btf__add_volatile(c->btf, t);
		break;
	case DW_TAG_restrict_type:
		id = btf__add_restrict(c->btf, t);
		break;
	case DW_TAG_typedef: {
		const char *name = attr_str(s, A_NAME);

		if (!name) {
			c->notes.skipped++;
			return set_result(c, die, t);
		}
		id = with_name(c, btf__add_typedef(c->btf, NAME_PLACEHOLDER, t),
			   name);
		break;
	}
	default:
		/*
		 * _Atomic and the like: BTF has no such qualifier, and the
		 * layout is the type's own (as clang and pahole make it).
		 */
		return set_result(c, die, t);
	}
	return set_added(c, die, id);
}

static int index_type(struct dw_conv *c, __u32 *id)
{
	int ret;

	if (!c->index_type) {
		/*
		 * pahole's: the unit's int, which deduplication merges with
		 * the real one (clang's __ARRAY_SIZE_TYPE__ would be a type
		 * the kernel's .BTF does not have).
		 */
		ret = btf__add_int(c->btf, "int", 4, BTF_INT_SIGNED);
		if (ret < 0)
			return btf_err(ret);
		c->index_type = ret;
	}
	*id = c->index_type;
	return 0;
}

/* Elements of one dimension: 0 for a flexible array or a VLA. */
static int subrange_count(Dwarf_Die *die, __u32 *n)
{
	struct attrs s;
	uint64_t cnt = 0, ub, lb = 0;
	int err = read_attrs(die, &s);

	if (err)
		return err;
	if (attr_udata(&s, A_COUNT, &cnt)) {
		/* done */
	} else if (attr_udata(&s, A_UPPER, &ub)) {
		attr_udata(&s, A_LOWER, &lb);
		/* int a[0] has upper bound -1: no elements. */
		cnt = ub + 1 >= lb ? ub + 1 - lb : 0;
	}
	*n = cnt > UINT32_MAX ? UINT32_MAX : cnt;
	return 0;
}

static int add_array(struct dw_conv *c, Dwarf_Die *die, struct attrs *s)
{
	__u32 dims[64], elem, idx;
	uint64_t total;
	int n = 0, id, err, r;
	Dwarf_Die child;

	err = type_of(c, s, &elem) ?: index_type(c, &idx);
	if (err)
		return err;
	r = dwarf_child(die, &child);
	while (r == 0) {
		int tag = dwarf_tag(&child);

		if (tag == DW_TAG_subrange_type || tag == DW_TAG_enumeration_type) {
			if (n == (int)(sizeof(dims) / sizeof(dims[0])))
				return -TG_ERRNO__DWARF;
			err = subrange_count(&child, &dims[n++]);
			if (err)
				return err;
		}
		r = dwarf_siblingof(&child, &child);
	}
	if (r < 0)
		return -TG_ERRNO__DWARF;
	/*
	 * int a[4][2][5] is one array of 40 ints, as pahole and so every
	 * kernel's .BTF has it: a program's relocations index it that way.
	 */
	total = n ? 1 : 0;
	while (n--) {
		total *= dims[n];
		if (total > UINT32_MAX)
			return -TG_ERRNO__DWARF;
	}
	id = btf__add_array(c->btf, idx, elem, total);
	return set_added(c, die, id);
}

/*
 * A member's bit offset: DW_AT_data_bit_offset (DWARF 4+), else the byte
 * offset plus, for a DWARF 2/3 bitfield, DW_AT_bit_offset counted from the
 * most significant bit of a storage unit of DW_AT_byte_size bytes.
 */
static int member_offset(struct dw_conv *c, struct attrs *s, uint64_t bits,
			 uint64_t *off)
{
	uint64_t loc = 0, unit;
	int64_t boff;

	if (attr_udata(s, A_DATA_BIT_OFF, off))
		return 0;
	if (has(s, A_MEMBER_LOC) && !attr_udata(s, A_MEMBER_LOC, &loc)) {
		/* DWARF 2: an expression, DW_OP_plus_uconst N. */
		Dwarf_Op *ops;
		size_t n;

		if (dwarf_getlocation(&s->a[A_MEMBER_LOC], &ops, &n) || n != 1 ||
		    (ops[0].atom != DW_OP_plus_uconst &&
		     ops[0].atom != DW_OP_constu))
			return -TG_ERRNO__DWARF;
		loc = ops[0].number;
	}
	*off = loc * 8;
	if (bits && attr_sdata(s, A_BIT_OFF, &boff)) {
		if (!attr_udata(s, A_BYTE_SIZE, &unit))
			unit = (bits + 7) / 8;
		if (c->little_endian)
			*off += unit * 8 - boff - bits;
		else
			*off += boff;
	}
	return 0;
}

/*
 * A struct or union, its members added right after it (libbpf adds a
 * field to the last type made). Types nested in it are left to the walk:
 * *@nested says whether there are any.
 */
static int add_composite(struct dw_conv *c, Dwarf_Die *die, struct attrs *s,
			 int tag, bool *nested)
{
	const char *name = attr_str(s, A_NAME);
	uint64_t size = 0, bits, off;
	struct attrs ms;
	Dwarf_Die child;
	__u32 t;
	int id, r, err;

	*nested = false;
	if (attr_flag(s, A_DECL) && !has(s, A_BYTE_SIZE)) {
		if (!name) {
			c->notes.skipped++;
			return set_result(c, die, 0);
		}
		id = with_name(c, btf__add_fwd(c->btf, NAME_PLACEHOLDER,
					   tag == DW_TAG_union_type ?
					   BTF_FWD_UNION : BTF_FWD_STRUCT), name);
		if (id < 0)
			return btf_err(id);
		*nested = dwarf_haschildren(die);
		return set_result(c, die, id);
	}
	attr_udata(s, A_BYTE_SIZE, &size);
	if (size > UINT32_MAX)
		return -TG_ERRNO__DWARF;
	id = with_name(c, tag == DW_TAG_union_type ?
			 btf__add_union(c->btf, NULL, size) :
			 btf__add_struct(c->btf, NULL, size), name);
	err = set_added(c, die, id);
	if (err)
		return err;

	r = dwarf_child(die, &child);
	while (r == 0) {
		if (dwarf_tag(&child) != DW_TAG_member) {
			*nested = true;
			goto next;
		}
		err = read_attrs(&child, &ms);
		if (err)
			return err;
		/* A C++ static member is a declaration, not storage. */
		if (!has(&ms, A_TYPE) || attr_flag(&ms, A_DECL))
			goto next;
		bits = 0;
		attr_udata(&ms, A_BIT_SIZE, &bits);
		err = ref_of(c, &ms.a[A_TYPE], &t) ?:
		      member_offset(c, &ms, bits, &off);
		if (err)
			return err;
		if (bits > 255 || off >= (1U << 24))
			return -TG_ERRNO__DWARF;
		r = last_with_name(c, btf__add_field(c->btf, NULL, t, off, bits),
			       attr_str(&ms, A_NAME));
		if (r < 0)
			return btf_err(r);
next:
		r = dwarf_siblingof(&child, &child);
	}
	return r < 0 ? -TG_ERRNO__DWARF : 0;
}

/* Whether the enum's underlying type (DW_AT_type) is signed. */
static int enum_signed(struct dw_conv *c, struct attrs *s, bool *sign)
{
	Dwarf_Die base, *d;
	Dwarf_Attribute a;
	Dwarf_Word enc;
	int hops = 0;

	(void)c;
	*sign = false;
	if (!has(s, A_TYPE))
		return 0;
	d = dwarf_formref_die(&s->a[A_TYPE], &base);
	/* Through typedefs and qualifiers to the base type. */
	while (d && dwarf_tag(d) != DW_TAG_base_type && hops++ < MAX_HOPS)
		d = dwarf_attr(d, DW_AT_type, &a) ?
		    dwarf_formref_die(&a, &base) : NULL;
	if (!d)
		return -TG_ERRNO__DWARF;
	if (dwarf_attr(d, DW_AT_encoding, &a) && !dwarf_formudata(&a, &enc))
		*sign = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
	return 0;
}

/* One enumerator, added to the enum made last. */
static int add_enumerator(struct dw_conv *c, Dwarf_Die *die, bool sign,
			  bool is64)
{
	const char *name, *placeholder;
	struct attrs s;
	int64_t sv = 0;
	uint64_t uv = 0;
	int r;

	r = read_attrs(die, &s);
	if (r)
		return r;
	/*
	 * Only sdata is signed: libdw sign-extends data1..data8 too, but gcc
	 * gives 128 as data1 0x80 in a signed enum.
	 */
	if (has(&s, A_CONST_VALUE) &&
	    (s.a[A_CONST_VALUE].form == DW_FORM_sdata ||
	     s.a[A_CONST_VALUE].form == DW_FORM_implicit_const)) {
		if (!attr_sdata(&s, A_CONST_VALUE, &sv))
			return -TG_ERRNO__DWARF;
		uv = sv;
	} else {
		if (!attr_udata(&s, A_CONST_VALUE, &uv))
			return -TG_ERRNO__DWARF;
		sv = uv;
	}
	name = attr_str(&s, A_NAME);
	/* libbpf refuses a nameless one (a placeholder is a name). */
	placeholder = name ? NAME_PLACEHOLDER : NULL;
	if (is64)
		r = btf__add_enum64_value(c->btf, placeholder,
					  sign ? (uint64_t)sv : uv);
	else
		/* A 4-byte enum's values are 32 bits, however DWARF gives them. */
		r = btf__add_enum_value(c->btf, placeholder,
					sign ? (int64_t)(__s32)sv :
					       (int64_t)(__u32)uv);
	r = last_with_name(c, r, name);
	return r < 0 ? btf_err(r) : 0;
}

static int add_enum(struct dw_conv *c, Dwarf_Die *die, struct attrs *s)
{
	const char *name = attr_str(s, A_NAME);
	uint64_t size = 4;
	Dwarf_Die child;
	bool sign, is64;
	int id, r, err;

	if (attr_flag(s, A_DECL) && !has(s, A_BYTE_SIZE)) {
		if (!name) {
			c->notes.skipped++;
			return set_result(c, die, 0);
		}
		id = btf__add_fwd(c->btf, name, BTF_FWD_ENUM);
		return set_added(c, die, id);
	}
	attr_udata(s, A_BYTE_SIZE, &size);
	err = enum_signed(c, s, &sign);
	if (err)
		return err;
	/*
	 * As clang and pahole: ENUM64 for 8-byte enums; before pahole 1.24
	 * (or kernels that refused ENUM64), an 8-byte ENUM of 32-bit values.
	 */
	is64 = size > 4 && (c->info->features & TG_BTF_FEAT_ENUM64);
	id = with_name(c, is64 ? btf__add_enum64(c->btf, NULL, size, sign) :
			     btf__add_enum(c->btf, NULL, size), name);
	err = set_added(c, die, id);
	if (err)
		return err;

	r = dwarf_child(die, &child);
	while (r == 0) {
		if (dwarf_tag(&child) == DW_TAG_enumerator) {
			err = add_enumerator(c, &child, sign, is64);
			if (err)
				return err;
		}
		r = dwarf_siblingof(&child, &child);
	}
	if (r < 0)
		return -TG_ERRNO__DWARF;
	if (!is64 && sign) {
		/* libbpf marks signed only enums with a negative value. */
		struct btf_type *t;

		t = (struct btf_type *)btf__type_by_id(c->btf, id);
		t->info |= 1U << 31;
	}
	return 0;
}

/*
 * The parameters of the function prototype made last, from the
 * DW_TAG_formal_parameter children of @die; with @names, their names.
 */
static int add_params(struct dw_conv *c, Dwarf_Die *die, bool names)
{
	struct attrs ps;
	Dwarf_Die child;
	__u32 t;
	int r, err;

	r = dwarf_child(die, &child);
	while (r == 0) {
		switch (dwarf_tag(&child)) {
		case DW_TAG_formal_parameter:
			err = read_attrs(&child, &ps) ?: type_of(c, &ps, &t);
			if (err)
				return err;
			r = last_with_name(c, btf__add_func_param(c->btf, NULL, t),
				       names ? attr_str(&ps, A_NAME) : NULL);
			break;
		case DW_TAG_unspecified_parameters:
			/* "...": a nameless void parameter in BTF. */
			r = btf__add_func_param(c->btf, NULL, 0);
			break;
		default:
			r = 0;
		}
		if (r < 0)
			return btf_err(r);
		r = dwarf_siblingof(&child, &child);
	}
	return r < 0 ? -TG_ERRNO__DWARF : 0;
}

static int add_subroutine(struct dw_conv *c, Dwarf_Die *die, struct attrs *s)
{
	__u32 ret;
	int id, err;

	err = type_of(c, s, &ret);
	if (err)
		return err;
	id = btf__add_func_proto(c->btf, ret);
	err = set_added(c, die, id);
	return err ?: add_params(c, die, false);
}

/* True if every parameter of @die has a name (as pahole requires). */
static int params_named(Dwarf_Die *die, bool *named)
{
	Dwarf_Die child;
	int r;

	*named = true;
	r = dwarf_child(die, &child);
	while (r == 0) {
		if (dwarf_tag(&child) == DW_TAG_formal_parameter &&
		    !dwarf_hasattr(&child, DW_AT_name))
			*named = false;
		r = dwarf_siblingof(&child, &child);
	}
	return r < 0 ? -TG_ERRNO__DWARF : 0;
}

/*
 * The DIE that declares what @s (read from @die) leaves out: an out-of-line
 * instance names its abstract origin, a definition its declaration.
 * *@decl is @die itself when there is none; *@ds its attributes.
 */
static int declaring_die(Dwarf_Die *die, struct attrs *s, Dwarf_Die *mem,
			 Dwarf_Die **decl, struct attrs *ds)
{
	int hops = 0, i;

	*decl = die;
	*ds = *s;
	while (!has(ds, A_NAME) && hops++ < MAX_HOPS) {
		i = has(ds, A_ORIGIN) ? A_ORIGIN : has(ds, A_SPEC) ? A_SPEC : -1;
		if (i < 0)
			return 0;
		if (!dwarf_formref_die(&ds->a[i], mem))
			return -TG_ERRNO__DWARF;
		*decl = mem;
		if (read_attrs(mem, ds))
			return -TG_ERRNO__DWARF;
	}
	return 0;
}

/*
 * A function (defined, or only inlined: pahole reads both the same) whose
 * name is a function symbol of the file: a FUNC candidate, once per name
 * (per unit, when prototypes are to be compared across units).
 */
static int add_function(struct dw_conv *c, Dwarf_Die *die, struct attrs *s)
{
	struct attrs ds;
	Dwarf_Die mem, *decl, *params;
	const char *name;
	__u32 *seen, ret;
	bool named;
	int id, err;

	if (attr_flag(s, A_DECL))
		return 0;
	err = declaring_die(die, s, &mem, &decl, &ds);
	if (err)
		return err;
	name = attr_str(&ds, A_NAME);
	if (!name || !dw_func_allowed(c->info, name))
		return 0;
	seen = dw_map_get(&c->func_seen, dw_str_hash(name), true);
	if (!seen)
		return -ENOMEM;
	if (*seen && (*seen == c->unit_no ||
		      !(c->info->features & TG_BTF_FEAT_CONSISTENT_FUNC)))
		return 0;
	/* The abstract instance holds the parameters' names and types. */
	params = has(s, A_ORIGIN) ? decl : die;
	err = params_named(params, &named);
	if (err || !named)
		return err;
	err = type_of(c, &ds, &ret);
	if (err)
		return err;
	id = btf__add_func_proto(c->btf, ret);
	if (id < 0)
		return btf_err(id);
	err = add_params(c, params, true);
	if (err)
		return err;
	/* Static, as pahole makes every FUNC. */
	id = with_name(c, btf__add_func(c->btf, NAME_PLACEHOLDER, BTF_FUNC_STATIC,
				    id), name);
	if (id < 0)
		return btf_err(id);
	*seen = c->unit_no;
	return 0;
}

/* A variable of the unit at a per-CPU address the symbol table names. */
static int add_variable(struct dw_conv *c, Dwarf_Die *die, struct attrs *s)
{
	const struct dw_elf_info *info = c->info;
	struct dw_map *syms = (struct dw_map *)&info->percpu_syms;
	const struct dw_sym *sym;
	struct attrs ds;
	Dwarf_Die mem, *decl;
	Dwarf_Op *ops;
	size_t n;
	__u32 *idx, t;
	uint64_t addr;
	int err;

	if (!has(s, A_LOCATION) ||
	    dwarf_getlocation(&s->a[A_LOCATION], &ops, &n) || n != 1 ||
	    ops[0].atom != DW_OP_addr)
		return 0;
	addr = ops[0].number;
	if (addr < info->percpu_addr ||
	    addr - info->percpu_addr >= info->percpu_size)
		return 0;
	/* Read only: the map was filled before the threads started. */
	idx = dw_map_get(syms, addr - info->percpu_addr + 1, false);
	if (!idx)
		return 0;
	sym = &info->syms[*idx];
	/*
	 * At address 0 (x86-64's per-CPU section) are also the kernel's
	 * special symbols (__ADDRESSABLE, __UNIQUE_ID): only the variable
	 * the symbol names there, as pahole.
	 */
	if (!addr && (!attr_str(s, A_NAME) || strcmp(attr_str(s, A_NAME),
						     sym->name)))
		return 0;
	addr -= info->percpu_addr;
	err = declaring_die(die, s, &mem, &decl, &ds);
	if (!err && !has(&ds, A_TYPE) && has(s, A_TYPE))
		ds = *s;
	err = err ?: type_of(c, &ds, &t);
	if (err)
		return err;
	/* Its linkage is that of its declaration, if it has one. */
	if (has(s, A_SPEC) && !has(s, A_EXTERNAL) && has(&ds, A_EXTERNAL))
		s->a[A_EXTERNAL] = ds.a[A_EXTERNAL], s->have |= 1U << A_EXTERNAL;
	if (grow(&c->vars, &c->var_cap, c->var_cnt, sizeof(*c->vars)))
		return -ENOMEM;
	c->vars[c->var_cnt].name = sym->name;
	c->vars[c->var_cnt].type = t;
	c->vars[c->var_cnt].addr = addr;
	c->vars[c->var_cnt].size = sym->size;
	c->vars[c->var_cnt++].global = attr_flag(s, A_EXTERNAL);
	return 0;
}

/*
 * Make the type @die (tag @tag) is. Returns 1 if @die is no type at all,
 * else 0 or an error; *@descend says whether its children may hold types
 * not yet converted.
 */
static int convert_type(struct dw_conv *c, Dwarf_Die *die, int tag,
			bool *descend)
{
	struct attrs s;
	int err;

	*descend = false;
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
	case DW_TAG_immutable_type:
	case DW_TAG_typedef:
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_array_type:
	case DW_TAG_subroutine_type:
	case DW_TAG_unspecified_type:
		break;
	case DW_TAG_ptr_to_member_type:
	case DW_TAG_string_type:
	case DW_TAG_set_type:
	case DW_TAG_file_type:
	case DW_TAG_packed_type:
	case DW_TAG_shared_type:
	case DW_TAG_interface_type:
	case DW_TAG_coarray_type:
	case DW_TAG_dynamic_type:
	case DW_TAG_generic_subrange:
		/* No C meaning: counted, and void to whatever refers to it. */
		c->notes.skipped++;
		return set_result(c, die, 0);
	default:
		return 1;
	}
	err = read_attrs(die, &s);
	if (err)
		return err;
	/* A type unit's skeleton: the type is in the unit it names. */
	if (has(&s, A_SIGNATURE)) {
		__u32 v;

		err = ref_of(c, &s.a[A_SIGNATURE], &v);
		return err ?: set_result(c, die, v);
	}
	switch (tag) {
	case DW_TAG_base_type:
		return add_base(c, die, &s);
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		return add_composite(c, die, &s, tag, descend);
	case DW_TAG_enumeration_type:
		return add_enum(c, die, &s);
	case DW_TAG_array_type:
		return add_array(c, die, &s);
	case DW_TAG_subroutine_type:
		return add_subroutine(c, die, &s);
	case DW_TAG_unspecified_type:
		/* void, as pahole makes it (C++'s decltype(nullptr)). */
		return set_result(c, die, 0);
	}
	return add_ref_kind(c, die, &s, tag);
}

/* A DIE that something refers to as a type, converted on its own. */
static int convert_one(struct dw_conv *c, Dwarf_Die *die)
{
	bool descend;
	int tag = dwarf_tag(die), err;

	if (tag < 0)
		return -TG_ERRNO__DWARF;
	err = convert_type(c, die, tag, &descend);
	if (err == 1) {
		/* A reference to something that is no type: corrupt, void. */
		c->notes.skipped++;
		err = set_result(c, die, 0);
	}
	return err;
}

static int walk(struct dw_conv *c, Dwarf_Die *parent, int depth)
{
	Dwarf_Die child;
	bool descend;
	struct attrs s;
	int r, tag, err;

	r = dwarf_child(parent, &child);
	while (r == 0) {
		tag = dwarf_tag(&child);
		if (tag < 0)
			return -TG_ERRNO__DWARF;
		err = convert_type(c, &child, tag, &descend);
		if (err == 1) {
			err = 0;
			descend = dwarf_haschildren(&child);
			switch (tag) {
			case DW_TAG_subprogram:
				err = read_attrs(&child, &s) ?:
				      add_function(c, &child, &s);
				break;
			case DW_TAG_variable:
				if (depth == 0 && c->info->have_percpu)
					err = read_attrs(&child, &s) ?:
					      add_variable(c, &child, &s);
				break;
			case DW_TAG_enumerator:
			case DW_TAG_member:
			case DW_TAG_formal_parameter:
			case DW_TAG_subrange_type:
				descend = false;
				break;
			}
		}
		if (err)
			return err;
		if (descend) {
			if (depth >= MAX_DEPTH)
				return -TG_ERRNO__DWARF;
			err = walk(c, &child, depth + 1);
			if (err)
				return err;
		}
		r = dwarf_siblingof(&child, &child);
	}
	return r < 0 ? -TG_ERRNO__DWARF : 0;
}

/* ---- fixing placeholders ---------------------------------------------- */

/*
 * A value with the unit's placeholders followed to what they became;
 * returns false (with *@off the DIE never converted) if one is not yet.
 */
static bool resolve_local(struct dw_conv *c, __u32 v, __u32 *out, __u32 *off)
{
	int hops = 0;
	__u32 m;

	while (v >= DW_LOCAL && v < DW_SLOT) {
		m = c->cu_map[v - DW_LOCAL];
		if (!m) {
			*off = v - DW_LOCAL;
			return false;
		}
		v = m & ~DW_MAPPED;
		/* Aliases that go round in circles: corrupt, void. */
		if (++hops > MAX_HOPS)
			v = 0;
	}
	*out = v;
	return true;
}

static int fix_local(__u32 *id, void *arg)
{
	struct dw_conv *c = arg;
	__u32 off;

	if (*id < DW_LOCAL || *id >= DW_SLOT)
		return 0;
	if (resolve_local(c, *id, id, &off))
		return 0;
	if (grow(&c->todo, &c->todo_cap, c->todo_cnt, sizeof(*c->todo)))
		return -ENOMEM;
	c->todo[c->todo_cnt++] = off;
	return 0;
}

/* DIEs the unit refers to that its walk did not reach, converted now. */
static int convert_todo(struct dw_conv *c, Dwarf_Die *cudie)
{
	Dwarf_Off base = dwarf_dieoffset(cudie) - dwarf_cuoffset(cudie);
	Dwarf_Die die, *d;
	Dwarf_Half version;
	bool types = false;
	size_t i;
	int err;

	/* DWARF 4 type units live in .debug_types, offsets and all. */
	if (dwarf_tag(cudie) == DW_TAG_type_unit &&
	    !dwarf_cu_info(cudie->cu, &version, NULL, NULL, NULL, NULL, NULL,
			   NULL))
		types = version < 5;
	for (i = 0; i < c->todo_cnt; i++) {
		__u32 off = c->todo[i];

		if (c->cu_map[off])
			continue;
		d = types ? dwarf_offdie_types(c->dbg, base + off, &die) :
			    dwarf_offdie(c->dbg, base + off, &die);
		if (!d || d->cu != c->cu)
			return -TG_ERRNO__DWARF;
		err = convert_one(c, d);
		if (err)
			return err;
		if (!c->cu_map[off])
			c->cu_map[off] = DW_MAPPED;
	}
	c->todo_cnt = 0;
	return 0;
}

static struct btf_type *type_mut(struct btf *btf, __u32 id)
{
	return (struct btf_type *)btf__type_by_id(btf, id);
}

/* Replace the unit's placeholders in every type and record it made. */
static int fix_unit(struct dw_conv *c, Dwarf_Die *cudie)
{
	__u32 id, cnt, off, v, *e;
	size_t i;
	int err;

	for (;;) {
		cnt = btf__type_cnt(c->btf);
		for (id = c->cu_first_id; id < cnt; id++) {
			err = tg_type_visit_ids(type_mut(c->btf, id),
						fix_local, c);
			if (err)
				return err;
		}
		for (i = c->cu_var_first; i < c->var_cnt; i++) {
			err = fix_local(&c->vars[i].type, c);
			if (err)
				return err;
		}
		if (!c->todo_cnt)
			break;
		err = convert_todo(c, cudie);
		if (err)
			return err;
	}
	for (i = 0; i < c->export_cnt; i++) {
		if (!resolve_local(c, c->cu_map[c->exports[i].off] & ~DW_MAPPED,
				   &v, &off))
			v = 0;
		e = dw_map_get(&c->glob, c->exports[i].key, true);
		if (!e)
			return -ENOMEM;
		if (*e && (*e & ~DW_MAPPED) >= DW_SLOT)
			c->slots[(*e & ~DW_MAPPED) - DW_SLOT] = DW_MAPPED | v;
		*e = DW_MAPPED | v;
	}
	c->export_cnt = 0;
	return 0;
}

int dw_convert_unit(struct dw_conv *c, Dwarf_Die *cudie, size_t len,
		    bool shared)
{
	int err;

	if (len > DW_SLOT - DW_LOCAL)
		return -TG_ERRNO__DWARF;
	if (len > c->cu_map_cap) {
		free(c->cu_map);
		c->cu_map = malloc(len * sizeof(*c->cu_map));
		if (!c->cu_map) {
			c->cu_map_cap = 0;
			return -ENOMEM;
		}
		c->cu_map_cap = len;
	}
	memset(c->cu_map, 0, len * sizeof(*c->cu_map));
	c->cu = cudie->cu;
	c->cu_len = len;
	c->cu_shared = shared;
	c->cu_first_id = btf__type_cnt(c->btf);
	c->cu_var_first = c->var_cnt;
	c->unit_no++;
	c->export_cnt = 0;
	c->todo_cnt = 0;
	err = walk(c, cudie, 0);
	if (!err)
		err = fix_unit(c, cudie);
	c->cu = NULL;
	return err;
}

static int fix_slot(__u32 *id, void *arg)
{
	struct dw_conv *c = arg;
	int hops = 0;
	__u32 v = *id;

	while (v >= DW_SLOT && hops++ < MAX_HOPS) {
		v = c->slots[v - DW_SLOT];
		/* Never converted (its DIE was no type): void. */
		v = v ? v & ~DW_MAPPED : 0;
	}
	*id = v >= DW_LOCAL ? 0 : v;
	return 0;
}

int dw_finish(struct dw_conv *c)
{
	__u32 id, cnt;
	size_t i;
	int err;

	c->cu = NULL;
	/* Converting one may add more to the list: it is read as it grows. */
	for (i = 0; i < c->pend_cnt; i++) {
		Dwarf_Die die = c->pending[i].die;

		if (c->slots[c->pending[i].slot])
			continue;
		err = convert_one(c, &die);
		if (err)
			return err;
	}
	if (!c->slot_cnt)
		return 0;
	cnt = btf__type_cnt(c->btf);
	for (id = 1; id < cnt; id++)
		tg_type_visit_ids(type_mut(c->btf, id), fix_slot, c);
	for (i = 0; i < c->var_cnt; i++)
		fix_slot(&c->vars[i].type, c);
	return 0;
}

static int cmp_var(const void *a, const void *b)
{
	const struct dw_var *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * The variables so far as VARs in a DATASEC sorted by address, each
 * address once (the first in file order: a stable sort), of non-zero
 * size, as pahole makes it. The DATASECs of every flush and worker are
 * made one at the end (dwarf.c).
 */
static int flush_vars(struct dw_conv *c)
{
	size_t i, k, n = 0;
	__u32 *ids = NULL;
	int id = 0;

	if (!(c->info->features & TG_BTF_FEAT_VAR))
		c->var_cnt = 0;
	for (i = 0; i < c->var_cnt; i++)
		/* pahole leaves out zero-sized (and void) ones. */
		if (btf__resolve_size(c->btf, c->vars[i].type) > 0)
			c->vars[n++] = c->vars[i];
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && cmp_var(&c->vars[k - 1], &c->vars[k]) > 0; k--) {
			struct dw_var t = c->vars[k];

			c->vars[k] = c->vars[k - 1];
			c->vars[k - 1] = t;
		}
	for (i = k = 0; i < n; i++)
		if (!k || c->vars[k - 1].addr != c->vars[i].addr)
			c->vars[k++] = c->vars[i];
	n = k;
	c->var_cnt = 0;
	if (!n)
		return 0;
	ids = malloc(n * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (i = 0; i < n && id >= 0; i++) {
		id = btf__add_var(c->btf, c->vars[i].name, c->vars[i].global ?
				  BTF_VAR_GLOBAL_ALLOCATED : BTF_VAR_STATIC,
				  c->vars[i].type);
		ids[i] = id;
	}
	if (id >= 0)
		id = btf__add_datasec(c->btf, ".data..percpu",
				      c->vars[n - 1].addr + c->vars[n - 1].size);
	for (i = 0; id >= 0 && i < n; i++)
		id = btf__add_datasec_var_info(c->btf, ids[i], c->vars[i].addr,
					       c->vars[i].size);
	free(ids);
	return id < 0 ? btf_err(id) : 0;
}

int dw_flush(struct dw_conv *c, bool last, bool *done)
{
	int err;

	*done = false;
	if (!last && (c->glob.cnt || c->slot_cnt))
		return 0;
	err = flush_vars(c);
	if (err)
		return err;
	if (btf__dedup(c->btf, NULL))
		return errno == ENOMEM ? -ENOMEM : -TG_ERRNO__BTF;
	/* Ids and string offsets moved: made again when next needed. */
	c->index_type = 0;
	dw_map_free(&c->str_offs);
	*done = true;
	return 0;
}

void dw_conv_free(struct dw_conv *c)
{
	btf__free(c->btf);
	free(c->cu_map);
	free(c->exports);
	free(c->todo);
	dw_map_free(&c->glob);
	free(c->slots);
	free(c->pending);
	dw_map_free(&c->func_seen);
	dw_map_free(&c->str_offs);
	free(c->vars);
	memset(c, 0, sizeof(*c));
}
