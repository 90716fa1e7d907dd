// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A minimal reader of ustar and GNU tar archives, enough to find the BTF
 * file in a btfhub archive: it walks the 512-byte headers, checks each
 * one's checksum and bounds, and hands out the content of regular files.
 * Everything else (directories, links, pax and GNU long-name records) is
 * skipped. The archive is only read, never copied.
 */
#include <errno.h>
#include <stdint.h>
#include "input/input.h"

#define BLOCK 512

/* Fields of a ustar header, as offset and length. */
#define NAME_OFF	0
#define SIZE_OFF	124
#define SIZE_LEN	12
#define CHKSUM_OFF	148
#define CHKSUM_LEN	8
#define TYPE_OFF	156
#define MAGIC_OFF	257

bool tg_tar_detect(const void *data, size_t size)
{
	const unsigned char *p = data;

	/* "ustar\0" (POSIX) or "ustar " (GNU). */
	return size >= BLOCK && !memcmp(p + MAGIC_OFF, "ustar", 5) &&
	       (p[MAGIC_OFF + 5] == '\0' || p[MAGIC_OFF + 5] == ' ');
}

void tg_tar_init(struct tg_tar *t, const void *data, size_t size)
{
	t->data = data;
	t->size = size;
	t->pos = 0;
}

/*
 * An octal number, space or NUL padded; or, for GNU tar's large sizes,
 * base-256 (the first byte's high bit set). False if it is neither.
 */
static bool parse_number(const unsigned char *p, size_t len, uint64_t *v)
{
	size_t i = 0;

	*v = 0;
	if (p[0] & 0x80) {
		/* Base-256; a negative number (0xff) is no size. */
		if (p[0] == 0xff)
			return false;
		*v = p[0] & 0x7f;
		for (i = 1; i < len; i++) {
			if (*v >> 56)
				return false;
			*v = *v << 8 | p[i];
		}
		return true;
	}
	while (i < len && p[i] == ' ')
		i++;
	for (; i < len && p[i] >= '0' && p[i] <= '7'; i++) {
		if (*v >> 60)
			return false;
		*v = *v << 3 | (p[i] - '0');
	}
	for (; i < len; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return false;
	return true;
}

static bool all_zero(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* The header sum, with the checksum field counted as spaces. */
static bool checksum_ok(const unsigned char *h)
{
	uint64_t want, sum = 0;
	int64_t ssum = 0;
	size_t i;

	if (!parse_number(h + CHKSUM_OFF, CHKSUM_LEN, &want))
		return false;
	for (i = 0; i < BLOCK; i++) {
		unsigned char c = i >= CHKSUM_OFF &&
				  i < CHKSUM_OFF + CHKSUM_LEN ? ' ' : h[i];

		sum += c;
		ssum += (signed char)c;
	}
	/* Some old tars summed signed chars. */
	return want == sum || (int64_t)want == ssum;
}

static bool is_regular(unsigned char type)
{
	/* '0', the old '\0', and '7' (contiguous file). */
	return type == '0' || type == '\0' || type == '7';
}

int tg_tar_next(struct tg_tar *t, const void **datap, size_t *sizep)
{
	const unsigned char *h;
	uint64_t size, padded;
	size_t left;

	for (;;) {
		left = t->size - t->pos;
		/* Archives end in zero blocks; some writers stop without. */
		if (!left)
			return 0;
		if (left < BLOCK)
			return -TG_ERRNO__TRUNC;
		h = t->data + t->pos;
		if (all_zero(h, BLOCK))
			return 0;
		if (!checksum_ok(h) ||
		    !parse_number(h + SIZE_OFF, SIZE_LEN, &size))
			return -TG_ERRNO__TAR;
		left -= BLOCK;
		if (size > left)
			return -TG_ERRNO__TRUNC;
		/* The last block's padding may be missing: end there. */
		padded = (size + BLOCK - 1) / BLOCK * BLOCK;
		if (padded > left)
			padded = left;
		t->pos += BLOCK + padded;
		if (is_regular(h[TYPE_OFF])) {
			*datap = h + BLOCK;
			*sizep = size;
			return 1;
		}
	}
}
