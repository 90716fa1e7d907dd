// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * btf_dump_ref FILE - the baseline typegen is measured against: libbpf's
 * btf_dump over every type, with the preamble bpftool prints, written to a
 * fully buffered stdout. It is what `bpftool btf dump file FILE format c`
 * does minus bpftool's own overhead, so the comparison is with libbpf's
 * emitter itself.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

static char out_buf[1 << 20];

static void print_fn(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

static int dump_all(const struct btf *btf, FILE *out)
{
	struct btf_dump *d;
	__u32 id, n;
	int err = 0;

	d = btf_dump__new(btf, print_fn, out, NULL);
	if (!d)
		return -errno;

	fprintf(out, "#ifndef __VMLINUX_H__\n");
	fprintf(out, "#define __VMLINUX_H__\n");
	fprintf(out, "\n");
	fprintf(out, "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n");
	fprintf(out, "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n");
	fprintf(out, "#endif\n\n");

	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		err = btf_dump__dump_type(d, id);
		if (err)
			break;
	}

	fprintf(out, "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n");
	fprintf(out, "#pragma clang attribute pop\n");
	fprintf(out, "#endif\n");
	fprintf(out, "\n");
	fprintf(out, "#endif /* __VMLINUX_H__ */\n");

	btf_dump__free(d);
	return err;
}

int main(int argc, char **argv)
{
	struct btf *btf;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));

	btf = btf__parse(argv[1], NULL);
	if (!btf) {
		err = -errno;
		fprintf(stderr, "btf_dump_ref: %s: %s\n", argv[1],
			strerror(-err));
		return 1;
	}
	err = dump_all(btf, stdout);
	btf__free(btf);
	if (fflush(stdout) && !err)
		err = -errno;
	if (err) {
		fprintf(stderr, "btf_dump_ref: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}
