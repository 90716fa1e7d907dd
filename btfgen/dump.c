// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* typegen dump - write the kernel's types as a C header. */
#include <errno.h>
#include <stdio.h>

#include "main.h"

/*
 * A header is a few MB written in many small pieces: one large buffer
 * turns that into a handful of write(2) calls.
 */
static char stdout_buf[1 << 20];

void help_dump(FILE *out)
{
	fprintf(out,
		"Usage: %s dump [-i PATH] [--release R] [--sysroot DIR] [-o FILE] [--unsorted]\n"
		"\n"
		"Write the kernel's types as a C header (vmlinux.h), to standard\n"
		"output or to FILE. Without -i the types are found as typegen(1)\n"
		"describes: REDBPF_VMLINUX, else the usual places for release R.\n"
		"\n"
		"Options:\n"
		"  -i, --input PATH   read the types from PATH (raw BTF, or ELF with\n"
		"                     a .BTF section); overrides REDBPF_VMLINUX\n"
		"      --release R    kernel release in the probed paths (default:\n"
		"                     the running kernel's, uname -r)\n"
		"      --sysroot DIR  look for the probed paths under DIR (default: /)\n"
		"  -o, --output FILE  write FILE instead of standard output; FILE is\n"
		"                     replaced only once the whole header is written\n"
		"      --unsorted     keep BTF type id order instead of sorting by\n"
		"                     kind and name\n"
		"\n", prog_name);
	help_global_options(out);
}

static int write_header(FILE *out, void *ctx)
{
	return tg_c_dumper__dump(ctx, out);
}

/* Write the header to @output (atomically) or to stdout. */
static int write_output(struct tg_c_dumper *d, const char *output)
{
	int err;

	if (output) {
		err = tg_write_file_atomic(output, write_header, d);
		if (err)
			p_err_code(output, err);
		return err;
	}

	err = tg_c_dumper__dump(d, stdout);
	/* Data still in the buffer can fail to be written, too. */
	if (fflush(stdout) && !err)
		err = -errno;
	if (err)
		p_err_code("standard output", err);
	return err;
}

int do_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTS,
		LOCATE_LONG_OPTS,
		{ "output",	required_argument,	NULL, 'o' },
		{ "unsorted",	no_argument,		NULL, OPT_UNSORTED },
		{ 0 },
	};
	struct locate_args args = {};
	struct tg_c_dumper *d = NULL;
	struct tg_locator *loc = NULL;
	struct tg_btf *btf = NULL;
	const char *output = NULL;
	bool unsorted = false;
	int c, err, ret = EXIT_ERR;

	setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));

	while ((c = getopt_long(argc, argv, ":" COMMON_SHORT_OPTS
				LOCATE_SHORT_OPTS "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			if (check_nonempty("--output", "dump") == OPT_BAD)
				return EXIT_USAGE;
			continue;
		case OPT_UNSORTED:
			unsorted = true;
			continue;
		}
		switch (parse_common_opt(c, argv, "dump", &args)) {
		case OPT_HANDLED:
			continue;
		case OPT_HELP:
			return EXIT_OK;
		case OPT_BAD:
		case OPT_UNKNOWN:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_extra_arg("dump", argv[optind]);

	loc = new_locator(&args);
	if (!loc)
		goto out;
	err = tg_locator__load(loc, &btf);
	if (err) {
		p_err_load(loc, err);
		goto out;
	}

	{
		TG_OPTS(tg_c_opts, copts, .unsorted = unsorted);

		err = tg_c_dumper__new(btf, &copts, &d);
	}
	if (err) {
		p_err_code(tg_btf__path(btf), err);
		goto out;
	}
	if (!write_output(d, output))
		ret = EXIT_OK;
out:
	tg_c_dumper__free(d);
	tg_btf__free(btf);
	tg_locator__free(loc);
	return ret;
}
