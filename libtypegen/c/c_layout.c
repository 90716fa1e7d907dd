// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Packing, alignment and padding that make clang lay a struct out exactly
 * as BTF says it is.
 *
 * BTF records sizes and member offsets but not alignment or attributes, so
 * they are inferred by replaying the C layout rules against the offsets:
 *  - a member placed later than its natural position had an alignment
 *    attribute (____cacheline_aligned on a member) when its offset is
 *    exactly what aligned(N) would give; otherwise the gap is filled with
 *    unnamed bitfields, which clang neither records in BTF nor counts for
 *    alignment;
 *  - a struct larger than its rounded-up contents was aligned(N) (the
 *    smallest N that explains the size, so containers are not misplaced);
 *  - a member placed earlier than its natural position means the struct was
 *    packed.
 * Every decision is checked by replaying it; when a guess does not
 * reproduce the BTF layout the next, more literal, strategy is tried.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "emit_c.h"

enum { LAYOUT_NONE, LAYOUT_BUSY, LAYOUT_DONE };

/*
 * Alignment attributes larger than a page are not C the kernel writes:
 * 4 KiB is guessed first, as most machines' page; up to 64 KiB where
 * nothing smaller explains an offset (ppc64's and some arm64 kernels'
 * pages: bpf_ringbuf's page-aligned members).
 */
#define MAX_ALIGN_ATTR 4096
#define MAX_PAGE_ALIGN_ATTR 65536

static __u64 roundup_bits(__u64 v, __u64 a)
{
	return a ? (v + a - 1) / a * a : v;
}

__u32 tg_c_skip_mods_typedefs(const struct tg_c_dumper *d, __u32 id)
{
	int depth = 0;

	while (depth++ < TG_C_MAX_DEPTH) {
		const struct btf_type *t = tg_c_type(d, id);

		if (!t)
			return 0;
		if (!tg_btf_is_alias(t))
			return id;
		id = t->type;
	}
	return 0;
}

static int struct_layout(struct tg_c_dumper *d, __u32 id,
			 const struct tg_c_layout **lp);

/*
 * Pointer size of types from an unknown machine (raw BTF): a "long" tells,
 * as the kernel's C has one; an ELF file's class does. Lacking both, 8:
 * the BPF target's, which compiles most headers. libbpf's own guess would
 * fall back to the host's.
 */
static __u32 guess_ptr_size(const struct tg_btf *tgb)
{
	const struct btf *btf = tgb->btf;
	__u32 id, n = btf__type_cnt(btf);
	size_t i;

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!btf_is_int(t) || (t->size != 4 && t->size != 8))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (name && (!strcmp(name, "long int") ||
			     !strcmp(name, "long unsigned int") ||
			     !strcmp(name, "long") ||
			     !strcmp(name, "unsigned long")))
			return t->size;
	}
	for (i = 0; i < tgb->layer_cnt; i++)
		if (tgb->layers[i] == TG_FORMAT_ELF)
			return btf__pointer_size(btf);
	return 8;
}

/*
 * The C ABI the layouts are planned for: that of the machine the types
 * are from, so that the header, compiled for that machine, lays every
 * struct out as its BTF says. Where the ABIs Linux runs on differ:
 *  - long and pointers: 4 bytes on every 32-bit ABI, 8 on every 64-bit one;
 *  - scalars wider than 4 bytes as members: i386 (System V) aligns long
 *    long and double to 4, s390x aligns __int128 and long double to 8,
 *    the others (x86-64, arm EABI, arm64, ppc, riscv, loongarch, mips)
 *    align each to its size;
 *  - unnamed bitfields (our padding) count for the alignment of their
 *    struct on arm and arm64 (AAPCS), and nowhere else;
 *  - __int128 exists on 64-bit ABIs only.
 * An unknown machine gets natural alignment, and its long's size.
 */
