/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * core_relo.c - the CO-RE relocations of compiled BPF objects (.BTF.ext)
 * and their resolution against a kernel's types, by the rules libbpf
 * documents for CO-RE: candidates by "essential" name (the name without a
 * ___flavor suffix) and kind, field access strings walked member by member
 * (anonymous members searched through), enumerators matched by name, types
 * checked for compatibility or "match". min.c uses what a resolution
 * touched to keep just those types and members. Not installed.
 */
#ifndef __TG_CORE_RELO_H
#define __TG_CORE_RELO_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <linux/types.h>
#include "typegen.h"

struct btf;

/* libbpf's limit on the nesting an access string may have. */
#define TG_CORE_SPEC_MAX 64

/* One CO-RE relocation record of an object, with where it applies. */
struct tg_core_rec {
	__u32 insn_off;		/* byte offset in its section */
	__u32 type_id;		/* local root type */
	__u32 access_str_off;	/* access string, in the object's .BTF */
	__u32 kind;		/* enum tg_relo_kind */
	__u8 insn_code;		/* opcode of the relocated instruction */
	const char *sec;	/* ELF section (the object's .BTF strings) */
	char *prog;		/* function the instruction is in, or NULL */
};

/* A compiled BPF object: its own types and its CO-RE relocations. */
struct tg_core_obj {
	char *path;
	struct btf *btf;
	struct tg_core_rec *recs;
	size_t rec_cnt;
	struct timespec mtime;
};

/* Read @path (an ELF BPF object). Returns 0 or a negative error. */
int tg_core_obj_load(const char *path, struct tg_core_obj *obj);
/* The same from the object's bytes, @data, named @name in messages. */
int tg_core_obj_load_mem(const void *data, size_t size, const char *name,
			 struct tg_core_obj *obj);
void tg_core_obj_free(struct tg_core_obj *obj);

/* The target kernel: vmlinux types first, then modules split on them. */
struct tg_core_target {
	const struct btf **btfs;
	size_t cnt;
	__u32 base_cnt;		/* btf__type_cnt() of btfs[0] */
};

/* A type of the target: which BTF, and its id there (own types only). */
struct tg_tref {
	__u32 b;
	__u32 id;
};

/* The low- and high-level access path of a relocation, as libbpf keeps it. */
struct tg_core_acc {
	__u32 type_id;
	__u32 idx;
	const char *name;
};

struct tg_core_spec {
	const struct btf *btf;
	__u32 root_id;
	__u32 kind;
	struct tg_core_acc spec[TG_CORE_SPEC_MAX];
	int len;
	__u32 raw[TG_CORE_SPEC_MAX];
	int raw_len;
	__u32 bit_offset;
};

/* What resolving one relocation gave. */
struct tg_core_res {
	int status;		/* enum tg_relo_status */
	int err;		/* TG_RELO_ERROR: why (negative) */
	__u64 value;
	struct tg_core_spec local;
};

/* The candidates of one local type: target types by essential name. */
struct tg_core_cands {
	struct tg_tref *refs;
	size_t cnt;
};

/* Length of @name without its ___flavor suffix, if it has one. */
size_t tg_core_essential_len(const char *name);

/* Longest chain of modifiers and typedefs followed (hostile BTF loops). */
#define TG_CORE_MAX_MODS 64

/*
 * The type @id is, past const/volatile/restrict/type tags and typedefs;
 * its id in *@res if @res. NULL for a bad id or a chain past
 * TG_CORE_MAX_MODS.
 */
const struct btf_type *tg_core_skip_mods(const struct btf *btf, __u32 id,
					 __u32 *res);

/* Kinds candidates may differ by (enum and enum64). */
bool tg_core_kinds_compat(const struct btf_type *a, const struct btf_type *b);

/* Parse the access string of @rec on @btf into @spec (libbpf's rules). */
int tg_core_parse_spec(const struct btf *btf, const struct tg_core_rec *rec,
		       struct tg_core_spec *spec);

/*
 * Match @local against candidate @id of @targ: 1 and @out filled if it
 * matches, 0 if not, negative on malformed types.
 */
int tg_core_spec_match(const struct tg_core_spec *local,
		       const struct btf *targ, __u32 id,
		       struct tg_core_spec *out);

/*
 * The value relocation @rec takes with @targ (NULL: no candidate matched).
 * Returns 0, -EUCLEAN when libbpf would poison the instruction, or another
 * negative error when libbpf would fail the load.
 */
int tg_core_calc(const struct tg_core_rec *rec,
		 const struct tg_core_spec *local,
		 const struct tg_core_spec *targ, __u64 *val);

/* bpf_core_types_match(): for TYPE_MATCHES. */
int tg_core_types_match(const struct btf *lb, __u32 lid,
			const struct btf *tb, __u32 tid, bool behind_ptr,
			int level);

/* "task_struct.mm->..." style text of a local spec, into @buf. */
void tg_core_spec_str(const struct tg_core_spec *spec, char *buf,
		      size_t size);

#endif /* __TG_CORE_RELO_H */
