// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * DWARF debug info converted to BTF (typegen --from-dwarf): units,
 * abbreviations, forms, type units, compressed sections, then libbpf's
 * dedup of what the conversion made.
 */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TG_OPTS(tg_open_opts, opts, .max_size = FUZZ_MAX_SIZE,
		.from_dwarf = true);
	struct tg_btf *btf;
	int err;

	if (!fuzz_is_elf(data, size))
		return -1;
	err = tg_btf__open_mem(data, size, "fuzz.debug", &opts, &btf);
	fuzz_check_err(err);
	if (err)
		return 0;
	if (!tg_btf__from_dwarf(btf))
		abort();
	tg_btf__free(btf);
	return 0;
}
