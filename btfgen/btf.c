// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen btf - write the kernel's types as raw BTF, the format of
 * /sys/kernel/btf/, from any input: a vmlinuz, a btfhub archive, a .ko...
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "main.h"

void help_btf(FILE *out)
{
	fprintf(out,
		"Usage: %s btf [-i PATH] [--base PATH] [--release R] [--sysroot DIR]\n"
		"                   [--from-dwarf] [-o FILE] [--endian little|big|native]\n"
		"\n"
		"Write the kernel's types as raw BTF, as the kernel gives them in\n"
		"/sys/kernel/btf/, to FILE or to standard output (not a terminal).\n"
		"The input is any that dump reads: a vmlinuz, a btfhub .tar.xz, a\n"
		"compressed ELF file... A kernel module's BTF is written as split\n"
		"BTF on its base, as /sys/kernel/btf/MODULE is. An ELF file without\n"
		"BTF (an old or vendor kernel's -dbg vmlinux) has its DWARF converted,\n"
		"as pahole -J would, only faster.\n"
		"\n"
		"Options:\n"
		"  -i, --input PATH   read the types from PATH (see typegen dump);\n"
		"                     overrides REDBPF_VMLINUX\n"
		"      --from-dwarf   read an ELF file's DWARF even if it has .BTF\n"
		"      --btf-features LIST  conventions of BTF from DWARF (default: the\n"
		"                     input kernel version's; see typegen(1))\n"
		"      --base PATH    the kernel's types, if PATH is a module's\n"
		"                     (default: found as without -i)\n"
		"      --release R    kernel release in the probed paths (default:\n"
		"                     the running kernel's, uname -r)\n"
		"      --sysroot DIR  look for the probed paths under DIR (default: /)\n"
		"  -o, --output FILE  write FILE instead of standard output; FILE is\n"
		"                     replaced only once all of it is written\n"
		"      --endian ORDER byte order: little, big or native (default: the\n"
		"                     input's)\n"
		"\n", prog_name);
	help_global_options(out);
}

struct raw_ctx {
	const struct tg_btf *btf;
	enum tg_byte_order order;
};

static int write_raw(FILE *out, void *arg)
{
	const struct raw_ctx *ctx = arg;
	TG_OPTS(tg_raw_opts, opts, .byte_order = ctx->order);

	return tg_btf__write_raw(ctx->btf, out, &opts);
}

static int parse_endian(const char *s, enum tg_byte_order *order)
{
	if (!strcmp(s, "little"))
		*order = TG_BYTE_ORDER_LITTLE;
	else if (!strcmp(s, "big"))
		*order = TG_BYTE_ORDER_BIG;
	else if (!strcmp(s, "native"))
		*order = TG_BYTE_ORDER_NATIVE;
	else
		return -EINVAL;
	return 0;
}

static int output(const struct raw_ctx *ctx, const char *path)
{
	int err = write_output_file(path, write_raw, (void *)ctx);

	if (err)
		p_err_code(path ?: "standard output", err);
	return err;
}

int do_btf(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTS,
		LOCATE_LONG_OPTS,
		{ "output",	required_argument,	NULL, 'o' },
		{ "base",	required_argument,	NULL, OPT_BASE },
		{ "endian",	required_argument,	NULL, OPT_ENDIAN },
		{ 0 },
	};
	struct raw_ctx ctx = { .order = TG_BYTE_ORDER_INPUT };
	struct input_args args = {};
	struct inputs in = {};
	const char *path = NULL;
	int c, ret = EXIT_ERR;

	while ((c = getopt_long(argc, argv, ":" COMMON_SHORT_OPTS
				LOCATE_SHORT_OPTS "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			path = optarg;
			if (check_nonempty("--output", "btf") == OPT_BAD)
				return EXIT_USAGE;
			continue;
		case OPT_BASE:
			args.base = optarg;
			if (check_nonempty("--base", "btf") == OPT_BAD)
				return EXIT_USAGE;
			continue;
		case OPT_ENDIAN:
			if (parse_endian(optarg, &ctx.order)) {
				p_err(NULL, "option '--endian' takes little, big or native, not '%s'",
				      optarg);
				return EXIT_USAGE;
			}
			continue;
		}
		switch (parse_common_opt(c, argv, "btf", &args.loc)) {
		case OPT_HANDLED:
			continue;
		case OPT_HELP:
			return EXIT_OK;
		case OPT_BAD:
		case OPT_UNKNOWN:
			return EXIT_USAGE;
		}
	}
	if (reject_json("btf"))
		return EXIT_USAGE;
	if (optind < argc)
		return usage_extra_arg("btf", argv[optind]);
	if (args.base && !args.loc.path) {
		p_err(NULL, "option '--base' is the base of a module: give the module with -i; try '%s btf --help'",
		      prog_name);
		return EXIT_USAGE;
	}
	/* Binary data would only garble the terminal. */
	if (!path && isatty(STDOUT_FILENO)) {
		p_err(NULL, "raw BTF is binary: not written to a terminal; use -o FILE or redirect");
		return EXIT_USAGE;
	}

	if (!load_inputs(&args, &in)) {
		ctx.btf = in.result;
		if (!output(&ctx, path))
			ret = EXIT_OK;
	}
	free_inputs(&in);
	return ret;
}
