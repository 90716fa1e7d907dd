// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel's BTF in boot images that are not ELF: the arm64, riscv and
 * loongarch Image (the kernel as it runs, its own header in front), the
 * EFI zboot image (an Image compressed, in a small EFI program: arm64,
 * riscv, loongarch), the arm zImage and the s390 image (a decompressor
 * with the kernel compressed inside; the kernel comes out without a
 * header).
 *
 * Such a kernel has no section headers: its .BTF is there as raw bytes
 * (__start_BTF..__stop_BTF). It is found by content: a BTF header whose
 * type and string sections lie in the image and whose types parse and
 * check as any standalone BTF's; of several (the kernel embeds the small
 * BTF of its preload BPF programs), the largest. Nothing is guessed from
 * offsets or symbol names.
 *
 * See Documentation/arch/arm64/booting.rst, Documentation/arch/riscv/
 * boot-image-header.rst, Documentation/arch/loongarch/booting.rst and
 * drivers/firmware/efi/libstub/zboot-header.S in the kernel.
 */
#include <byteswap.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "input/input.h"

#define MAGIC_OFF	0x38	/* the Image and zboot magic numbers */
#define PE_OFF		0x3c	/* where the PE header is (EFI images) */
#define ARM64_FLAGS_OFF	0x18	/* bit 0: big-endian kernel */
#define ZBOOT_PAYLOAD	0x08	/* payload offset, size */
#define ZIMAGE_MAGIC_OFF 0x24	/* 0x016f2818 in the kernel's order */
#define S390_EP_OFF	0x10008	/* "S390EP" */

#define LINUX_PE_MAGIC	0x818223cdU

#define PE_MACHINE_ARM64	0xaa64
#define PE_MACHINE_RISCV64	0x5064
#define PE_MACHINE_LOONGARCH64	0x6264

static bool at(const unsigned char *p, size_t size, size_t off,
	       const char *s, size_t len)
{
	return size >= off + len && !memcmp(p + off, s, len);
}

/*
 * The PE header of an EFI-bootable image, at the offset 0x3c names:
 * its machine, and whether the file holds all its sections' bytes
 * (*@cut is set if it does not).
 */
static unsigned int pe_machine(const unsigned char *p, size_t size, bool *cut)
{
	uint64_t pe, sects, end;
	unsigned int i, n;

	*cut = false;
	if (size < PE_OFF + 4)
		return 0;
	pe = tg_le32(p + PE_OFF);
	if (pe > size || size - pe < 24 || memcmp(p + pe, "PE\0\0", 4))
		return 0;
	n = tg_le16(p + pe + 6);
	sects = pe + 24 + tg_le16(p + pe + 20);
	for (i = 0; i < n; i++) {
		const unsigned char *s = p + sects + i * 40ULL;

		if (sects + (i + 1) * 40ULL > size)
			break;
		end = (uint64_t)tg_le32(s + 20) + tg_le32(s + 16);
		if (tg_le32(s + 16) && end > size)
			*cut = true;
	}
	return tg_le16(p + pe + 4);
}

static enum tg_arch pe_arch(unsigned int machine)
{
	switch (machine) {
	case PE_MACHINE_ARM64:
		return TG_ARCH_ARM64;
	case PE_MACHINE_RISCV64:
		return TG_ARCH_RISCV64;
	case PE_MACHINE_LOONGARCH64:
		return TG_ARCH_LOONGARCH64;
	default:
		return TG_ARCH_UNKNOWN;
	}
}

