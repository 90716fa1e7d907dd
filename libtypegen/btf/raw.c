// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Writing types back as raw BTF, the format of /sys/kernel/btf/: from any
 * input (a vmlinuz, a btfhub archive, a .ko), in the input's byte order or
 * another. libbpf lays the data out; split BTF comes out split.
 */
#include <errno.h>
#include <stdio.h>
#include <bpf/btf.h>
#include "btf/btf.h"

static int wanted_order(enum tg_byte_order order, enum btf_endianness input,
			enum btf_endianness *want)
{
	switch (order) {
	case TG_BYTE_ORDER_INPUT:
		*want = input;
		return 0;
	case TG_BYTE_ORDER_NATIVE:
		*want = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
			BTF_LITTLE_ENDIAN : BTF_BIG_ENDIAN;
		return 0;
	case TG_BYTE_ORDER_LITTLE:
		*want = BTF_LITTLE_ENDIAN;
		return 0;
	case TG_BYTE_ORDER_BIG:
		*want = BTF_BIG_ENDIAN;
		return 0;
	}
	return -EINVAL;
}

int tg_btf__write_raw(const struct tg_btf *tb, FILE *out,
		      const struct tg_raw_opts *opts)
{
	enum btf_endianness input, want;
	const void *data;
	struct btf *btf;
	__u32 size;
	int err;

	if (!tb || !out || !TG_OPTS_VALID(opts, tg_raw_opts))
		return -EINVAL;
	btf = tb->btf;
	input = btf__endianness(btf);
	err = wanted_order(TG_OPTS_GET(opts, byte_order, TG_BYTE_ORDER_INPUT),
			   input, &want);
	if (err)
		return err;

	/*
	 * libbpf keeps the byte order to write in the object: set it for
	 * this call and put it back (the types themselves do not change).
	 */
	if (want != input && btf__set_endianness(btf, want))
		return -EINVAL;
	data = btf__raw_data(btf, &size);
	if (!data)
		err = -ENOMEM;
	else if (fwrite(data, 1, size, out) != size)
		err = -EIO;
	if (want != input)
		btf__set_endianness(btf, input);
	return err;
}
