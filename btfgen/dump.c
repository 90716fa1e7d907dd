// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* typegen dump - write the kernel's types as a C header. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"

void help_dump(FILE *out)
{
	fprintf(out,
		"Usage: %s dump [-i PATH] [--release R] [--sysroot DIR] [--from-dwarf]\n"
		"                    [--arch ARCH] [-o FILE] [--unsorted]\n"
		"       %s dump [-i PATH] [--base PATH] [--module PATH]... [--module-only] [-o FILE]\n"
		"       %s dump [-i PATH] -t TYPE... [--pointee fwd|full] [-o FILE]\n"
		"       %s dump [-i PATH] --for PROG.bpf.c... [-o FILE] [-- CFLAGS...]\n"
		"\n"
		"Write the kernel's types as a C header (vmlinux.h), to standard\n"
		"output or to FILE. Without -i the types are found as typegen(1)\n"
		"describes: REDBPF_VMLINUX, else the usual places for release R.\n"
		"With kernel modules, the header holds the kernel's types and the\n"
		"modules', deduplicated, or with --module-only what the modules add.\n"
		"With -t or --for, it holds only the types asked for or used, and\n"
		"what they need to compile.\n"
		"\n"
		"Options:\n"
		"  -i, --input PATH   read the types from PATH: raw BTF, an ELF file\n"
		"                     with .BTF (vmlinux, a module's .ko), a vmlinuz,\n"
		"                     a btfhub .tar.xz, any of them compressed, or an\n"
		"                     ELF file with DWARF (a -dbg vmlinux, a .debug\n"
		"                     file); overrides REDBPF_VMLINUX\n"
		"      --from-dwarf   read an ELF file's DWARF even if it has .BTF\n"
		"                     (without: DWARF only when there is no .BTF)\n"
		"      --arch ARCH    the machine the types are from, where the input\n"
		"                     cannot say (raw BTF): x86_64, i386, arm64, arm,\n"
		"                     ppc64, s390x, riscv64...; the header's layouts\n"
		"                     follow that machine's C ABI\n"
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
		"  -t, --type TYPE    only TYPE and what it needs (repeatable): 'struct\n"
		"                     NAME', 'union NAME', 'enum NAME', or NAME (a\n"
		"                     typedef, tag or kfunc); shell globs ('bpf_*')\n"
		"      --pointee MODE what pointers pull in: fwd (default), a\n"
		"                     forward declaration; full, the definition\n"
		"      --for FILE     only what the BPF program FILE uses\n"
		"                     (repeatable); it is compiled with clang\n"
		"                     ($CLANG, else clang-19 or clang) and the\n"
		"                     CFLAGS after --\n"
		"\n", prog_name, prog_name, prog_name, prog_name);
	help_global_options(out);
}

static int write_header(FILE *out, void *ctx)
{
	return tg_c_dumper__dump(ctx, out);
}

/* A library code (not an errno) is about the input, not the writing. */
static bool is_input_error(int err)
{
	return -err >= __TG_ERRNO__START && -err < __TG_ERRNO__END;
}

/*
 * Write the header to @output (atomically) or to stdout; errors name
 * @output, or @input for what its types turn out to hold.
 */
static int write_output(struct tg_c_dumper *d, const char *output,
			const char *input)
{
	int err;

	if (output) {
		err = tg_write_file_atomic(output, write_header, d);
		if (err)
			p_err_code(is_input_error(err) ? input : output, err);
		return err;
	}

	err = tg_c_dumper__dump(d, stdout);
	/* Data still in the buffer can fail to be written, too. */
	if (fflush(stdout) && !err)
		err = -errno;
	if (err)
		p_err_code(is_input_error(err) ? input : "standard output",
			   err);
	return err;
}

/* What dump selects: -t patterns, --for programs and their flags. */
struct selection {
	const char **types;
	size_t type_cnt;
	const char **fors;
	size_t for_cnt;
	char **cflags;
	size_t cflag_cnt;
	enum tg_pointee pointee;
};

static void print_src_note(void *ctx, enum tg_src_note_kind kind,
			   const char *src, const char *text)
{
	(void)ctx;
	switch (kind) {
	case TG_SRC_NOTE_UNKNOWN_TAG:
		fprintf(stderr, "%s: %s: warning: %s is named but not in the kernel's types\n",
			prog_name, src, text);
		break;
	case TG_SRC_NOTE_UNKNOWN_NAME:
		p_err(src, "'%s' is not in the kernel's types", text);
		break;
	case TG_SRC_NOTE_COMPILER:
		fprintf(stderr, "%s\n", text);
		break;
	}
}

