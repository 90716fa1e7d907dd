// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* typegen dump - write the kernel's types as a C header. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "main.h"

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
 * Write the header to @output (atomically) or to stdout, all or nothing;
 * errors name @output, or @input for what its types turn out to hold.
 */
static int write_output(struct tg_c_dumper *d, const char *output,
			const char *input)
{
	int err = write_output_file(output, write_header, d);

	if (err)
		p_err_code(is_input_error(err) ? input :
			   output ?: "standard output", err);
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
	const char *output;	/* -o FILE, or NULL for standard output */
	bool no_cache;
	unsigned int timeout;
	/* the direct cache: the arguments, and the input files */
	char *direct_key;
	const char **key_files;
	size_t key_file_cnt;
};

static void print_src_note(void *ctx, enum tg_src_note_kind kind,
			   const char *src, const char *text)
{
	const struct selection *sel = ctx;

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
	case TG_SRC_NOTE_NOT_KERNEL:
		p_err(src, "%s", text);
		break;
	case TG_SRC_NOTE_SHADOW:
		if (sel->output)
			p_err(src, "includes %s, not the header written to %s: remove it, or write the header there",
			      text, sel->output);
		else
			fprintf(stderr, "%s: %s: warning: includes %s, not this header\n",
				prog_name, src, text);
		break;
	}
}

/*
 * Where proven selections are kept: $TYPEGEN_CACHE_DIR (empty: nowhere),
 * else the XDG cache directory. The caller frees it.
 */
static char *cache_dir(void)
{
	const char *env = getenv("TYPEGEN_CACHE_DIR");
	char *dir = NULL;

	if (env)
		return *env ? strdup(env) : NULL;
	if ((env = getenv("XDG_CACHE_HOME")) && *env == '/') {
		if (asprintf(&dir, "%s/typegen", env) < 0)
			dir = NULL;
	} else if ((env = getenv("HOME")) && *env == '/') {
		if (asprintf(&dir, "%s/.cache/typegen", env) < 0)
			dir = NULL;
	}
	return dir;
}

/* Where the header goes, as a file to compare a vmlinux.h with. */
static const char *header_file(const char *output)
{
	struct stat st;

	if (output)
		return output;
	return !fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) ?
	       "/dev/stdout" : NULL;
}

/* What --for's library calls are given, from the arguments. */
static struct tg_src_opts src_opts(const struct selection *sel,
				   const char *cache)
{
	TG_OPTS(tg_src_opts, sopts,
		.clang = getenv("CLANG"),
		.cflags = (const char *const *)sel->cflags,
		.cflag_cnt = sel->cflag_cnt,
		.note = print_src_note,
		.note_ctx = (void *)sel,
		.header = header_file(sel->output),
		.cache_dir = cache,
		.timeout = sel->timeout,
		.direct_key = sel->direct_key,
		.key_files = sel->key_files,
		.key_file_cnt = sel->key_file_cnt);

	return sopts;
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
		char *cache = sel->no_cache ? NULL : cache_dir();
		struct tg_src_opts sopts = src_opts(sel, cache);

		err = tg_c_dumper__select_sources(d, sel->fors, sel->for_cnt,
						  &sopts);
		free(cache);
		if (err) {
			p_err_code(sel->for_cnt == 1 ? sel->fors[0] : "--for",
				   err);
			return err;
		}
	}
	return 0;
}

/*
 * What the direct cache's header depends on besides the programs: every
 * argument (options, the input files named, -o).
 */
static char *direct_key(int argc, char **argv)
{
	char *key = NULL;
	size_t len;
	FILE *f = open_memstream(&key, &len);
	int i;

	if (!f)
		return NULL;
	for (i = 0; i < argc; i++)
		fprintf(f, "%zu:%s", strlen(argv[i]), argv[i]);
	if (fclose(f)) {
		free(key);
		return NULL;
	}
	return key;
}

struct text {
	const char *p;
	size_t len;
};

static int write_text(FILE *out, void *ctx)
{
	const struct text *t = ctx;

	return fwrite(t->p, 1, t->len, out) == t->len ? 0 : -EIO;
}

/*
 * --for with the kernel's files named: the header a run proved, if nothing
 * it depends on has changed (the kernel's files are hashed, not loaded).
 * 1 if written, 0 to go the long way, or an error (reported).
 */