void tg_c_abi_plan(struct tg_c_dumper *d)
{
	d->arch = tg_btf__arch(d->tgb);
	d->ptr_size = tg_arch__ptr_size(d->arch);
	if (!d->ptr_size)
		d->ptr_size = guess_ptr_size(d->tgb);
	switch (d->arch) {
	case TG_ARCH_I386:
		d->max_align = 4;
		break;
	case TG_ARCH_S390X:
		d->max_align = 8;
		break;
	default:
		d->max_align = 16;
		break;
	}
	d->pad_aligns = d->arch == TG_ARCH_ARM || d->arch == TG_ARCH_ARM64;
}

/* Alignment of an integer, float or enum of @size bytes as a member. */
__u32 tg_c_scalar_align(const struct tg_c_dumper *d, __u32 size)
{
	/* sizes that are no power of two: i386's 12-byte long double */
	__u32 a = size ? size & -size : 1;

	return a > d->max_align ? d->max_align : a;
}

/* Size of a value of type @id in bytes (btf__resolve_size, minus calls). */
static __s64 type_size(const struct tg_c_dumper *d, __u32 id, int depth)
{
	const struct btf_type *t = tg_c_type(d, tg_c_skip_mods_typedefs(d, id));
	__s64 elem;

	if (!t || depth > TG_C_MAX_DEPTH)
		return -TG_ERRNO__BTF;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return t->size;
	case BTF_KIND_PTR:
		return d->ptr_size;
	case BTF_KIND_ARRAY:
		elem = type_size(d, btf_array(t)->type, depth + 1);
		if (elem < 0)
			return elem;
		/* Arrays of arrays: no type is more than 4 GiB (a __u32). */
		if (btf_array(t)->nelems &&
		    (__u64)elem > UINT32_MAX / btf_array(t)->nelems)
			return -TG_ERRNO__BTF;
		return elem * btf_array(t)->nelems;
	default:
		return -TG_ERRNO__BTF;
	}
}

static int type_align(struct tg_c_dumper *d, __u32 id, __u32 *align)
{
	const struct tg_c_layout *l;
	const struct btf_type *t;
	int err;

	id = tg_c_skip_mods_typedefs(d, id);
	t = tg_c_type(d, id);
	if (!t)
		return -TG_ERRNO__BTF;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		*align = tg_c_scalar_align(d, t->size);
		return 0;
	case BTF_KIND_PTR:
		*align = d->ptr_size;
		return 0;
	case BTF_KIND_ARRAY:
		if (++d->layout_depth > TG_C_MAX_DEPTH)
			return -TG_ERRNO__CYCLE;
		err = type_align(d, btf_array(t)->type, align);
		d->layout_depth--;
		return err;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		err = struct_layout(d, id, &l);
		if (!err)
			*align = l->align;
		return err;
	default:
		*align = 1;
		return 0;
	}
}

/*
 * What a scalar, or an array of them, of type @id would be aligned to
 * were scalars aligned to their size (up to 16): on i386, 8 for a long
 * long where the ABI gives 4. 0 for other types.
 */
static __u32 scalar_size_align(const struct tg_c_dumper *d, __u32 id)
{
	const struct btf_type *t;
	int depth = 0;

	while ((t = tg_c_type(d, tg_c_skip_mods_typedefs(d, id))) &&
	       btf_is_array(t) && depth++ < TG_C_MAX_DEPTH)
		id = btf_array(t)->type;
	if (!t)
		return 0;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return t->size & -t->size & 31;
	default:
		return 0;
	}
}

/* Size and alignment of a member's type, and its bitfield width if any. */
struct member_info {
	__u64 off;	/* bits */
	__u64 size;	/* bits occupied: the bitfield width or the type size */
	__u32 type_size;	/* bytes */
	__u32 align;	/* bytes */
	__u32 size_align;	/* a scalar's (array's) size as alignment, else align */
	__u32 bits;	/* bitfield width, 0 if not a bitfield */
	bool int_bits;	/* the width and offset come from the int type */
};

