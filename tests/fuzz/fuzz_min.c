// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * BPF objects for `typegen min`: their .BTF, .BTF.ext and CO-RE records,
 * resolved against a kernel ($TG_FUZZ_KERNEL, the suite's 6.18 vmlinux
 * BTF by default), and the minimized BTF written out.
 *
 * tg_min__add_object() reads a path, so the input goes through a memfd.
 */
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz.h"

#ifndef TG_FUZZ_KERNEL
#define TG_FUZZ_KERNEL "build/fixtures/vmlinux-6.18.44.btf"
#endif

static struct tg_btf *kernel;
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	kernel = fuzz_load_kernel("TG_FUZZ_KERNEL", TG_FUZZ_KERNEL);
	sink = fuzz_null_file();
	return 0;
}

static int memfd_with(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz.bpf.o", MFD_CLOEXEC);
	size_t off = 0;
	ssize_t n;

	if (fd < 0)
		abort();
	while (off < size) {
		n = write(fd, data + off, size - off);
		if (n <= 0)
			abort();
		off += n;
	}
	return fd;
}

static void check_result(const struct tg_min_result *res)
{
	const struct tg_min_relo *r;
	size_t i, n = tg_min_result__relo_cnt(res);

	for (i = 0; i < n; i++) {
		r = tg_min_result__relo(res, i);
		if (!r || !r->section || !r->spec ||
		    !tg_relo_kind__str(r->kind))
			abort();
		if (r->status == TG_RELO_ERROR)
			fuzz_check_err(r->err);
	}
	if (tg_min_result__verdict(res, 0) > TG_MIN_FAILS)
		abort();
	fuzz_check_err(tg_min_result__write(res, sink));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tg_min_result *res;
	struct tg_min *m;
	char path[64];
	int fd, err;

	if (!fuzz_is_elf(data, size))
		return -1;
	fd = memfd_with(data, size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (tg_min__new(NULL, &m))
		abort();
	err = tg_min__add_object(m, path);
	fuzz_check_err(err);
	if (!err) {
		err = tg_min__run(m, kernel, NULL, 0, &res);
		fuzz_check_err(err);
		if (!err) {
			check_result(res);
			tg_min_result__free(res);
		}
	}
	tg_min__free(m);
	close(fd);
	return 0;
}
