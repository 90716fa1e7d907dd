// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A kernel module's split BTF on the kernel's ($TG_FUZZ_KERNEL, the test
 * suite's 6.18 vmlinux BTF by default): the checks of ids and names
 * against the base, then a merge of module and base as `typegen btf dump
 * --module-only` does.
 */
#include "fuzz.h"

#ifndef TG_FUZZ_KERNEL
#define TG_FUZZ_KERNEL "build/fixtures/vmlinux-6.18.44.btf"
#endif

static struct tg_btf *base;
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	base = fuzz_load_kernel("TG_FUZZ_KERNEL", TG_FUZZ_KERNEL);
	sink = fuzz_null_file();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TG_OPTS(tg_open_opts, opts, .base = base,
		.max_size = FUZZ_MAX_SIZE);
	TG_OPTS(tg_merge_opts, mopts, .module_only = true);
	struct tg_btf *mod, *merged;
	int err;

	if (!fuzz_is_raw_btf(data, size))
		return -1;
	err = tg_btf__open_mem(data, size, "fuzz_mod", &opts, &mod);
	fuzz_check_err(err);
	if (err)
		return 0;
	fuzz_check_err(tg_btf__write_raw(mod, sink, NULL));
	err = tg_btf__merge(base, &mod, 1, &mopts, &merged);
	fuzz_check_err(err);
	if (!err)
		tg_btf__free(merged);
	tg_btf__free(mod);
	return 0;
}
