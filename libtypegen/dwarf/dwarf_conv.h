/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * DWARF to BTF: shared by dwarf.c (the ELF file, threads, functions and
 * variables, merging) and dwarf_cu.c (the types of one unit at a time).
 * Not installed.
 */
#ifndef __TG_DWARF_CONV_H
#define __TG_DWARF_CONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <elfutils/libdw.h>
#include <linux/types.h>
#include "typegen.h"

struct btf;

/*
 * While a unit is converted, a type id in a BTF type being built may still
 * be a placeholder, replaced once the type it names is made:
 *  - below DW_LOCAL: a real type id (0 is void);
 *  - DW_LOCAL + offset: the DIE at that offset in the unit being walked,
 *    fixed when the unit is done;
 *  - DW_SLOT + n: a DIE of another unit, by its slot n, fixed at the end.
 * Real ids stay below DW_LOCAL: half a billion types, far beyond any
 * kernel's (some tens of millions before deduplication).
 */
#define DW_LOCAL	0x20000000U
#define DW_SLOT		0x40000000U
#define DW_SLOT_MAX	0x3fffffffU
/* In the maps, a value with this bit set is known; 0 is "not yet". */
#define DW_MAPPED	0x80000000U

/* An open-addressing hash map of 64-bit keys (never 0) to 32-bit values. */
struct dw_map {
	uint64_t *keys;
	__u32 *vals;
	size_t cap;	/* a power of two, or 0 */
	size_t cnt;
};

/* Returns the value slot of @key, adding it (value 0) if absent; NULL on ENOMEM. */
__u32 *dw_map_get(struct dw_map *m, uint64_t key, bool add);
void dw_map_free(struct dw_map *m);

/* An ELF symbol the functions or per-CPU variables are checked against. */
struct dw_sym {
	const char *name;
	uint64_t addr;
	uint64_t size;
};

/* In dw_elf_info.func_names: a symbol's own name, or a clone's base. */
#define DW_FUNC_SYM	1U
#define DW_FUNC_CLONE	2U

/* What the ELF file says, shared (read only) by the converting threads. */
struct dw_elf_info {
	__u32 features;			/* TG_BTF_FEAT_* */
	/* Names of STT_FUNC symbols. */
	struct dw_map func_names;	/* hash of name -> DW_FUNC_* bits */
	bool have_symtab;
	/* The per-CPU section, and the variables in it by address. */
	bool have_percpu;
	uint64_t percpu_addr;		/* in the DWARF's addresses */
	uint64_t percpu_size;
	struct dw_map percpu_syms;	/* offset in it + 1 -> index in syms */
	struct dw_sym *syms;
	size_t sym_cnt;
	/* kfuncs of the .BTF_ids kfunc sets: hash of name -> their flags. */
	struct dw_map kfuncs;
};

uint64_t dw_str_hash(const char *s);
/* True if @name is a function symbol of the file (or no symbol table). */
bool dw_func_allowed(const struct dw_elf_info *info, const char *name);

/* A per-CPU variable to be a BTF VAR in the DATASEC. */
struct dw_var {
	const char *name;
	__u32 type;		/* may be a DW_SLOT placeholder until the end */
	uint64_t addr;		/* from the start of the section */
	uint64_t size;
	bool global;
};

/* What a DIE that is no C type becomes, counted by kind. */
struct dw_notes {
	size_t skipped;		/* DIEs of tags with no C meaning */
};

/* One thread's conversion: its own DWARF handle and its own BTF. */
struct dw_conv {
	struct btf *btf;
	Dwarf *dbg;
	const struct dw_elf_info *info;
	bool little_endian;

	/* The unit being walked; NULL when converting DIEs on demand. */
	Dwarf_CU *cu;
	size_t cu_len;		/* bytes, header included */
	__u32 *cu_map;		/* CU offset -> DW_MAPPED | value */
	size_t cu_map_cap;
	__u32 cu_first_id;	/* the first type made in this unit */
	bool cu_shared;		/* a partial or type unit: others refer to it */
	/* DIEs of a shared unit, registered globally once the unit is done. */
	struct { uint64_t key; __u32 off; } *exports;
	size_t export_cnt, export_cap;
	/* CU offsets referred to but never reached by the walk. */
	__u32 *todo;
	size_t todo_cnt, todo_cap;

	/* DIEs of other units: key (the DIE's address) -> DW_MAPPED | value. */
	struct dw_map glob;
	__u32 *slots;		/* slot -> DW_MAPPED | value, 0 = pending */
	size_t slot_cnt, slot_cap;
	struct { Dwarf_Die die; __u32 slot; } *pending;
	size_t pend_cnt, pend_cap;

	__u32 index_type;	/* int, arrays' index, made on first use */
	/* A DWARF name's address -> its string offset + 1 (dwarf_cu.c). */
	struct dw_map str_offs;

	/* Names made into a FUNC -> the unit_no of the last one. */
	struct dw_map func_seen;
	__u32 unit_no;			/* of the unit being walked, from 1 */
	/* Per-CPU variables not yet in a DATASEC. */
	struct dw_var *vars;
	size_t var_cnt, var_cap;
	size_t cu_var_first;	/* vars of this unit, fixed at its end */

	struct dw_notes notes;
	/* Bytes of .debug_info done, for progress. */
	volatile uint64_t done;
};

/*
 * Convert the unit whose unit DIE is @cudie (its header and DIEs @len
 * bytes), appending its types to @c->btf. Returns 0, -ENOMEM,
 * -TG_ERRNO__DWARF for DWARF that does not parse, or -TG_ERRNO__BTF.
 */
int dw_convert_unit(struct dw_conv *c, Dwarf_Die *cudie, size_t len,
		    bool shared);
/*
 * Convert the DIEs of other units that the walked units referred to,
 * then replace every DW_SLOT placeholder. Called once, after all units.
 */
int dw_finish(struct dw_conv *c);
/*
 * Put the variables so far in a DATASEC and deduplicate the types so far,
 * between units: with @last, after dw_finish(); else only if nothing
 * refers across units (then true in *@done), which type ids would change
 * under. The kernel's hundreds of units repeat the same types: done now
 * and then, it keeps the BTF of a worker (and deduplicating it) small.
 */
int dw_flush(struct dw_conv *c, bool last, bool *done);
void dw_conv_free(struct dw_conv *c);

#endif /* __TG_DWARF_CONV_H */