static int dump_direct(struct selection *sel, const struct input_args *args,
		       int argc, char **argv)
{
	char *cache = cache_dir();
	size_t i;
	struct text t;
	char *header = NULL;
	int err = 0;

	sel->key_files = calloc(args->module_cnt + 2, sizeof(*sel->key_files));
	sel->direct_key = direct_key(argc, argv);
	if (!cache || !sel->key_files || !sel->direct_key) {
		free(cache);
		return 0;
	}
	sel->key_files[sel->key_file_cnt++] = args->loc.path;
	if (args->base)
		sel->key_files[sel->key_file_cnt++] = args->base;
	for (i = 0; i < args->module_cnt; i++)
		sel->key_files[sel->key_file_cnt++] = args->modules[i];
	{
		struct tg_src_opts sopts = src_opts(sel, cache);

		err = tg_src_cache__lookup(sel->fors, sel->for_cnt, &sopts,
					   &header, &t.len);
	}
	free(cache);
	if (err <= 0) {
		if (err)
			p_err_code(NULL, err);
		return err;
	}
	t.p = header;
	err = write_output_file(sel->output, write_text, &t);
	if (err)
		p_err_code(sel->output ?: "standard output", err);
	free(header);
	return err ?: 1;
}

static enum opt_result opt_timeout(void *dst, const char *arg,
				   const char *cmd_name)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || !*arg || !v || v > 86400) {
		p_err(NULL, "option '--timeout' takes seconds, 1 to 86400, not '%s'; try '%s %s --help'",
		      arg, prog_name, cmd_name);
		return OPT_BAD;
	}
	*(unsigned int *)dst = v;
	return OPT_HANDLED;
}

struct dump_args {
	struct input_args in;
	struct selection sel;
	bool unsorted;
};

static const struct cmd_opt dump_opts[] = {
	OPTION_INPUT("read the types from PATH: raw BTF, an ELF file\n"
		     "with .BTF (vmlinux, a module's .ko), a vmlinuz,\n"
		     "a btfhub .tar.xz, any of them compressed, or an\n"
		     "ELF file with DWARF (a -dbg vmlinux, a .debug\n"
		     "file); overrides REDBPF_VMLINUX", struct dump_args, in.loc),
	OPTION_FROM_DWARF(HELP_FROM_DWARF "\n"
			  "(without: DWARF only when there is no .BTF)",
			  struct dump_args, in.loc),
	OPTION_BTF_FEATURES(HELP_BTF_FEATURES, struct dump_args, in.loc),
	OPTION_FN("arch", 0, "ARCH",
		  "the machine the types are from, where the input\n"
		  "cannot say (raw BTF): x86_64, i386, arm64, arm,\n"
		  "ppc64, s390x, riscv64...; the header's layouts\n"
		  "follow that machine's C ABI",
		  struct dump_args, in.loc.arch, opt_input_arch),
	OPTION_BASE("the kernel's types, for a module's -i or --module\n"
		    "(default: found as without -i)", struct dump_args, in),
	OPTION_MODULE("also a kernel module's types (repeatable)",
		      struct dump_args, in),
	OPTION_FLAG("module-only",
		    "only what the modules add, with the kernel's\n"
		    "types they need", struct dump_args, in.module_only),
	OPTION_RELEASE("kernel release in the probed paths (default:\n"
		       "the running kernel's, uname -r)", struct dump_args,
		       in.loc),
	OPTION_SYSROOT("look for the probed paths under DIR (default: /)",
		       struct dump_args, in.loc),
	OPTION_STR("output", 'o', "FILE",
		   "write FILE instead of standard output; FILE is\n"
		   "replaced only once the whole header is written",
		   struct dump_args, sel.output),
	OPTION_FLAG("unsorted",
		    "keep BTF type id order instead of sorting by\n"
		    "kind and name", struct dump_args, unsorted),
	OPTION_LIST("type", 't', "TYPE",
		    "only TYPE and what it needs (repeatable): 'struct\n"
		    "NAME', 'union NAME', 'enum NAME', or NAME (a\n"
		    "typedef, tag or kfunc); shell globs ('bpf_*')",
		    struct dump_args, sel.types, sel.type_cnt),
	OPTION_CHOICE("pointee", "MODE",
		      "what pointers pull in: fwd (default), a\n"
		      "forward declaration; full, the definition",
		      struct dump_args, sel.pointee,
		      { "fwd", TG_POINTEE_FWD }, { "full", TG_POINTEE_FULL }),
	OPTION_LIST("for", 0, "FILE",
		    "only what the BPF program FILE uses\n"
		    "(repeatable); it is compiled with clang\n"
		    "($CLANG, else clang-19 or clang) and the\n"
		    "CFLAGS after --", struct dump_args, sel.fors, sel.for_cnt),
	OPTION_FLAG("no-cache",
		    "prove the --for selection again, even for a\n"
		    "program unchanged since the last time\n"
		    "(cache: $TYPEGEN_CACHE_DIR, else\n"
		    "$XDG_CACHE_HOME/typegen, ~/.cache/typegen)",
		    struct dump_args, sel.no_cache),
	OPTION_FN("timeout", 0, "S",
		  "stop a compiler run of --for after S seconds\n"
		  "(default 60)", struct dump_args, sel.timeout, opt_timeout),
	{ 0 },
};

