// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Fixtures for every input format (see inputs.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "input/input.h"
#include "tg_test.h"
#include "inputs.h"

static void run_ok(const char *cmd)
{
	char *err = NULL;
	int rc = tg_test_run(cmd, NULL, &err);

	if (rc)
		fail_msg("%s failed (%d): %s", cmd, rc, err);
	free(err);
}

void fx_filter(const char *cmd, const char *in, const char *out)
{
	char *line = tg_test_path("%s < '%s' > '%s'", cmd, in, out);

	run_ok(line);
	free(line);
}

void fx_write(const char *path, const void *data, size_t len)
{
	assert_int_equal(tg_test_write_file(path, data, len), 0);
}

size_t fx_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

void fx_elf_with_btf(const char *btf, const char *elf, const char *build_id)
{
	char *src = tg_test_path("%s.marker.c", elf);
	char *obj = tg_test_path("%s.marker.o", elf);
	char *cmd;

	fx_write(src, "int tg_marker;\n", 15);
	/* A shared object: the linker gives it the build ID note. */
	cmd = tg_test_path("cc -shared -nostdlib -Wl,--build-id=%s%s -o '%s' '%s'",
			   build_id ? "0x" : "none", build_id ? build_id : "",
			   obj, src);
	run_ok(cmd);
	free(cmd);
	cmd = tg_test_path("llvm-objcopy-19 --add-section .BTF='%s' '%s' '%s'",
			   btf, obj, elf);
	run_ok(cmd);
	free(cmd);
	unlink(src);
	unlink(obj);
	free(src);
	free(obj);
}

static void put32(unsigned char *p, unsigned int v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

void fx_bzimage(const char *payload, unsigned int usize, unsigned int proto,
		const char *path)
{
	/* One setup sector: protected-mode code at 2 * 512. */
	enum { SETUP = 1024, OFFSET = 256, TAIL = 512 };
	size_t len, total;
	unsigned char *img;
	void *data = tg_test_read_file(payload, &len);

	assert_non_null(data);
	total = SETUP + OFFSET + len + 4 + TAIL;
	img = calloc(1, total);
	assert_non_null(img);
	memcpy(img, "MZ", 2);
	img[0x1f1] = SETUP / 512 - 1;
	img[0x1fe] = 0x55;
	img[0x1ff] = 0xaa;
	memcpy(img + 0x202, "HdrS", 4);
	img[0x206] = proto & 0xff;
	img[0x207] = proto >> 8;
	if (proto >= 0x208) {
		put32(img + 0x248, OFFSET);
		put32(img + 0x24c, len + 4);
	}
	memcpy(img + SETUP + OFFSET, data, len);
	put32(img + SETUP + OFFSET + len, usize);
	fx_write(path, img, total);
	free(img);
	free(data);
}

/* Deterministic bytes that stand for code: no accidental magic numbers. */
static void noise(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245 + 12345;
		p[i] = seed >> 16;
		/* Keep out what could start a BTF or compressed stream. */
		if (p[i] == 0x9f || p[i] == 0xeb || p[i] == 0x1f)
			p[i] = 0x55;
	}
}

/* A minimal PE header at 0x40 whose one section covers @file_len bytes. */
static void put_pe(unsigned char *img, unsigned int machine, size_t file_len)
{
	put32(img + 0x3c, 0x40);
	memcpy(img + 0x40, "PE\0\0", 4);
	img[0x44] = machine;
	img[0x45] = machine >> 8;
	img[0x46] = 1;			/* one section */
	img[0x54] = 0;			/* no optional header */
	memcpy(img + 0x58, ".text", 5);
	put32(img + 0x58 + 16, file_len);	/* SizeOfRawData */
	put32(img + 0x58 + 20, 0);		/* PointerToRawData */
}

size_t fx_kimage(enum fx_kimage_kind kind, const char *btf, const char *path)
{
	/* A BTF magic and version whose header does not hold up. */
	static const unsigned char stray[] = {
		0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0,
	};
	enum { HDR = 0x200, CODE = 8192, TAIL = 4096 };
	size_t len = 0, total, off = HDR + CODE + 3;
	void *data = NULL;
	unsigned char *img;

	if (btf) {
		data = tg_test_read_file(btf, &len);
		assert_non_null(data);
	}
	total = off + len + TAIL;
	img = calloc(1, total);
	assert_non_null(img);
	noise(img, total, 42);
	memcpy(img + HDR + 100, stray, sizeof(stray));
	memcpy(img + HDR + 5000, stray, 4);
	if (data)
		memcpy(img + off, data, len);
	if (kind != FX_NOHDR)
		memset(img, 0, HDR);
	switch (kind) {
	case FX_ARM64_EFI:
		memcpy(img, "MZ", 2);
		put_pe(img, 0xaa64, total);
		/* fallthrough */
	case FX_ARM64:
	case FX_ARM64_BE:
		memcpy(img + 0x38, "ARM\x64", 4);
		img[0x18] = kind == FX_ARM64_BE;
		break;
	case FX_RISCV:
		memcpy(img + 0x30, "RISCV\0\0\0", 8);
		memcpy(img + 0x38, "RSC\x05", 4);
		break;
	case FX_LOONGARCH:
		memcpy(img, "MZ", 2);
		put32(img + 0x38, 0x818223cd);
		put_pe(img, 0x6264, total);
		break;
	case FX_NOHDR:
		break;
	}
	fx_write(path, img, total);
	free(img);
	free(data);
	return off;
}

