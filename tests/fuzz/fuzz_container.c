// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What wraps the types: gzip, xz, zstd, lzma, bzip2, lz4, lzop, tar
 * archives, x86 boot images and kernel images of other machines, nested
 * up to TG_MAX_LAYERS deep. Layers
 * decompress to at most FUZZ_MAX_SIZE bytes: the bomb limit is exercised,
 * not the fuzzer's memory limit.
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
	TG_OPTS(tg_open_opts, opts, .max_size = FUZZ_MAX_SIZE);
	struct tg_btf *btf;
	size_t i, layers;
	int err;

	/* Bare BTF and ELF have harnesses of their own. */
	if (fuzz_is_raw_btf(data, size) || fuzz_is_elf(data, size))
		return -1;
	err = tg_btf__open_mem(data, size, "fuzz.tar.xz", &opts, &btf);
	fuzz_check_err(err);
	if (err)
		return 0;
	layers = tg_btf__layer_cnt(btf);
	if (!layers || layers > TG_MAX_LAYERS)
		abort();
	/*
	 * A container and what it holds, or alone only a kernel image,
	 * whose BTF is found in it by content (an uncompressed arm64,
	 * riscv or loongarch Image is one layer).
	 */
	if (layers == 1 && tg_btf__layer(btf, 0) != TG_FORMAT_KIMAGE)
		abort();
	for (i = 0; i < layers; i++)
		if (!tg_format__str(tg_btf__layer(btf, i)))
			abort();
	tg_btf__free(btf);
	return 0;
}
