/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Shared by the typegen subcommands. The CLI is a thin layer over
 * libtypegen: it parses arguments, calls the library and prints. Every
 * subcommand returns an exit status to main(); nothing below main() exits.
 */
#ifndef __BTFGEN_MAIN_H
#define __BTFGEN_MAIN_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "typegen.h"

/* Exit statuses, as documented in typegen(1). */
#define EXIT_OK		0
#define EXIT_ERR	1	/* the command failed */
#define EXIT_USAGE	2	/* bad command line */

/* Global options; set by main() and by each command's option parser. */
extern bool json_output;
extern bool pretty_output;
extern bool debug_output;
extern const char *prog_name;

/*
 * A command's options are one table of struct cmd_opt, parsed by
 * parse_opts() and shown by print_cmd_help(): an option is one line of
 * its table, and --help cannot miss one the parser takes.
 */
enum opt_result {
	OPT_HANDLED,
	OPT_BAD,	/* reported */
};

/* Where an option's value goes. */
enum opt_kind {
	OPTK_FLAG,	/* no argument; the bool at off is set */
	OPTK_STR,	/* the const char * at off, not empty */
	OPTK_LIST,	/* appended to the const char ** at off, not empty;
			   the size_t at cnt_off counts them */
	OPTK_CHOICE,	/* the int at off: the value of the choice named */
	OPTK_FN,	/* fn(args + off, argument, command name) */
};

/* One of the words an OPTK_CHOICE option takes, and its value. */
struct opt_choice {
	const char *name;
	int value;
};

typedef enum opt_result (*opt_fn)(void *dst, const char *arg,
				  const char *cmd_name);

struct cmd_opt {
	const char *name;	/* --name */
	char short_name;	/* -c, or 0 */
	const char *arg;	/* the argument in help ("PATH"); NULL: none */
	const char *help;	/* lines of help; NULL: left out of --help */
	enum opt_kind kind;
	size_t off;		/* in the command's argument struct */
	size_t cnt_off;		/* OPTK_LIST */
	const struct opt_choice *choices;	/* OPTK_CHOICE, ends with { 0 } */
	opt_fn fn;		/* OPTK_FN */
};

#define OPTION(n, s, a, h, k, type, field, ...)				\
	{ .name = (n), .short_name = (s), .arg = (a), .help = (h),	\
	  .kind = (k), .off = offsetof(type, field), __VA_ARGS__ }
#define OPTION_FLAG(n, h, type, field)					\
	OPTION(n, 0, NULL, h, OPTK_FLAG, type, field)
#define OPTION_STR(n, s, a, h, type, field)				\
	OPTION(n, s, a, h, OPTK_STR, type, field)
#define OPTION_LIST(n, s, a, h, type, field, cnt)			\
	OPTION(n, s, a, h, OPTK_LIST, type, field,			\
	       .cnt_off = offsetof(type, cnt))
#define OPTION_FN(n, s, a, h, type, field, f)				\
	OPTION(n, s, a, h, OPTK_FN, type, field, .fn = (f))
/*
 * The field is an enum, written as an int: the build fails if it is not
 * int-sized (the check is in cnt_off, which a choice does not use).
 */
#define OPTION_CHOICE(n, a, h, type, field, ...)			\
	OPTION(n, 0, a, h, OPTK_CHOICE, type, field,			\
	       .cnt_off = 0 * sizeof(char[sizeof(((type *)0)->field) ==	\
					   sizeof(int) ? 1 : -1]),	\
	       .choices = (const struct opt_choice[]){ __VA_ARGS__, { 0 } })

/*
 * The locator's options (struct locate_args @loc in @type), each with the
 * help its command gives it.
 */
#define OPTION_INPUT(h, type, loc)					\
	OPTION_STR("input", 'i', "PATH", h, type, loc.path)
#define OPTION_RELEASE(h, type, loc)					\
	OPTION_FN("release", 0, "R", h, type, loc.release, opt_release)
#define OPTION_SYSROOT(h, type, loc)					\
	OPTION_STR("sysroot", 0, "DIR", h, type, loc.sysroot)
