// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A BPF object's .BTF and .BTF.ext, parsed from memory as `typegen min`
 * parses the objects it is given: the CO-RE records, their sections and
 * the instructions they point at. libelf reads the object in place, so an
 * over-read of a section at the end of the input reaches past the buffer
 * (the replay puts a guard page there; libFuzzer's buffer is ASan's).
 */
#include "fuzz.h"
#include "core/core_relo.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tg_core_obj obj;
	size_t i;
	int err;

	if (!fuzz_is_elf(data, size))
		return -1;
	err = tg_core_obj_load_mem(data, size, "fuzz.bpf.o", &obj);
	fuzz_check_err(err);
	if (err)
		return 0;
	for (i = 0; i < obj.rec_cnt; i++)
		if (!obj.recs[i].sec)
			abort();
	tg_core_obj_free(&obj);
	return 0;
}
