// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* typegen dump - write the kernel's types as a C header. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "main.h"

void help_dump(FILE *out)
{
	fprintf(out,
		"Usage: %s dump [-i PATH] [--release R] [--sysroot DIR] [--from-dwarf]\n"
		"                    [-o FILE] [--unsorted]\n"
		"       %s dump [-i PATH] [--base PATH] [--module PATH]... [--module-only] [-o FILE]\n"
		"\n"
		"Write the kernel's types as a C header (vmlinux.h), to standard\n"
		"output or to FILE. Without -i the types are found as typegen(1)\n"
		"describes: REDBPF_VMLINUX, else the usual places for release R.\n"
		"With kernel modules, the header holds the kernel's types and the\n"
		"modules', deduplicated, or with --module-only what the modules add.\n"
		"\n"
		"Options:\n"
		"  -i, --input PATH   read the types from PATH: raw BTF, an ELF file\n"
		"                     with .BTF (vmlinux, a module's .ko), a vmlinuz,\n"
		"                     a btfhub .tar.xz, any of them compressed, or an\n"
		"                     ELF file with DWARF (a -dbg vmlinux, a .debug\n"
		"                     file); overrides REDBPF_VMLINUX\n"
		"      --from-dwarf   read an ELF file's DWARF even if it has .BTF\n"
		"                     (without: DWARF only when there is no .BTF)\n"
		"      --base PATH    the kernel's types, for a module's -i or --module\n"
		"                     (default: found as without -i)\n"
		"      --module PATH  also a kernel module's types (repeatable)\n"
		"      --module-only  only what the modules add, with the kernel's\n"
		"                     types they need\n"
		"      --release R    kernel release in the probed paths (default:\n"
		"                     the running kernel's, uname -r)\n"
		"      --sysroot DIR  look for the probed paths under DIR (default: /)\n"
		"  -o, --output FILE  write FILE instead of standard output; FILE is\n"
		"                     replaced only once the whole header is written\n"
		"      --unsorted     keep BTF type id order instead of sorting by\n"
		"                     kind and name\n"
		"\n", prog_name, prog_name);
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
		{ "base",	required_argument,	NULL, OPT_BASE },
		{ "module",	required_argument,	NULL, OPT_MODULE },
		{ "module-only", no_argument,		NULL, OPT_MODULE_ONLY },
		{ 0 },
	};
	struct input_args args = { .merge = true };
	struct tg_c_dumper *d = NULL;
	struct inputs in = {};
	const char *output = NULL;
	bool unsorted = false;
	int c, err, ret = EXIT_USAGE;

	/* Every --module fits in argv's room. */
	args.modules = calloc(argc, sizeof(*args.modules));
	if (!args.modules) {
		p_err_code(NULL, -ENOMEM);
		return EXIT_ERR;
	}

	while ((c = getopt_long(argc, argv, ":" COMMON_SHORT_OPTS
				LOCATE_SHORT_OPTS "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			if (check_nonempty("--output", "dump") == OPT_BAD)
				goto out;
			continue;
		case OPT_UNSORTED:
			unsorted = true;
			continue;
		case OPT_BASE:
			args.base = optarg;
			if (check_nonempty("--base", "dump") == OPT_BAD)
				goto out;
			continue;
		case OPT_MODULE:
			args.modules[args.module_cnt++] = optarg;
			if (check_nonempty("--module", "dump") == OPT_BAD)
				goto out;
			continue;
		case OPT_MODULE_ONLY:
			args.module_only = true;
			continue;
		}
		switch (parse_common_opt(c, argv, "dump", &args.loc)) {
		case OPT_HANDLED:
			continue;
		case OPT_HELP:
			ret = EXIT_OK;
			goto out;
		case OPT_BAD:
		case OPT_UNKNOWN:
			goto out;
		}
	}
	if (optind < argc) {
		ret = usage_extra_arg("dump", argv[optind]);
		goto out;
	}
	if (args.base && !args.loc.path && !args.module_cnt) {
		p_err(NULL, "option '--base' is the base of a module: give the module with -i or --module; try '%s dump --help'",
		      prog_name);
		goto out;
	}
	if (args.module_only && !args.loc.path && !args.module_cnt) {
		p_err(NULL, "option '--module-only' needs a module (-i or --module); try '%s dump --help'",
		      prog_name);
		goto out;
	}

	ret = EXIT_ERR;
	if (load_inputs(&args, &in))
		goto out;
	{
		TG_OPTS(tg_c_opts, copts, .unsorted = unsorted);

		err = tg_c_dumper__new(in.result, &copts, &d);
	}
	if (err) {
		p_err_code(in.name, err);
		goto out;
	}
	if (!write_output(d, output))
		ret = EXIT_OK;
out:
	tg_c_dumper__free(d);
	free_inputs(&in);
	free(args.modules);
	return ret;
}
