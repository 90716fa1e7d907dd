// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * replay FILE... - run a harness once on each file, without libFuzzer:
 * how the normal (and sanitized) test suite replays the inputs the fuzzers
 * found. Exits 0 if every input ran; a crash is the sanitizers' to report.
 * Prints "replayed N, accepted M": inputs the harness did not turn away
 * as another harness's format. Each input is handed over ending right
 * before an unmapped page, so that reading past it crashes here too.
 */
#include <stdio.h>
#include <stdlib.h>
#include "fuzz.h"
#include "guard.h"

static void *read_whole(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *nbuf;
	size_t cap = 0, n;

	if (!f)
		return NULL;
	*size = 0;
	for (;;) {
		if (*size == cap) {
			cap = cap ? cap * 2 : 65536;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				goto fail;
			buf = nbuf;
		}
		n = fread(buf + *size, 1, cap - *size, f);
		if (!n)
			break;
		*size += n;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

int main(int argc, char **argv)
{
	int i, accepted = 0;
	struct guarded g;
	size_t size;
	void *data;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		data = read_whole(argv[i], &size);
		if (!data) {
			perror(argv[i]);
			return 1;
		}
		/* Ending at a guard page: an over-read faults, sanitizer or not. */
		if (guarded_copy(data, size, &g)) {
			perror("mmap");
			return 1;
		}
		free(data);
		if (LLVMFuzzerTestOneInput(g.data, size) == 0)
			accepted++;
		guarded_free(&g);
	}
	printf("replayed %d, accepted %d\n", argc - 1, accepted);
	return 0;
}