#define OPTION_FROM_DWARF(h, type, loc)					\
	OPTION_FLAG("from-dwarf", h, type, loc.from_dwarf)
#define OPTION_BTF_FEATURES(h, type, loc)				\
	OPTION_FN("btf-features", 0, "LIST", h, type, loc.btf_features, \
		  opt_btf_features)
/* --base and --module of struct input_args @in. */
#define OPTION_BASE(h, type, in)					\
	OPTION_STR("base", 0, "PATH", h, type, in.base)
#define OPTION_MODULE(h, type, in)					\
	OPTION_LIST("module", 0, "PATH", h, type, in.modules, in.module_cnt)

#define HELP_FROM_DWARF "read an ELF file's DWARF even if it has .BTF"
#define HELP_BTF_FEATURES "conventions of BTF from DWARF (default: the\n" \
	"input kernel version's; see typegen(1))"

/*
 * Handlers of the locator's options, of dump's --arch (an enum tg_arch)
 * and of --jobs N (an unsigned int).
 */
enum opt_result opt_release(void *dst, const char *arg, const char *cmd_name);
enum opt_result opt_btf_features(void *dst, const char *arg,
				 const char *cmd_name);
enum opt_result opt_input_arch(void *dst, const char *arg,
			       const char *cmd_name);
enum opt_result opt_jobs(void *dst, const char *arg, const char *cmd_name);

/*
 * A command: argv[0] is its own name. Its help is "Usage: typegen NAME"
 * with each of @usage (a '\n' in one continues it under the first),
 * @about, the options of @opts that have help, @epilog, and the global
 * options; a command without @opts has only the first two.
 */
struct cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	const char *const *usage;	/* NULL-terminated */
	const char *about;
	const struct cmd_opt *opts;	/* ends with { 0 } */
	const char *epilog;
	/* -j refused: the output is this (C, raw BTF), not JSON. */
	const char *not_json;
};

extern const struct cmd cmd_dump, cmd_btf, cmd_list, cmd_show, cmd_probe,
	cmd_min, cmd_check, cmd_cflags;

#define PARSE_HELP	(-1)

/*
 * getopt_long() over @argv with @cmd's options and the global -h, -j, -p,
 * -d; values into @args. Returns EXIT_OK (optind at the operands),
 * PARSE_HELP after --help, or EXIT_USAGE (reported).
 */
int parse_opts(const struct cmd *cmd, int argc, char **argv, void *args);

/* @cmd's --help. */
void print_cmd_help(const struct cmd *cmd, FILE *out);

/* The global option -j, -p or -d: true if @c is one (it is applied). */
bool global_opt(int c);

/* Help text for the global options, shared by every help screen. */
void help_global_options(FILE *out);

/*
 * "typegen: WHAT: MESSAGE" - the one line every error is reported with.
 * p_err_code() takes a libtypegen/errno code and adds tg_strerror()'s text.
 */
