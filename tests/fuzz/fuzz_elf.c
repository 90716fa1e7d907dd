// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ELF files with a .BTF section (vmlinux, .ko, BPF objects): the ELF
 * header and section table checks, .BTF itself, the build ID note. An ELF
 * without .BTF goes on to DWARF, which fuzz_dwarf covers in depth.
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
	const unsigned char *id;
	struct tg_btf *btf;
	size_t id_sz;
	int err;

	if (!fuzz_is_elf(data, size))
		return -1;
	err = tg_btf__open_mem(data, size, "fuzz.o", &opts, &btf);
	fuzz_check_err(err);
	if (err)
		return 0;
	id = tg_btf__build_id(btf, &id_sz);
	if (id && (id_sz == 0 || id_sz > 64))
		abort();
	tg_btf__free(btf);
	return 0;
}
