// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The C header emitter fed with any BTF that loads: naming, ordering,
 * layout (padding, bitfields, packing), cycles, selections and single
 * declarations. A cycle no C order satisfies must come back as
 * -TG_ERRNO__CYCLE, never as unbounded recursion.
 *
 * Which way the header is made depends on the input's size, so that one
 * input is always handled the same way when replayed.
 */
#include <bpf/btf.h>
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

static void select_and_declare(struct tg_c_dumper *d, const struct btf *btf)
{
	__u32 id, n = btf__type_cnt(btf);
	char *text;
	int err;

	err = tg_c_dumper__select(d, "*");
	fuzz_check_err(err);
	fuzz_check_err(tg_c_dumper__find(d, "struct s", &id));
	/* The first types: hostile inputs are small. */
	for (id = 0; id < n && id < 64; id++) {
		err = tg_c_dumper__decl(d, id, "x", &text);
		fuzz_check_err(err);
		if (!err)
			free(text);
		tg_c_dumper__name(d, id);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TG_OPTS(tg_open_opts, oopts, .max_size = FUZZ_MAX_SIZE);
	TG_OPTS(tg_c_opts, copts, .unsorted = size & 1,
		.pointee = size & 2 ? TG_POINTEE_FULL : TG_POINTEE_FWD);
	struct tg_c_dumper *d;
	struct tg_btf *btf;
	int err;

	if (!fuzz_is_raw_btf(data, size))
		return -1;
	if (tg_btf__open_mem(data, size, "fuzz.btf", &oopts, &btf))
		return 0;
	err = tg_c_dumper__new(btf, &copts, &d);
	fuzz_check_err(err);
	if (!err) {
		if (size & 4)
			select_and_declare(d, tg_btf__btf(btf));
		fuzz_check_err(tg_c_dumper__dump(d, sink));
		tg_c_dumper__free(d);
	}
	tg_btf__free(btf);
	return 0;
}