void p_err(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void p_err_code(const char *what, int err);

/* tg_strerror() into @buf; returns @buf for use in printf arguments. */
const char *err_str(int err, char *buf, size_t size);

/* What the locator options asked for. */
struct locate_args {
	const char *path;
	const char *release;
	const char *sysroot;
	bool from_dwarf;	/* --from-dwarf: read an ELF file's DWARF */
	const char *btf_features;	/* --btf-features: its conventions */
	enum tg_arch arch;	/* --arch, TG_ARCH_UNKNOWN if not given */
};

/*
 * How files are opened for @args: --from-dwarf, and the progress of long
 * conversions on stderr when it is a terminal. @name labels the progress.
 */
/* $TYPEGEN_MAX_DECOMPRESSED in bytes, or 0 for the library's default. */
size_t max_decompressed(void);
void open_opts_for(const struct locate_args *args, const char *name,
		   struct tg_open_opts *opts);

/* Say on stderr how many DWARF entries @btf (read from @name) left out. */
void note_dwarf_skipped(const struct tg_btf *btf, const char *name);

/* getopt codes of options without a short name: from here, clear of chars. */
#define LONG_ONLY_CODE	0x100

/*
 * Report getopt_long()'s '?' or ':' return for options @shorts (as given
 * to getopt); @cmd_name may be NULL.
 */
void report_bad_opt(int c, char **argv, const char *cmd_name,
		    const char *shorts);

/* "[done/total] path" on stderr, for the --batch modes on a terminal. */
void batch_progress(const char *path, size_t done, size_t total);

/* Report a stray positional argument; returns EXIT_USAGE. */
int usage_extra_arg(const char *cmd_name, const char *arg);

/*
 * Make the locator the locate options ask for. On failure reports the error
 * and returns NULL.
 */
struct tg_locator *new_locator(const struct locate_args *args);

/*
 * Report, on one line, why tg_locator__load() failed with @err, naming the
 * file asked for or, when probing found nothing, pointing at typegen probe.
 */
void p_err_load(const struct tg_locator *loc, int err);

/*
 * The inputs of dump and btf: the locator's options, and for kernel
 * modules (split BTF) the base and more modules.
 */
struct input_args {
	struct locate_args loc;
	const char *base;	/* --base PATH */
	const char **modules;	/* --module PATH..., in order */
	size_t module_cnt;
	bool module_only;	/* --module-only */
	bool merge;		/* modules are merged (dump), not kept split */
};

/* What load_inputs() loaded; everything is freed by free_inputs(). */
struct inputs {
	struct tg_locator *loc;
	struct tg_btf *base;		/* --base, or found for a module */
	struct tg_btf *input;		/* -i, or the kernel's types found */
	struct tg_btf **mods;		/* --module */
	size_t mod_cnt;
	struct tg_btf *merged;		/* the base with the modules */
	const struct tg_btf *result;	/* what to write */
	const char *name;		/* the result, in error messages */
};

/*
 * Load what @a asks for: -i PATH (a kernel module's BTF is split BTF: its
 * base is --base, or else the kernel's types found by the usual rules),
 * else the kernel's types found by those rules; then the --module files
 * on the kernel's types, merged with them if @a->merge. On failure the
 * error is reported and EXIT_ERR returned; free_inputs() is needed either
 * way.
 */
int load_inputs(const struct input_args *a, struct inputs *in);
void free_inputs(struct inputs *in);
/*
 * For min and check: load_inputs() of @a (not merged), then its --module
 * files on the kernel's types, which *@kernelp points to. As
 * load_inputs(): EXIT_ERR (reported) or EXIT_OK, free_inputs() either way.
 */
int load_unmerged(const struct input_args *a, struct inputs *in,
		  const struct tg_btf **kernelp);
/*
 * For min and check: @add each of the @cnt BPF objects at @objs to @obj
 * (a tg_min or a tg_check). EXIT_ERR, reported with the object's name, at
 * the first that fails, else EXIT_OK.
 */
int add_objects(const char *const *objs, size_t cnt,
		int (*add)(void *obj, const char *path), void *obj);

/*
 * What @fn writes, to @path (tg_write_file_atomic()) or, if @path is
 * NULL, to standard output, all or nothing: errors come before the first
 * byte. Returns 0 or the negative error, not reported.
 */
int write_output_file(const char *path, tg_write_fn fn, void *ctx);

/* Make libbpf quiet unless -d was given; called after option parsing. */
void setup_libbpf_print(void);

/*
 * The first of @rels (paths relative to the prefix typegen was installed
 * under, or to the source tree it was built in) that exists; malloc'ed,
 * or NULL.
 */
char *find_data_file(const char *const *rels, size_t cnt);

/* ---- the method decision (select.c), for probe and cflags -------------- */

struct json_writer;

/* What the command line says about the decision. */
struct select_args {
	struct locate_args loc;		/* -i: the vmlinux method from PATH */
	enum tg_method method;		/* --method */
	const char *arch;		/* --arch */
	/* A search already made (typegen probe's), reused, or NULL. */
	const struct tg_locator *locator;
	const struct tg_btf *btf;
};

/* The decision, with the environment; on failure reported, NULL. */
struct tg_selection *new_selection(const struct select_args *a);
/* The decision in words (typegen probe), or as a JSON object. */
void print_selection_text(const struct tg_selection *sel);
void print_selection_json(struct json_writer *w,
			  const struct tg_selection *sel);

#endif /* __BTFGEN_MAIN_H */