static int member_info(struct tg_c_dumper *d, const struct btf_type *t,
		       __u32 i, struct member_info *mi)
{
	const struct btf_member *m = btf_members(t) + i;
	const struct btf_type *mt;
	__s64 sz;
	int err;

	mi->off = btf_member_bit_offset(t, i);
	mi->bits = btf_member_bitfield_size(t, i);
	sz = type_size(d, m->type, 0);
	if (sz < 0)
		return -TG_ERRNO__BTF;
	mi->type_size = sz;
	err = type_align(d, m->type, &mi->align);
	if (err)
		return err;
	mi->size_align = scalar_size_align(d, m->type);
	if (mi->size_align < mi->align)
		mi->size_align = mi->align;

	/* Old-style bitfields live in the int type's own bits/offset. */
	mi->int_bits = false;
	if (!btf_kflag(t)) {
		mt = tg_c_type(d, tg_c_skip_mods_typedefs(d, m->type));
		if (mt && btf_is_int(mt) &&
		    (btf_int_bits(mt) != mt->size * 8 || btf_int_offset(mt))) {
			mi->bits = btf_int_bits(mt);
			mi->off += btf_int_offset(mt);
			mi->int_bits = true;
		}
	}
	mi->size = mi->bits ? mi->bits : (__u64)mi->type_size * 8;
	return 0;
}

/* Where clang would put this member after @cur bits of the struct. */
static __u64 natural_offset(const struct member_info *mi, __u64 cur,
			    bool packed)
{
	__u64 unit_align = (__u64)mi->align * 8;

	if (packed)
		return mi->bits ? cur : roundup_bits(cur, 8);
	if (!mi->bits)
		return roundup_bits(cur, unit_align);
	/* a bitfield may not straddle a storage unit of its type */
	if (cur % unit_align + mi->bits > (__u64)mi->type_size * 8)
		return roundup_bits(cur, unit_align);
	return cur;
}

/* Largest power of two dividing @bytes (0 for 0). */
static __u32 lowbit(__u64 bytes)
{
	__u64 b = bytes & -bytes;

	return b > MAX_ALIGN_ATTR ? MAX_ALIGN_ATTR : (__u32)b;
}

struct try_opts {
	bool packed;
	bool member_attrs;	/* explain gaps with aligned(N) on members */
};

/*
 * Replay the layout of struct/union @t written with @o; fill @l. Returns 0
 * if it reproduces the BTF exactly, -EAGAIN if another strategy is needed.
 */
static int try_layout(struct tg_c_dumper *d, const struct btf_type *t,
		      const struct try_opts *o, struct tg_c_layout *l,
		      struct tg_c_member_layout *ml)
{
	bool is_union = btf_is_union(t);
	__u64 cur = 0, end = 0, size_bits = (__u64)t->size * 8, total;
	__u32 i, n = btf_vlen(t), max_align = 1;
	bool need_members = false;
	int err;

	memset(ml, 0, n * sizeof(*ml));
	for (i = 0; i < n; i++) {
		struct member_info mi;
		__u64 nat;
		__u32 a;

		err = member_info(d, t, i, &mi);
		if (err)
			return err;
		/* printing looks for these only where there are some */
		if (mi.int_bits)
			l->int_bits = true;
		if ((!mi.bits && mi.off % 8) || (is_union && mi.off))
			return -EAGAIN;
		a = o->packed ? 1 : mi.align;
		if (is_union)
			cur = 0;
		nat = natural_offset(&mi, cur, o->packed);
		if (mi.off < nat)
			return -EAGAIN;
		if (mi.off > nat) {
			__u32 p = lowbit(mi.off / 8);

			/*
			 * A scalar its ABI aligns less than its size (i386's
			 * 8-byte ones) was most likely given its size's
			 * alignment (the uapi's __aligned_u64): aligned(8)
			 * rather than the largest that fits, which would
			 * align the struct more than it was.
			 */
			if (mi.size_align > a &&
			    roundup_bits(cur, (__u64)mi.size_align * 8) == mi.off)
				p = mi.size_align;
			/* a larger page's alignment, the smallest that will do */
			while (p >= MAX_ALIGN_ATTR && p < MAX_PAGE_ALIGN_ATTR &&
			       !(mi.off / 8 % (p * 2)) &&
			       roundup_bits(cur, (__u64)p * 8) != mi.off)
				p *= 2;
			if (!mi.bits && !o->packed && o->member_attrs &&
			    !(mi.off % 8) && p > a &&
			    roundup_bits(cur, (__u64)p * 8) == mi.off) {
				ml[i].align_attr = p;
				a = p;
			} else {
				ml[i].pad_bits = mi.off - cur;
			}
			need_members = true;
		}
		if (a > max_align)
			max_align = a;
		cur = mi.off + mi.size;
		if (cur > end)
			end = cur;
	}

