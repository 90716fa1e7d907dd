// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * arch.c - which machine the types are from, and what that machine's
 * names for itself are. The C layout rules of each ABI live with the
 * emitter; this file only names architectures and maps ELF's machine
 * numbers onto them.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>
#include "btf/btf.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

/* Byte order: one for the machine, or either (bi-endian machines). */
enum arch_order { ORDER_LE, ORDER_BE, ORDER_EITHER };

struct arch_desc {
	const char *name;	/* tg_arch__str() */
	const char *target;	/* __TARGET_ARCH_<target>, arch/<target>/ */
	const char *triple;	/* clang's, for Linux (Debian's default order) */
	unsigned int ptr_size;
	enum arch_order order;
};

static const struct arch_desc arch_descs[__TG_ARCH_CNT] = {
	[TG_ARCH_UNKNOWN]	= { "unknown", NULL, NULL, 0, ORDER_EITHER },
	[TG_ARCH_X86_64]	= { "x86_64", "x86", "x86_64-linux-gnu", 8,
				    ORDER_LE },
	[TG_ARCH_I386]		= { "i386", "x86", "i686-linux-gnu", 4, ORDER_LE },
	[TG_ARCH_ARM64]		= { "arm64", "arm64", "aarch64-linux-gnu", 8,
				    ORDER_EITHER },
	[TG_ARCH_ARM]		= { "arm", "arm", "armv7a-linux-gnueabihf", 4,
				    ORDER_EITHER },
	[TG_ARCH_PPC64]		= { "ppc64", "powerpc", "powerpc64le-linux-gnu",
				    8, ORDER_EITHER },
	[TG_ARCH_PPC]		= { "ppc", "powerpc", "powerpc-linux-gnu", 4,
				    ORDER_EITHER },
	[TG_ARCH_S390X]		= { "s390x", "s390", "s390x-linux-gnu", 8,
				    ORDER_BE },
	[TG_ARCH_RISCV64]	= { "riscv64", "riscv", "riscv64-linux-gnu", 8,
				    ORDER_LE },
	[TG_ARCH_RISCV32]	= { "riscv32", "riscv", "riscv32-linux-gnu", 4,
				    ORDER_LE },
	[TG_ARCH_LOONGARCH64]	= { "loongarch64", "loongarch",
				    "loongarch64-linux-gnu", 8, ORDER_LE },
	[TG_ARCH_MIPS64]	= { "mips64", "mips", "mips64el-linux-gnuabi64", 8,
				    ORDER_EITHER },
	[TG_ARCH_MIPS]		= { "mips", "mips", "mipsel-linux-gnu", 4,
				    ORDER_EITHER },
	[TG_ARCH_SPARC64]	= { "sparc64", "sparc", "sparc64-linux-gnu", 8,
				    ORDER_BE },
};

/* Other spellings users type: Debian's, uname -m's, __TARGET_ARCH_'s. */
static const struct {
	const char *alias;
	enum tg_arch arch;
} arch_aliases[] = {
	{ "amd64", TG_ARCH_X86_64 },	{ "x86", TG_ARCH_X86_64 },
	{ "x86-64", TG_ARCH_X86_64 },	{ "i486", TG_ARCH_I386 },
	{ "i586", TG_ARCH_I386 },	{ "i686", TG_ARCH_I386 },
	{ "x86_32", TG_ARCH_I386 },	{ "aarch64", TG_ARCH_ARM64 },
	{ "armhf", TG_ARCH_ARM },	{ "armel", TG_ARCH_ARM },
	{ "armv7l", TG_ARCH_ARM },	{ "armv7", TG_ARCH_ARM },
	{ "armv6l", TG_ARCH_ARM },	{ "ppc64el", TG_ARCH_PPC64 },
	{ "ppc64le", TG_ARCH_PPC64 },	{ "powerpc64", TG_ARCH_PPC64 },
	{ "powerpc64le", TG_ARCH_PPC64 }, { "powerpc", TG_ARCH_PPC64 },
	{ "s390", TG_ARCH_S390X },	{ "riscv", TG_ARCH_RISCV64 },
	{ "loong64", TG_ARCH_LOONGARCH64 }, { "loongarch", TG_ARCH_LOONGARCH64 },
	{ "mips64el", TG_ARCH_MIPS64 },	{ "mipsel", TG_ARCH_MIPS },
	{ "sparc", TG_ARCH_SPARC64 },
};

