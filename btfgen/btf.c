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

static int output(const struct raw_ctx *ctx, const char *path)
{
	int err = write_output_file(path, write_raw, (void *)ctx);

	if (err)
		p_err_code(path ?: "standard output", err);
	return err;
}

struct btf_args {
	struct input_args in;
	const char *output;	/* -o FILE */
	enum tg_byte_order order;
};

static const struct cmd_opt btf_opts[] = {
	OPTION_INPUT("read the types from PATH (see typegen dump);\n"
		     "overrides REDBPF_VMLINUX", struct btf_args, in.loc),
	OPTION_FROM_DWARF(HELP_FROM_DWARF, struct btf_args, in.loc),
	OPTION_BTF_FEATURES(HELP_BTF_FEATURES, struct btf_args, in.loc),
	OPTION_BASE("the kernel's types, if PATH is a module's\n"
		    "(default: found as without -i)", struct btf_args, in),
	OPTION_RELEASE("kernel release in the probed paths (default:\n"
		       "the running kernel's, uname -r)", struct btf_args,
		       in.loc),
	OPTION_SYSROOT("look for the probed paths under DIR (default: /)",
		       struct btf_args, in.loc),
	OPTION_STR("output", 'o', "FILE",
		   "write FILE instead of standard output; FILE is\n"
		   "replaced only once all of it is written",
		   struct btf_args, output),
	OPTION_CHOICE("endian", "ORDER",
		      "byte order: little, big or native (default: the\n"
		      "input's)", struct btf_args, order,
		      { "little", TG_BYTE_ORDER_LITTLE },
		      { "big", TG_BYTE_ORDER_BIG },
		      { "native", TG_BYTE_ORDER_NATIVE }),
	{ 0 },
};

static int do_btf(int argc, char **argv)
{
	struct btf_args a = { .order = TG_BYTE_ORDER_INPUT };
	struct raw_ctx ctx = {};
	struct inputs in = {};
	int ret = parse_opts(&cmd_btf, argc, argv, &a);

	if (ret)
		return ret == PARSE_HELP ? EXIT_OK : ret;
	ret = EXIT_ERR;
	if (optind < argc)
		return usage_extra_arg("btf", argv[optind]);
	if (a.in.base && !a.in.loc.path) {
		p_err(NULL, "option '--base' is the base of a module: give the module with -i; try '%s btf --help'",
		      prog_name);
		return EXIT_USAGE;
	}
	/* Binary data would only garble the terminal. */
	if (!a.output && isatty(STDOUT_FILENO)) {
		p_err(NULL, "raw BTF is binary: not written to a terminal; use -o FILE or redirect");
		return EXIT_USAGE;
	}

	if (!load_inputs(&a.in, &in)) {
		ctx.btf = in.result;
		ctx.order = a.order;
		if (!output(&ctx, a.output))
			ret = EXIT_OK;
	}
	free_inputs(&in);
	return ret;
}

const struct cmd cmd_btf = {
	.name = "btf",
	.summary = "write the kernel's types as raw BTF, as in /sys/kernel/btf",
	.run = do_btf,
	.usage = (const char *const []){
		"[-i PATH] [--base PATH] [--release R] [--sysroot DIR]\n"
		"[--from-dwarf] [-o FILE] [--endian little|big|native]",
		NULL,
	},
	.about =
		"Write the kernel's types as raw BTF, as the kernel gives them in\n"
		"/sys/kernel/btf/, to FILE or to standard output (not a terminal).\n"
		"The input is any that dump reads: a vmlinuz, a btfhub .tar.xz, a\n"
		"compressed ELF file... A kernel module's BTF is written as split\n"
		"BTF on its base, as /sys/kernel/btf/MODULE is. An ELF file without\n"
		"BTF (an old or vendor kernel's -dbg vmlinux) has its DWARF converted,\n"
		"as pahole -J would, only faster.\n",
	.opts = btf_opts,
	.not_json = "raw BTF",
};