/* An Image: the kernel as it runs, with a header naming its machine. */
static bool detect_image(const unsigned char *p, size_t size,
			 struct tg_kimage *k)
{
	if (at(p, size, MAGIC_OFF, "ARM\x64", 4)) {
		k->arch = TG_ARCH_ARM64;
		k->order = p[ARM64_FLAGS_OFF] & 1 ? __ORDER_BIG_ENDIAN__ :
						      __ORDER_LITTLE_ENDIAN__;
	} else if (at(p, size, MAGIC_OFF, "RSC\x05", 4)) {
		k->arch = TG_ARCH_RISCV64;
	} else if (at(p, size, 0, "MZ", 2) && size >= MAGIC_OFF + 4 &&
		   tg_le32(p + MAGIC_OFF) == LINUX_PE_MAGIC) {
		/* Only the PE header tells a loongarch Image. */
		k->arch = pe_arch(pe_machine(p, size, &k->cut));
		if (k->arch != TG_ARCH_LOONGARCH64)
			return false;
	} else {
		return false;
	}
	/* With an EFI stub, the PE header says how long the file is. */
	if (at(p, size, 0, "MZ", 2))
		pe_machine(p, size, &k->cut);
	if (!k->order)
		k->order = tg_arch__byte_order(k->arch);
	return true;
}

enum tg_format tg_kimage_detect(const void *data, size_t size,
				struct tg_kimage *img)
{
	const unsigned char *p = data;
	uint32_t magic;

	memset(img, 0, sizeof(*img));
	if (at(p, size, 0, "MZ", 2) && at(p, size, 4, "zimg", 4)) {
		img->arch = pe_arch(pe_machine(p, size, &img->cut));
		return TG_FORMAT_ZBOOT;
	}
	if (detect_image(p, size, img))
		return TG_FORMAT_KIMAGE;
	if (size >= ZIMAGE_MAGIC_OFF + 4) {
		magic = tg_le32(p + ZIMAGE_MAGIC_OFF);
		if (magic == 0x016f2818 || magic == 0x18286f01) {
			img->arch = TG_ARCH_ARM;
			img->order = magic == 0x016f2818 ?
				     __ORDER_LITTLE_ENDIAN__ :
				     __ORDER_BIG_ENDIAN__;
			return TG_FORMAT_ZIMAGE;
		}
	}
	if (at(p, size, S390_EP_OFF, "S390EP", 6)) {
		img->arch = TG_ARCH_S390X;
		img->order = __ORDER_BIG_ENDIAN__;
		return TG_FORMAT_S390;
	}
	return TG_FORMAT_UNKNOWN;
}

static bool accept_any(const void *data, size_t size, void *arg)
{
	(void)data;
	(void)size;
	(void)arg;
	return true;
}

int tg_kimage_unpack(enum tg_format fmt, const void *data, size_t size,
		     size_t max, const struct tg_dz_peek *peek, void **outp,
		     size_t *out_szp, enum tg_format *comp)
{
	const unsigned char *p = data;
	uint64_t off, len;

	*outp = NULL;
	if (fmt != TG_FORMAT_ZBOOT)
		/* No header says where the kernel is: any stream decoding. */
		return tg_kimage_scan(p, size, max, 0, peek, accept_any, NULL,
				      outp, out_szp, comp);
	if (size < ZBOOT_PAYLOAD + 8)
		return -TG_ERRNO__TRUNC;
	off = tg_le32(p + ZBOOT_PAYLOAD);
	len = tg_le32(p + ZBOOT_PAYLOAD + 4);
	if (off > size || len > size - off)
		return -TG_ERRNO__TRUNC;
	*comp = tg_compression_detect(p + off, len);
	if (*comp == TG_FORMAT_UNKNOWN)
		return -TG_ERRNO__KIMAGE;
	return tg_decompress_peek(*comp, p + off, len, TG_DZ_SINGLE, max, peek,
				  outp, out_szp);
}

/*
 * Whether a raw BTF header at @p, with @avail bytes from it to the end of
 * the image, could be the kernel's: version 1, a header length libbpf
 * takes, sections inside the image, strings that start and end with a
 * NUL (standalone BTF). Its length goes to *@len. Cheap: run on every
 * magic number found, before the full parse. CAND_CUT: a sane header
 * whose sections run past the end of the image.
 */
enum candidate { CAND_NO, CAND_CUT, CAND_OK };