static bool arch_valid(enum tg_arch arch)
{
	return (unsigned int)arch < __TG_ARCH_CNT;
}

const char *tg_arch__str(enum tg_arch arch)
{
	return arch_valid(arch) ? arch_descs[arch].name : "unknown";
}

const char *tg_arch__target(enum tg_arch arch)
{
	return arch_valid(arch) ? arch_descs[arch].target : NULL;
}

unsigned int tg_arch__ptr_size(enum tg_arch arch)
{
	return arch_valid(arch) ? arch_descs[arch].ptr_size : 0;
}

const char *tg_arch__triple(enum tg_arch arch)
{
	return arch_valid(arch) ? arch_descs[arch].triple : NULL;
}

int tg_arch__byte_order(enum tg_arch arch)
{
	if (!arch_valid(arch))
		return 0;
	switch (arch_descs[arch].order) {
	case ORDER_LE:
		return __ORDER_LITTLE_ENDIAN__;
	case ORDER_BE:
		return __ORDER_BIG_ENDIAN__;
	default:
		return 0;
	}
}

/*
 * The kernel's name of the machine called @name (--arch, uname -m), for
 * arch/<name>/ in the kernel trees, and clang's triple for it; NULL for a
 * name not known.
 */
const char *tg_arch_kernel(const char *name, const char **triple)
{
	enum tg_arch arch;

	if (!name || tg_arch__from_str(name, &arch))
		return NULL;
	if (triple)
		*triple = tg_arch__triple(arch);
	return tg_arch__target(arch);
}

int tg_arch__from_str(const char *name, enum tg_arch *arch)
{
	size_t i;

	if (!name || !arch)
		return -EINVAL;
	for (i = TG_ARCH_UNKNOWN + 1; i < __TG_ARCH_CNT; i++) {
		if (!strcmp(name, arch_descs[i].name)) {
			*arch = i;
			return 0;
		}
	}
	for (i = 0; i < sizeof(arch_aliases) / sizeof(arch_aliases[0]); i++) {
		if (!strcmp(name, arch_aliases[i].alias)) {
			*arch = arch_aliases[i].arch;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * The architecture of an ELF file from its e_machine and class: the class
 * tells ppc from ppc64, mips from mips64, riscv32 from riscv64 (one
 * e_machine each). Unknown machines are no error: the types still load.
 */
enum tg_arch tg_arch_from_elf(unsigned int e_machine, bool is_64bit)
{
	switch (e_machine) {
	case EM_X86_64:
		return TG_ARCH_X86_64;
	case EM_386:
		return TG_ARCH_I386;
	case EM_AARCH64:
		return TG_ARCH_ARM64;
	case EM_ARM:
		return TG_ARCH_ARM;
	case EM_PPC64:
		return TG_ARCH_PPC64;
	case EM_PPC:
		return TG_ARCH_PPC;
	case EM_S390:
		return is_64bit ? TG_ARCH_S390X : TG_ARCH_UNKNOWN;
	case EM_RISCV:
		return is_64bit ? TG_ARCH_RISCV64 : TG_ARCH_RISCV32;
	case EM_LOONGARCH:
		return is_64bit ? TG_ARCH_LOONGARCH64 : TG_ARCH_UNKNOWN;
	case EM_MIPS:
		return is_64bit ? TG_ARCH_MIPS64 : TG_ARCH_MIPS;
	case EM_SPARCV9:
		return TG_ARCH_SPARC64;
	default:
		return TG_ARCH_UNKNOWN;
	}
}

enum tg_arch tg_btf__arch(const struct tg_btf *btf)
{
	if (!btf)
		return TG_ARCH_UNKNOWN;
	if (btf->arch == TG_ARCH_UNKNOWN && btf->base)
		return tg_btf__arch(btf->base);
	return btf->arch;
}

int tg_btf__set_arch(struct tg_btf *btf, enum tg_arch arch)
{
	if (!btf || !arch_valid(arch))
		return -EINVAL;
	btf->arch = arch;
	return 0;
}
