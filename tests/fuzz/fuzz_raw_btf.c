// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Raw BTF (/sys/kernel/btf/vmlinux), either byte order: loaded, then
 * written back out in both byte orders, as `typegen btf dump` does.
 */
#include "fuzz.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	sink = fuzz_null_file();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TG_OPTS(tg_open_opts, opts, .max_size = FUZZ_MAX_SIZE);
	TG_OPTS(tg_raw_opts, swapped, .byte_order = TG_BYTE_ORDER_BIG);
	struct tg_btf *btf;
	int err;

	/* Other formats have harnesses of their own. */
	if (!fuzz_is_raw_btf(data, size))
		return -1;
	err = tg_btf__open_mem(data, size, "fuzz.btf", &opts, &btf);
	fuzz_check_err(err);
	if (err)
		return 0;
	fuzz_check_err(tg_btf__write_raw(btf, sink, NULL));
	fuzz_check_err(tg_btf__write_raw(btf, sink, &swapped));
	tg_btf__free(btf);
	return 0;
}