static int select_types(struct tg_c_dumper *d, const struct selection *sel,
			const char *input)
{
	size_t i;
	int err;

	for (i = 0; i < sel->type_cnt; i++) {
		err = tg_c_dumper__select(d, sel->types[i]);
		if (err == -TG_ERRNO__NOMATCH) {
			p_err(input, "no type matches '%s'", sel->types[i]);
			return err;
		}
		if (err < 0) {
			p_err_code(input, err);
			return err;
		}
	}
	if (sel->for_cnt) {
		TG_OPTS(tg_src_opts, sopts,
			.clang = getenv("CLANG"),
			.cflags = (const char *const *)sel->cflags,
			.cflag_cnt = sel->cflag_cnt,
			.note = print_src_note);

		err = tg_c_dumper__select_sources(d, sel->fors, sel->for_cnt,
						  &sopts);
		if (err) {
			p_err_code(sel->for_cnt == 1 ? sel->fors[0] : "--for",
				   err);
			return err;
		}
	}
	return 0;
}

static int parse_pointee(const char *arg, enum tg_pointee *p)
{
	if (!strcmp(arg, "fwd"))
		*p = TG_POINTEE_FWD;
	else if (!strcmp(arg, "full"))
		*p = TG_POINTEE_FULL;
	else
		return -EINVAL;
	return 0;
}

int do_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTS,
		LOCATE_LONG_OPTS,
		INPUT_ARCH_LONG_OPT,
		{ "output",	required_argument,	NULL, 'o' },
		{ "unsorted",	no_argument,		NULL, OPT_UNSORTED },
		{ "base",	required_argument,	NULL, OPT_BASE },
		{ "module",	required_argument,	NULL, OPT_MODULE },
		{ "module-only", no_argument,		NULL, OPT_MODULE_ONLY },
		{ "type",	required_argument,	NULL, 't' },
		{ "pointee",	required_argument,	NULL, OPT_POINTEE },
		{ "for",	required_argument,	NULL, OPT_FOR },
		{ 0 },
	};
	struct input_args args = { .merge = true };
	struct selection sel = {};
	struct tg_c_dumper *d = NULL;
	struct inputs in = {};
	const char *output = NULL;
	bool unsorted = false;
	int c, err, ret = EXIT_USAGE;

	/* Every --module, -t and --for fits in argv's room. */
	args.modules = calloc(argc, sizeof(*args.modules));
	sel.types = calloc(argc, sizeof(*sel.types));
	sel.fors = calloc(argc, sizeof(*sel.fors));
	if (!args.modules || !sel.types || !sel.fors) {
		p_err_code(NULL, -ENOMEM);
		ret = EXIT_ERR;
		goto out;
	}

	while ((c = getopt_long(argc, argv, ":" COMMON_SHORT_OPTS
				LOCATE_SHORT_OPTS "o:t:", opts, NULL)) != -1) {
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
		case 't':
			sel.types[sel.type_cnt++] = optarg;
			if (check_nonempty("--type", "dump") == OPT_BAD)
				goto out;
			continue;
		case OPT_FOR:
			sel.fors[sel.for_cnt++] = optarg;
			if (check_nonempty("--for", "dump") == OPT_BAD)
				goto out;
			continue;
		case OPT_POINTEE:
			if (parse_pointee(optarg, &sel.pointee)) {
				p_err(NULL, "option '--pointee' takes fwd or full, not '%s'; try '%s dump --help'",
				      optarg, prog_name);
				goto out;
			}
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
		/* after --, the flags the --for programs are built with */
		if (!sel.for_cnt || strcmp(argv[optind - 1], "--")) {
			ret = usage_extra_arg("dump", argv[optind]);
			goto out;
		}
		sel.cflags = argv + optind;
		sel.cflag_cnt = argc - optind;
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
		TG_OPTS(tg_c_opts, copts, .unsorted = unsorted,
			.pointee = sel.pointee);

		err = tg_c_dumper__new(in.result, &copts, &d);
	}
	if (err) {
		p_err_code(in.name, err);
		goto out;
	}
	if (select_types(d, &sel, in.name))
		goto out;
	if (!write_output(d, output, in.name))
		ret = EXIT_OK;
out:
	tg_c_dumper__free(d);
	free_inputs(&in);
	free(args.modules);
	free(sel.types);
	free(sel.fors);
	return ret;
}