static int do_dump(int argc, char **argv)
{
	struct dump_args a = { .in = { .merge = true } };
	struct input_args *args = &a.in;
	struct selection *sel = &a.sel;
	struct tg_c_dumper *d = NULL;
	struct inputs in = {};
	int err, ret = parse_opts(&cmd_dump, argc, argv, &a);

	if (ret) {
		if (ret == PARSE_HELP)
			ret = EXIT_OK;
		goto out;
	}
	ret = EXIT_USAGE;
	if (optind < argc) {
		/* after --, the flags the --for programs are built with */
		if (!sel->for_cnt || strcmp(argv[optind - 1], "--")) {
			ret = usage_extra_arg("dump", argv[optind]);
			goto out;
		}
		sel->cflags = argv + optind;
		sel->cflag_cnt = argc - optind;
	}
	if (args->base && !args->loc.path && !args->module_cnt) {
		p_err(NULL, "option '--base' is the base of a module: give the module with -i or --module; try '%s dump --help'",
		      prog_name);
		goto out;
	}
	if (args->module_only && !args->loc.path && !args->module_cnt) {
		p_err(NULL, "option '--module-only' needs a module (-i or --module); try '%s dump --help'",
		      prog_name);
		goto out;
	}

	ret = EXIT_ERR;
	/* only with the kernel's files named: found, they are not known yet */
	if (sel->for_cnt && !sel->no_cache && args->loc.path) {
		err = dump_direct(sel, args, argc, argv);
		if (err) {
			ret = err > 0 ? EXIT_OK : EXIT_ERR;
			goto out;
		}
	}
	if (load_inputs(args, &in))
		goto out;
	{
		TG_OPTS(tg_c_opts, copts, .unsorted = a.unsorted,
			.pointee = sel->pointee);

		err = tg_c_dumper__new(in.result, &copts, &d);
	}
	if (err) {
		p_err_code(in.name, err);
		goto out;
	}
	if (select_types(d, sel, in.name))
		goto out;
	if (!write_output(d, sel->output, in.name))
		ret = EXIT_OK;
out:
	tg_c_dumper__free(d);
	free_inputs(&in);
	free(args->modules);
	free(sel->types);
	free(sel->fors);
	free(sel->direct_key);
	free(sel->key_files);
	return ret;
}

const struct cmd cmd_dump = {
	.name = "dump",
	.summary = "write the kernel's types as a C header (vmlinux.h)",
	.run = do_dump,
	.usage = (const char *const []){
		"[-i PATH] [--release R] [--sysroot DIR] [--from-dwarf]\n"
		"[--arch ARCH] [-o FILE] [--unsorted]",
		"[-i PATH] [--base PATH] [--module PATH]... [--module-only] [-o FILE]",
		"[-i PATH] -t TYPE... [--pointee fwd|full] [-o FILE]",
		"[-i PATH] --for PROG.bpf.c... [--no-cache] [--timeout S]\n"
		"[-o FILE] [-- CFLAGS...]",
		NULL,
	},
	.about =
		"Write the kernel's types as a C header (vmlinux.h), to standard\n"
		"output or to FILE. Without -i the types are found as typegen(1)\n"
		"describes: REDBPF_VMLINUX, else the usual places for release R.\n"
		"With kernel modules, the header holds the kernel's types and the\n"
		"modules', deduplicated, or with --module-only what the modules add.\n"
		"With -t or --for, it holds only the types asked for or used, and\n"
		"what they need to compile.\n",
	.opts = dump_opts,
	.not_json = "a C header",
};