	l->packed = o->packed;
	l->align = o->packed ? 1 : max_align;
	l->align_attr = 0;
	l->tail_pad_bits = 0;
	total = roundup_bits(end, (__u64)l->align * 8);
	if (total > size_bits)
		return -EAGAIN;
	if (total < size_bits && !o->packed) {
		__u32 p;

		/* the smallest alignment that explains the size */
		for (p = l->align * 2; p <= MAX_PAGE_ALIGN_ATTR && p <= t->size; p *= 2)
			if (roundup_bits(end, (__u64)p * 8) == size_bits)
				break;
		if (p <= MAX_PAGE_ALIGN_ATTR && p <= t->size &&
		    roundup_bits(end, (__u64)p * 8) == size_bits) {
			l->align_attr = p;
			l->align = p;
			total = size_bits;
		}
	}
	if (total < size_bits) {
		/*
		 * A union's padding starts at offset 0: one unnamed bitfield
		 * up to 128 bits, an anonymous struct of them beyond.
		 */
		l->tail_pad_bits = size_bits - end;
		if (roundup_bits(size_bits, (__u64)l->align * 8) != size_bits)
			return -EAGAIN;
	}
	if (!need_members)
		memset(ml, 0, n * sizeof(*ml));
	return need_members ? 1 : 0;
}

/* The unnamed bitfields a layout writes, in bits: each one a line. */
static __u64 padding_bits(const struct btf_type *t,
			  const struct tg_c_layout *l,
			  const struct tg_c_member_layout *ml, __u32 n)
{
	/* A union's padding is written from offset 0: all of its size. */
	__u64 bits = l->tail_pad_bits && btf_is_union(t) ?
		     (__u64)t->size * 8 : l->tail_pad_bits;
	__u32 i;

	for (i = 0; i < n; i++)
		bits += ml[i].pad_bits;
	return bits;
}

static int plan_layout(struct tg_c_dumper *d, __u32 id, struct tg_c_layout *l)
{
	static const struct try_opts strategies[] = {
		{ .packed = false, .member_attrs = true },
		{ .packed = false, .member_attrs = false },
		{ .packed = true, .member_attrs = false },
	};
	const struct btf_type *t = tg_c_type(d, id);
	__u32 n = btf_vlen(t);
	struct tg_c_member_layout *ml;
	size_t s;
	int err = -EAGAIN;

	ml = calloc(n ? n : 1, sizeof(*ml));
	if (!ml)
		return -ENOMEM;
	for (s = 0; s < sizeof(strategies) / sizeof(*strategies); s++) {
		err = try_layout(d, t, &strategies[s], l, ml);
		if (err != -EAGAIN)
			break;
	}
	if (err == -EAGAIN) {
		/*
		 * Overlapping or shuffled members: no C declaration gives this
		 * layout. Write it packed and as close as C allows.
		 */
		__u8 state = l->state;

		memset(l, 0, sizeof(*l));
		l->state = state;
		l->packed = true;
		l->align = 1;
		l->int_bits = true;	/* not every member may have been seen */
		err = 0;
	}
	if (err >= 0 &&
	    padding_bits(t, l, ml, err ? n : 0) > TG_C_MAX_PAD_BITS)
		err = -TG_ERRNO__PADDING;
	if (err <= 0) {
		free(ml);
		return err;
	}
	l->members = ml;
	return 0;
}

