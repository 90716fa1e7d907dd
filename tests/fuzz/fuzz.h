/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the libFuzzer harnesses share. Each tests/fuzz/fuzz_*.c defines
 * LLVMFuzzerTestOneInput() (and LLVMFuzzerInitialize() if it needs a base
 * or kernel loaded once). Built with clang -fsanitize=fuzzer it is a fuzzer
 * (make fuzz); linked with replay.c instead it runs the given files once
 * each, which is how the normal suite replays the regression inputs kept
 * under tests/fixtures/fuzz/<harness>/.
 *
 * Beyond "no crash, no leak, no hang", every harness checks what the
 * library promises of a failure: a negative code that tg_strerror() knows.
 */
#ifndef __TG_FUZZ_H
#define __TG_FUZZ_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "typegen.h"

/*
 * Decompressed layers are capped far below the 1 GiB default so that a
 * bomb is caught in a few milliseconds and the fuzzer's RSS limit is never
 * the one that stops it; the limit itself is what is being tested.
 */
#define FUZZ_MAX_SIZE (16UL << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline int fuzz_silent(enum libbpf_print_level level,
			      const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

/* libbpf's own warnings about bad input would flood the fuzzer's log. */
static inline void fuzz_quiet(void)
{
	libbpf_set_print(fuzz_silent);
}

/* A failure the library reports must be a code it can put in words. */
static inline void fuzz_check_err(int err)
{
	char msg[256];

	if (err > 0)
		return;
	if (err < 0 && tg_strerror(err, msg, sizeof(msg)) == 0)
		return;
	if (err == 0)
		return;
	fprintf(stderr, "fuzz: library returned unknown error %d\n", err);
	abort();
}

static inline bool fuzz_has_prefix(const uint8_t *data, size_t size,
				   const void *magic, size_t len)
{
	return size >= len && !memcmp(data, magic, len);
}

static inline bool fuzz_is_elf(const uint8_t *data, size_t size)
{
	return fuzz_has_prefix(data, size, "\177ELF", 4);
}

/* Raw BTF starts with 0xeb9f in either byte order. */
static inline bool fuzz_is_raw_btf(const uint8_t *data, size_t size)
{
	return fuzz_has_prefix(data, size, "\x9f\xeb", 2) ||
	       fuzz_has_prefix(data, size, "\xeb\x9f", 2);
}

/* The kernel BTF a harness needs, loaded once: $TG_FUZZ_<what> or @def. */
static inline struct tg_btf *fuzz_load_kernel(const char *env,
					      const char *def)
{
	const char *path = getenv(env);
	struct tg_btf *btf;
	char msg[256];
	int err;

	if (!path || !*path)
		path = def;
	err = tg_btf__open(path, NULL, &btf);
	if (err) {
		tg_strerror(err, msg, sizeof(msg));
		fprintf(stderr, "fuzz: %s: %s (set %s)\n", path, msg, env);
		exit(2);
	}
	return btf;
}

/* A sink for output that is produced only to be checked for crashes. */
static inline FILE *fuzz_null_file(void)
{
	FILE *f = fopen("/dev/null", "w");

	if (!f) {
		perror("fuzz: /dev/null");
		exit(2);
	}
	return f;
}

#endif /* __TG_FUZZ_H */
