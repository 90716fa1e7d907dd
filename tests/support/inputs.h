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