static enum candidate btf_candidate(const unsigned char *p, size_t avail,
				    size_t *len)
{
	struct btf_header h;
	uint64_t types_end, strs_end, end;

	if (avail < sizeof(h))
		return CAND_NO;
	memcpy(&h, p, sizeof(h));
	if (h.magic != BTF_MAGIC) {
		h.hdr_len = bswap_32(h.hdr_len);
		h.type_off = bswap_32(h.type_off);
		h.type_len = bswap_32(h.type_len);
		h.str_off = bswap_32(h.str_off);
		h.str_len = bswap_32(h.str_len);
	}
	if (h.version != BTF_VERSION || h.flags || h.hdr_len < sizeof(h) ||
	    h.hdr_len > 256 || h.type_off % 4 || h.type_len % 4 ||
	    !h.str_len)
		return CAND_NO;
	types_end = (uint64_t)h.hdr_len + h.type_off + h.type_len;
	strs_end = (uint64_t)h.hdr_len + h.str_off + h.str_len;
	end = types_end > strs_end ? types_end : strs_end;
	if (end > UINT32_MAX)
		return CAND_NO;
	*len = end;
	if (end > avail)
		return CAND_CUT;
	if (p[h.hdr_len + h.str_off] || p[strs_end - 1])
		return CAND_NO;
	return CAND_OK;
}

/*
 * The largest standalone BTF in @size bytes at @data that parses and
 * checks, in *@btfp; -TG_ERRNO__IMGNOBTF if there is none, -TG_ERRNO__BTF
 * if a header that held up had types that do not check, -ENOMEM.
 * *@partial is set if a BTF header was found whose sections run past the
 * end of the data: the image was cut, not built without BTF.
 */
static int find_btf(const unsigned char *data, size_t size,
		    struct btf **btfp, bool *partial)
{
	static const unsigned char magic_le[] = { 0x9f, 0xeb, 1, 0 };
	static const unsigned char magic_be[] = { 0xeb, 0x9f, 1, 0 };
	const unsigned char *magics[] = { magic_le, magic_be };
	struct btf *best = NULL, *btf;
	size_t best_len = 0, len, i;
	const unsigned char *p;
	bool bad = false;
	int err;

	*partial = false;
	for (i = 0; i < 2; i++) {
		p = data;
		while ((p = memmem(p, size - (p - data), magics[i], 4))) {
			switch (btf_candidate(p, size - (p - data), &len)) {
			case CAND_CUT:
				*partial = true;
				/* fallthrough */
			case CAND_NO:
				p++;
				continue;
			case CAND_OK:
				break;
			}
			err = tg_btf_parse_standalone(p, len, &btf);
			if (err == -ENOMEM) {
				btf__free(best);
				return err;
			}
			if (err) {
				bad = true;
				p++;
				continue;
			}
			if (len > best_len) {
				btf__free(best);
				best = btf;
				best_len = len;
			} else {
				btf__free(btf);
			}
			p += len;
		}
	}
	if (!best)
		return bad ? -TG_ERRNO__BTF : -TG_ERRNO__IMGNOBTF;
	*btfp = best;
	return 0;
}

int tg_kimage_btf(const void *data, size_t size, const struct tg_kimage *img,
		  struct btf **btfp)
{
	struct btf *btf;
	bool partial;
	int err;

	err = find_btf(data, size, &btf, &partial);
	if (err == -TG_ERRNO__IMGNOBTF && (partial || img->cut))
		return -TG_ERRNO__TRUNC;
	if (err)
		return err;
	err = tg_kimage_check(btf, img);
	if (err) {
		btf__free(btf);
		return err;
	}
	*btfp = btf;
	return 0;
}

