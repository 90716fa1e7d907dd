/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fixtures for every input format, made at test time from the committed
 * kernel BTF and the compiled fixture objects: compressed files (with the
 * command-line tools), ELF files carrying a .BTF, x86 boot images around a
 * compressed ELF, tar archives, and kernel-module split BTF.
 */
#ifndef __TG_INPUTS_H
#define __TG_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

/* Run "@cmd < @in > @out" (a compressor); asserts success. */
void fx_filter(const char *cmd, const char *in, const char *out);

/*
 * An ELF relocatable file at @elf whose .BTF section holds the raw BTF in
 * the file @btf (and, if @build_id is not NULL, a GNU build ID note with
 * that hex string, e.g. "abf9ec0e..."). Made with cc and llvm-objcopy-19.
 */
void fx_elf_with_btf(const char *btf, const char *elf, const char *build_id);

/*
 * An x86 boot image at @path, its payload the file @payload (a compressed
 * ELF) followed by the 4-byte uncompressed size @usize, as the kernel's
 * build appends it. With @proto below 0x208 the header has no payload
 * fields, so the payload must be found by scanning.
 */
void fx_bzimage(const char *payload, unsigned int usize, unsigned int proto,
		const char *path);

/* The kinds of kernel image fx_kimage() makes. */
enum fx_kimage_kind {
	FX_ARM64,	/* arm64 Image, "ARM\x64" at 0x38, little-endian */
	FX_ARM64_BE,	/* the same with flags bit 0 (a big-endian kernel) */
	FX_ARM64_EFI,	/* with an EFI stub: "MZ" and a PE header that says
			 * how long the file is */
	FX_RISCV,	/* riscv Image, "RSC\x05" at 0x38 */
	FX_LOONGARCH,	/* "MZ", LINUX_PE_MAGIC, PE machine loongarch64 */
	FX_NOHDR,	/* no header: a kernel as a zImage or s390 image
			 * carries it compressed */
};

/*
 * A kernel image of @kind at @path holding the raw BTF in the file @btf
 * (NULL: none) as a kernel does, as bytes with no section headers: the
 * header, then pseudo-random "code" with stray BTF magic numbers (a BTF
 * header that does not check), then the BTF at an offset that is not a
 * multiple of 8, then more bytes. Returns the BTF's offset in the file.
 */
size_t fx_kimage(enum fx_kimage_kind kind, const char *btf, const char *path);

/*
 * A boot image at @path around the compressed kernel in the file
 * @payload: "zboot" (EFI zboot, PE machine @pe_machine, payload offset and
 * size in its header), "zimage" (arm zImage, magic at 0x24) or "s390"
 * ("S390EP" at 0x10008), the payload after a stretch of bytes holding a
 * stray gzip magic number.
 */
void fx_boot_image(const char *type, const char *payload,
		   unsigned int pe_machine, const char *path);

/*
 * Raw split BTF of the BPF object @obj on @base, as pahole makes a
 * module's: forward declarations of structs the base defines point at the
 * base's, and types the base has alike are deduplicated away. malloc'ed.
 */
void *fx_split_btf(const char *obj, const struct btf *base, size_t *len);

/* Write @len bytes at @data to a new file @path (asserts). */
void fx_write(const char *path, const void *data, size_t len);

/* Size of the file at @path. */
size_t fx_size(const char *path);

/*
 * The types of @a and @b from id @first on are the same, type by type:
 * each record byte for byte (kind, size, members, offsets, string offsets)
 * and every name it holds. Fails the test at the first difference.
 */
void fx_assert_same_types(const struct btf *a, const struct btf *b,
			  unsigned int first);

#endif /* __TG_INPUTS_H */