static int struct_layout(struct tg_c_dumper *d, __u32 id,
			 const struct tg_c_layout **lp)
{
	struct tg_c_layout *l = &d->layouts[tg_c_decl(d, id)];
	int err;

	switch (l->state) {
	case LAYOUT_DONE:
		*lp = l;
		return 0;
	case LAYOUT_BUSY:
		return -TG_ERRNO__CYCLE;	/* contains itself by value */
	}
	if (++d->layout_depth > TG_C_MAX_DEPTH)
		return -TG_ERRNO__CYCLE;
	l->state = LAYOUT_BUSY;
	err = plan_layout(d, id, l);
	d->layout_depth--;
	if (err)
		return err;
	l->state = LAYOUT_DONE;
	*lp = l;
	return 0;
}

int tg_c_layouts_plan(struct tg_c_dumper *d)
{
	const struct tg_c_layout *l;
	__u32 i;
	int err;

	d->layouts = tg_c_zalloc(d->decl_cnt + 1, sizeof(*d->layouts));
	if (!d->layouts)
		return -ENOMEM;
	for (i = 0; i < d->decl_cnt; i++) {
		if (!btf_is_composite(tg_c_type(d, d->decls[i])))
			continue;
		err = struct_layout(d, d->decls[i], &l);
		if (err)
			return err;
	}
	return 0;
}

const struct tg_c_layout *tg_c_layout(const struct tg_c_dumper *d, __u32 id)
{
	const struct tg_c_layout *l;

	if (!d->layouts || !tg_c_decl(d, id))
		return NULL;
	l = &d->layouts[tg_c_decl(d, id)];
	return l->state == LAYOUT_DONE ? l : NULL;
}

void tg_c_layouts_free(struct tg_c_dumper *d)
{
	__u32 i;

	if (d->layouts)
		for (i = 1; i <= d->decl_cnt; i++)
			free(d->layouts[i].members);
	free(d->layouts);
}

/* ------------------------------------------------------------------------
 * Integer type names
 */

static bool is_int_word(const char *w, size_t len)
{
	static const char *const words[] = {
		"signed", "unsigned", "char", "short", "int", "long",
		"_Bool", "__int128",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == len && !memcmp(words[i], w, len))
			return true;
	return false;
}

/* Is @name spelled entirely with C integer keywords ("long unsigned int")? */
static bool is_c_int_name(const char *name)
{
	const char *p = name, *w;

	if (!*p)
		return false;
	while (*p) {
		while (*p == ' ')
			p++;
		for (w = p; *p && *p != ' '; p++)
			;
		if (p > w && !is_int_word(w, p - w))
			return false;
	}
	return true;
}

/*
 * The name an integer is written under. BTF from GCC can carry internal
 * names ("ssizetype") that are no C: those are written as the standard type
 * of the same size and signedness.
 */
int tg_c_int_name(const struct tg_c_dumper *d, const struct btf_type *t,
		  const char *btf_name, const char **name)
{
	__u8 enc = btf_int_encoding(t);
	bool is_signed = enc & BTF_INT_SIGNED;

	if (btf_name && is_c_int_name(btf_name)) {
		*name = btf_name;
		return 0;
	}
	if (enc & BTF_INT_BOOL) {
		*name = "_Bool";
		return 0;
	}
	switch (t->size) {
	case 1:
		*name = enc & BTF_INT_CHAR ? "char" :
			is_signed ? "signed char" : "unsigned char";
		return 0;
	case 2:
		*name = is_signed ? "short" : "unsigned short";
		return 0;
	case 4:
		*name = is_signed ? "int" : "unsigned int";
		return 0;
	case 8:
		if (d->ptr_size < 8)
			*name = is_signed ? "long long" : "unsigned long long";
		else
			*name = is_signed ? "long" : "unsigned long";
		return 0;
	case 16:
		/*
		 * 32-bit machines have no __int128; their one 16-byte scalar
		 * is ppc's and riscv32's long double (pahole 1.24 writes it
		 * as an int).
		 */
		if (d->ptr_size < 8)
			*name = "long double";
		else
			*name = is_signed ? "__int128" : "unsigned __int128";
		return 0;
	default:
		return -TG_ERRNO__BTF;
	}
}
