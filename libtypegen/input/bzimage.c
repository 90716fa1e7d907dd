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
#include "input/input.h"

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

#define GZ_FEXTRA	0x04
#define GZ_FNAME	0x08
#define GZ_FCOMMENT	0x10
/* A file name's longest (NAME_MAX and its NUL), and a comment's here. */
#define GZ_FIELD_MAX	256

/* Past the NUL ending the field at @pos, or 0 if it ends too late. */
static size_t gzip_field_end(const unsigned char *p, size_t size, size_t pos)
{
	size_t n = size - pos < GZ_FIELD_MAX ? size - pos : GZ_FIELD_MAX;
	const unsigned char *z = memchr(p + pos, 0, n);

	return z ? (size_t)(z - p) + 1 : 0;
}

/*
 * Whether the gzip header at @i ends before @size with a name and a
 * comment of sane length. zlib would read them to their NUL: from every
 * "1f 8b 08" of an image whose name never ends, that is the rest of the
 * image each time. A kernel's payload has neither (gzip -n).
 */
static bool gzip_header_ok(const unsigned char *p, size_t size, size_t i)
{
	size_t pos = i + 10;
	unsigned char flg;

	if (size - i < 10)
		return false;
	flg = p[i + 3];
	if ((flg & GZ_FEXTRA) && size - pos >= 2)
		pos += 2 + (p[pos] | p[pos + 1] << 8);
	if (pos >= size)
		return false;
	if ((flg & GZ_FNAME) && !(pos = gzip_field_end(p, size, pos)))
		return false;
	if ((flg & GZ_FCOMMENT) && !(pos = gzip_field_end(p, size, pos)))
		return false;
	return pos < size;
}

/*
 * Find where compressed data decodes to what @accept takes. A wrong guess
 * costs little: with TG_DZ_ELF, decoding stops at the first bytes that
 * are not ELF; otherwise at the first that do not decode.
 */
int tg_kimage_scan(const unsigned char *p, size_t size, size_t max,
		   unsigned int flags, const struct tg_dz_peek *peek,
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
		if (fmt == TG_FORMAT_UNKNOWN ||
		    (fmt == TG_FORMAT_GZIP &&
		     !gzip_header_ok(p, size, i)))
			continue;
		err = tg_decompress_peek(fmt, p + i, size - i,
					 TG_DZ_SINGLE | flags, max, peek, outp,
					 out_szp);
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
		const struct tg_dz_peek *peek, void **elfp, size_t *elf_szp,
		enum tg_format *comp)
{
	return tg_kimage_scan(p, size, max, TG_DZ_ELF, peek, accept_elf, NULL,
			      elfp, elf_szp, comp);
}

int tg_bzimage_extract(const void *data, size_t size, size_t max,
		       const struct tg_dz_peek *peek, void **elfp,
		       size_t *elf_szp, enum tg_format *comp)
{
	const unsigned char *p = data;
	struct tg_dz_peek pk = {};
	uint64_t start, len;
	enum tg_format fmt;
	unsigned int sects;
	int err;

	*elfp = NULL;
	if (tg_le16(p + VERSION_OFF) < PROTO_PAYLOAD)
		return scan(p, size, max, peek, elfp, elf_szp, comp);
	if (size < HDR_END)
		return -TG_ERRNO__TRUNC;

	sects = p[SETUP_SECTS_OFF] ? p[SETUP_SECTS_OFF] : 4;
	start = (sects + 1) * 512ULL + tg_le32(p + PAYLOAD_OFF);
	len = tg_le32(p + PAYLOAD_LEN_OFF);
	if (!len)
		return scan(p, size, max, peek, elfp, elf_szp, comp);
	if (start > size || len > size - start)
		return -TG_ERRNO__TRUNC;

	fmt = tg_compression_detect(p + start, len);
	if (fmt == TG_FORMAT_UNKNOWN)
		return scan(p, size, max, peek, elfp, elf_szp, comp);
	/*
	 * The payload ends in its decompressed size: one stream only, and
	 * a buffer of that size from the start.
	 */
	if (peek)
		pk = *peek;
	if (len >= 4)
		pk.usize = tg_le32(p + start + len - 4);
	err = tg_decompress_peek(fmt, p + start, len, TG_DZ_SINGLE, max, &pk,
				 elfp, elf_szp);
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