void fx_boot_image(const char *type, const char *payload,
		   unsigned int pe_machine, const char *path)
{
	size_t len, off, total;
	unsigned char *img;
	void *data = tg_test_read_file(payload, &len);

	assert_non_null(data);
	off = !strcmp(type, "s390") ? 0x11000 : 0x1000;
	total = off + len + 512;
	img = calloc(1, total);
	assert_non_null(img);
	noise(img, total, 7);
	memset(img, 0, 0x200);
	/* Looks like gzip, is not: the scan must go past it. */
	memcpy(img + off - 64, "\x1f\x8b\x08\x00garbage", 11);
	memcpy(img + off, data, len);
	if (!strcmp(type, "zboot")) {
		memcpy(img, "MZ\0\0zimg", 8);
		put32(img + 8, off);
		put32(img + 12, len);
		memcpy(img + 24, "gzip", 5);
		put32(img + 0x38, 0x818223cd);
		put_pe(img, pe_machine, total);
	} else if (!strcmp(type, "zimage")) {
		put32(img + 0x24, 0x016f2818);
		put32(img + 0x28, 0);
		put32(img + 0x2c, total);
	} else {
		memcpy(img + 0x10008, "S390EP", 6);
	}
	fx_write(path, img, total);
	free(img);
	free(data);
}

static int remap(__u32 *id, void *ctx)
{
	const __u32 *map = ctx;

	*id = map[*id];
	return 0;
}

void *fx_split_btf(const char *obj, const struct btf *base, size_t *len)
{
	struct btf *mod = btf__parse_elf(obj, NULL);
	struct btf *split = btf__new_empty_split((struct btf *)base);
	__u32 base_cnt = btf__type_cnt(base), n, id, next;
	const struct btf_type *t;
	const void *raw;
	__u32 size, *map;
	void *copy;
	int kind, bid, new_id;

	assert_non_null(mod);
	assert_non_null(split);
	n = btf__type_cnt(mod);
	map = calloc(n, sizeof(*map));
	assert_non_null(map);
	next = base_cnt;
	for (id = 1; id < n; id++) {
		t = btf__type_by_id(mod, id);
		if (btf_is_fwd(t)) {
			kind = btf_kflag(t) ? BTF_KIND_UNION : BTF_KIND_STRUCT;
			bid = btf__find_by_name_kind(base,
					btf__name_by_offset(mod, t->name_off),
					kind);
			if (bid > 0) {
				map[id] = bid;
				continue;
			}
		}
		map[id] = next++;
	}
	for (id = 1; id < n; id++) {
		if (map[id] < base_cnt)
			continue;
		t = btf__type_by_id(mod, id);
		new_id = btf__add_type(split, mod, t);
		assert_int_equal(new_id, map[id]);
		tg_type_visit_ids((struct btf_type *)btf__type_by_id(split,
								     new_id),
				  remap, map);
	}
	assert_int_equal(btf__dedup(split, NULL), 0);
	raw = btf__raw_data(split, &size);
	assert_non_null(raw);
	copy = malloc(size);
	assert_non_null(copy);
	memcpy(copy, raw, size);
	*len = size;
	free(map);
	btf__free(split);
	btf__free(mod);
	return copy;
}

/* Bytes of a type record, as in the file. */
static size_t record_size(const struct btf_type *t)
{
	size_t n = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return sizeof(*t) + 4;
	case BTF_KIND_ARRAY:
		return sizeof(*t) + sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return sizeof(*t) + n * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return sizeof(*t) + n * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return sizeof(*t) + n * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return sizeof(*t) + n * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return sizeof(*t) + n * sizeof(struct btf_var_secinfo);
	}
	return sizeof(*t);
}

struct names_ctx {
	const struct btf *a, *b;
	unsigned int id;
};

static int same_name(__u32 *off, void *arg)
{
	const struct names_ctx *c = arg;
	const char *na = btf__str_by_offset(c->a, *off);
	const char *nb = btf__str_by_offset(c->b, *off);

	if (!na || !nb || strcmp(na, nb))
		fail_msg("type %u: name at %u differs: %s / %s", c->id, *off,
			 na ? na : "(none)", nb ? nb : "(none)");
	return 0;
}

void fx_assert_same_types(const struct btf *a, const struct btf *b,
			  unsigned int first)
{
	struct names_ctx c = { .a = a, .b = b };
	const struct btf_type *ta, *tb;
	unsigned int id, n = btf__type_cnt(a);

	assert_int_equal(btf__type_cnt(b), n);
	for (id = first; id < n; id++) {
		ta = btf__type_by_id(a, id);
		tb = btf__type_by_id(b, id);
		if (record_size(ta) != record_size(tb) ||
		    memcmp(ta, tb, record_size(ta)))
			fail_msg("type %u differs", id);
		c.id = id;
		tg_type_visit_strs((struct btf_type *)ta, same_name, &c);
	}
}
