/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * btf/ - the layer everything else stands on: the tg_btf object, the
 * visitors of a type's ids and strings and the checks every input meets
 * (visit.c, btf_check.c), architectures (arch.c) and raw BTF written back
 * in either byte order (raw.c). Uses util/ only. Not installed.
 */
#ifndef __TG_BTF_H
#define __TG_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/btf.h>
#include <linux/types.h>
#include "typegen.h"
#include "util/util.h"

struct btf;
struct btf_type;

/* Longest GNU build ID kept (SHA-1 gives 20 bytes; 64 leaves room). */
#define TG_BUILD_ID_MAX 64

struct tg_btf {
	struct btf *btf;
	char *path;
	enum tg_format format;	/* layers[0], or UNKNOWN */
	enum tg_format layers[TG_MAX_LAYERS];
	size_t layer_cnt;
	/* Split BTF: the base it was opened on (not owned). */
	const struct tg_btf *base;
	unsigned char build_id[TG_BUILD_ID_MAX];
	size_t build_id_sz;
	bool from_dwarf;	/* converted from DWARF */
	enum tg_arch arch;	/* the ELF input's, or tg_btf__set_arch()'s */
	size_t dwarf_skipped;	/* DWARF entries with no C meaning */
};

/* visit.c - the ids and strings a type holds, and checks on them. */

/* Call @fn on every type id / string offset that @t holds. */
typedef int (*tg_u32_fn)(__u32 *v, void *ctx);
int tg_type_visit_ids(struct btf_type *t, tg_u32_fn fn, void *ctx);
int tg_type_visit_strs(struct btf_type *t, tg_u32_fn fn, void *ctx);

/*
 * Check that the types of @btf from id @first on refer only to types that
 * exist and name only strings that exist; with @starts, also that every
 * name starts a string, which a split BTF on the wrong base fails.
 * Returns 0 or -EINVAL.
 */
int tg_btf_check_refs(const struct btf *btf, __u32 first, bool starts);
/*
 * The same check for standalone BTF whose string section is @str_len
 * bytes, in one pass without callbacks (it runs on every load: 150,000
 * types for a kernel). Also rejects kinds this library does not know.
 * Returns 0 or -EINVAL.
 */
int tg_btf_check_standalone(const struct btf *btf, __u32 str_len);

/*
 * btf_check.c - the kernel's rules for the types from id @first on (1 if
 * 0): names that are C identifiers, integers that fit, bitfields of
 * integers, no void parameter, distinct member names, chains no deeper
 * than the emitter follows. Returns 0, -ENOMEM or the -TG_ERRNO__* code
 * of the first rule broken.
 */
int tg_btf_check_rules(const struct btf *btf, __u32 first);

/*
 * Nesting deeper than this is hostile input, not a kernel type: the
 * rules refuse it, and the C emitter never follows a chain deeper.
 */
#define TG_C_MAX_DEPTH 256

/*
 * A typedef or a qualifier (const, volatile, restrict, a type tag): what a
 * C compiler looks through to the type it names, for layouts and checks.
 */
static inline bool tg_btf_is_alias(const struct btf_type *t)
{
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return true;
	default:
		return false;
	}
}

/*
 * Call before copying types of a split BTF into another split BTF on the
 * same @base. libbpf 1.1's btf__add_type() takes a name's pointer from the
 * source, then looks the name up in the base, which the first lookup turns
 * modifiable, freeing the raw data the pointer points into when the name
 * is the base's own: a read after free (a segfault when merging a module
 * whose first name is the kernel's). Indexing the base's strings first
 * does that while no pointer is held. 0 or -ENOMEM. (split.c)
 */
int tg_btf_index_base_strs(const struct btf *base);

/* arch.c - the architecture an ELF file's e_machine and class name. */
enum tg_arch tg_arch_from_elf(unsigned int e_machine, bool is_64bit);
/*
 * The kernel's name for architecture @name ("x86" for "x86_64"), with the
 * clang target triple of its C code in *@triple; NULL if not known.
 */
const char *tg_arch_kernel(const char *name, const char **triple);

#endif /* __TG_BTF_H */
