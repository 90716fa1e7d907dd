// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel inside an x86 boot image (vmlinuz, bzImage).
 *
 * A bzImage is a real-mode setup, then the protected-mode decompressor
 * with the compressed kernel (vmlinux stripped of symbols, still an ELF
 * file with its .BTF) as its payload. The setup header says where the
 * payload is (boot protocol 2.08+: payload_offset, from the start of the
 * protected-mode code, and payload_length). Images without those fields
 * are scanned for compressed data that decodes to an ELF file.
 *
 * See Documentation/arch/x86/boot.rst in the kernel.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "internal.h"

#define SETUP_SECTS_OFF	0x1f1	/* 512-byte sectors of setup, 0 means 4 */
#define BOOT_FLAG_OFF	0x1fe	/* 0xaa55 */
#define HEADER_OFF	0x202	/* "HdrS" */
#define VERSION_OFF	0x206	/* boot protocol version */
#define PAYLOAD_OFF	0x248	/* payload_offset (2.08+) */
#define PAYLOAD_LEN_OFF	0x24c	/* payload_length (2.08+) */
#define HDR_END		0x250

#define PROTO_PAYLOAD	0x0208

bool tg_bzimage_detect(const void *data, size_t size)
{
	const unsigned char *p = data;

	return size >= VERSION_OFF && tg_le16(p + BOOT_FLAG_OFF) == 0xaa55 &&
	       !memcmp(p + HEADER_OFF, "HdrS", 4);
}

static bool is_elf(const void *data, size_t size)
{
	return size >= 4 && !memcmp(data, "\177ELF", 4);
}

/*
 * Find where compressed data decodes to what @accept takes. A wrong guess
 * costs little: with TG_DZ_ELF, decoding stops at the first bytes that
 * are not ELF; otherwise at the first that do not decode.
 */
int tg_kimage_scan(const unsigned char *p, size_t size, size_t max,
		   unsigned int flags,
		   bool (*accept)(const void *data, size_t size, void *arg),
		   void *arg, void **outp, size_t *out_szp,
		   enum tg_format *comp)
{
	enum tg_format fmt;
	size_t i;
	int err;

	for (i = 0; i < size; i++) {
		switch (p[i]) {
		case 0x1f: case 0xfd: case 0x28: case 0x04: case 0x02:
		case 0x89: case 'B': case 0x5d:
			break;
		default:
			continue;
		}
		fmt = tg_compression_detect(p + i, size - i);
		if (fmt == TG_FORMAT_UNKNOWN)
			continue;
		err = tg_decompress(fmt, p + i, size - i, TG_DZ_SINGLE | flags,
				    max, outp, out_szp);
		if (!err && accept(*outp, *out_szp, arg)) {
			*comp = fmt;
			return 0;
		}
		if (!err) {
			free(*outp);
			*outp = NULL;
		}
		if (err == -ENOMEM)
			return err;
	}
	return -TG_ERRNO__KIMAGE;
}

static bool accept_elf(const void *data, size_t size, void *arg)
{
	(void)arg;
	return is_elf(data, size);
}

static int scan(const unsigned char *p, size_t size, size_t max,
		void **elfp, size_t *elf_szp, enum tg_format *comp)
{
	return tg_kimage_scan(p, size, max, TG_DZ_ELF, accept_elf, NULL, elfp,
			      elf_szp, comp);
}

int tg_bzimage_extract(const void *data, size_t size, size_t max,
		       void **elfp, size_t *elf_szp, enum tg_format *comp)
{
	const unsigned char *p = data;
	uint64_t start, len;
	enum tg_format fmt;
	unsigned int sects;
	int err;

	*elfp = NULL;
	if (tg_le16(p + VERSION_OFF) < PROTO_PAYLOAD)
		return scan(p, size, max, elfp, elf_szp, comp);
	if (size < HDR_END)
		return -TG_ERRNO__TRUNC;

	sects = p[SETUP_SECTS_OFF] ? p[SETUP_SECTS_OFF] : 4;
	start = (sects + 1) * 512ULL + tg_le32(p + PAYLOAD_OFF);
	len = tg_le32(p + PAYLOAD_LEN_OFF);
	if (!len)
		return scan(p, size, max, elfp, elf_szp, comp);
	if (start > size || len > size - start)
		return -TG_ERRNO__TRUNC;

	fmt = tg_compression_detect(p + start, len);
	if (fmt == TG_FORMAT_UNKNOWN)
		return scan(p, size, max, elfp, elf_szp, comp);
	/* The payload ends in its decompressed size: one stream only. */
	err = tg_decompress(fmt, p + start, len, TG_DZ_SINGLE, max, elfp,
			    elf_szp);
	if (err)
		return err;
	if (!is_elf(*elfp, *elf_szp)) {
		/* Not a kernel this library can read (a raw Image?). */
		free(*elfp);
		*elfp = NULL;
		return -TG_ERRNO__KIMAGE;
	}
	*comp = fmt;
	return 0;
}