int tg_kimage_check(struct btf *btf, const struct tg_kimage *img)
{
	unsigned int want = tg_arch__ptr_size(img->arch), has;
	int order;

	/* What the header claims must fit the types: long, byte order. */
	has = btf__pointer_size(btf);
	order = btf__endianness(btf) == BTF_BIG_ENDIAN ?
		__ORDER_BIG_ENDIAN__ : __ORDER_LITTLE_ENDIAN__;
	if ((want && has && want != has) || (img->order && img->order != order))
		return -TG_ERRNO__IMGARCH;
	if (want)
		btf__set_pointer_size(btf, want);
	return 0;
}

/* ---- watching a kernel as it is decompressed ------------------------- */

/* How often the output is searched while no candidate is pending. */
#define WATCH_STEP (1U << 20)

void tg_btf_watch_reset(struct tg_btf_watch *w)
{
	btf__free(w->btf);
	memset(w, 0, sizeof(*w));
}

/*
 * Where the first BTF magic number (either order) starting in [@from,
 * @to) is, or @to; the 3 bytes past @to are there to read.
 */
static size_t next_magic(const unsigned char *data, size_t from, size_t to)
{
	static const unsigned char magic_le[] = { 0x9f, 0xeb, 1, 0 };
	static const unsigned char magic_be[] = { 0xeb, 0x9f, 1, 0 };
	const unsigned char *le, *be;
	size_t stop;

	if (from >= to)
		return to;
	le = memmem(data + from, to + 3 - from, magic_le, 4);
	stop = le ? (size_t)(le - data) : to;
	be = memmem(data + from, stop + 3 - from, magic_be, 4);
	if (be && (size_t)(be - data) < stop)
		return be - data;
	return stop;
}

/*
 * The candidate at @off, whole in @len bytes: 1 if it is a kernel's BTF
 * (then in w->btf), 0 if not, -ENOMEM.
 */
static int watch_try(struct tg_btf_watch *w, const unsigned char *data,
		     size_t len, size_t off)
{
	struct btf *btf;
	size_t blen;
	int err;

	if (btf_candidate(data + off, len - off, &blen) != CAND_OK)
		return 0;
	err = tg_btf_parse_standalone(data + off, blen, &btf);
	if (err)
		return err == -ENOMEM ? err : 0;
	/*
	 * Smaller BTF (what a kernel embeds of its preload programs, or a
	 * kernel too small to tell from one) is not taken here: the whole
	 * image is decoded and the largest found as before.
	 */
	if (btf__type_cnt(btf) <= TG_WATCH_MIN_TYPES) {
		btf__free(btf);
		return 0;
	}
	w->btf = btf;
	w->off = off;
	w->len = blen;
	return 1;
}

int tg_btf_watch(struct tg_btf_watch *w, const unsigned char *data,
		 size_t len, size_t *next)
{
	size_t i, j, off, end;
	int err;

	/* Candidates now whole, in the order they were found; the rest wait. */
	for (i = j = 0; i < w->cnt; i++) {
		if (w->ends[i] > len) {
			w->offs[j] = w->offs[i];
			w->ends[j++] = w->ends[i];
			continue;
		}
		err = watch_try(w, data, len, w->offs[i]);
		if (err)
			return err;
	}
	w->cnt = j;
	/* A header needs its 24 bytes in the output before it is judged. */
	while (w->cnt < TG_WATCH_CANDS &&
	       len - w->scan >= sizeof(struct btf_header)) {
		off = next_magic(data, w->scan,
				 len - sizeof(struct btf_header) + 1);
		w->scan = off;
		if (len - off < sizeof(struct btf_header))
			break;
		w->scan = off + 1;
		switch (btf_candidate(data + off, len - off, &end)) {
		case CAND_NO:
			continue;
		case CAND_CUT:
			w->offs[w->cnt] = off;
			w->ends[w->cnt++] = off + end;
			continue;
		case CAND_OK:
			err = watch_try(w, data, len, off);
			if (err)
				return err;
		}
	}
	*next = len + WATCH_STEP;
	for (i = 0; i < w->cnt; i++)
		if (w->ends[i] < *next)
			*next = w->ends[i];
	return 0;
}

