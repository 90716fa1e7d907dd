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
#include <stdio.h>

#include "typegen.h"

/* Exit statuses, as documented in typegen(1). */
#define EXIT_OK		0
#define EXIT_ERR	1	/* the command failed */
#define EXIT_USAGE	2	/* bad command line */

/* Global options; set by main() and by each subcommand's option parser. */
extern bool json_output;
extern bool pretty_output;
extern bool debug_output;
extern const char *prog_name;

/* A subcommand: argv[0] is its own name. */
struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *out);
	const char *summary;
};

int do_dump(int argc, char **argv);
void help_dump(FILE *out);
int do_probe(int argc, char **argv);
void help_probe(FILE *out);
int do_btf(int argc, char **argv);
void help_btf(FILE *out);
int do_list(int argc, char **argv);
void help_list(FILE *out);
int do_show(int argc, char **argv);
void help_show(FILE *out);
int do_min(int argc, char **argv);
void help_min(FILE *out);
int do_check(int argc, char **argv);
void help_check(FILE *out);

/* The subcommand called @name, or NULL. */
const struct cmd *find_cmd(const char *name);

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

/*
 * Options every subcommand accepts (-h, -j, -p, -d) and the locator's
 * (-i, --release, --sysroot). A subcommand builds its long option table
 * from these and its own, then hands the codes it does not know to
 * parse_common_opt().
 */
enum {
	OPT_RELEASE = 0x100,
	OPT_SYSROOT,
	OPT_UNSORTED,
	OPT_BASE,
	OPT_MODULE,
	OPT_MODULE_ONLY,
	OPT_ENDIAN,
	OPT_POINTEE,
	OPT_FOR,
	OPT_KIND,
	OPT_WITH,
	OPT_FROM_DWARF,
	OPT_BTF_FEATURES,
	OPT_INPUT_ARCH,
};

#define COMMON_SHORT_OPTS "hjpd"
#define COMMON_LONG_OPTS					\
	{ "help",	no_argument,		NULL, 'h' },	\
	{ "json",	no_argument,		NULL, 'j' },	\
	{ "pretty",	no_argument,		NULL, 'p' },	\
	{ "debug",	no_argument,		NULL, 'd' }

#define LOCATE_SHORT_OPTS "i:"
#define LOCATE_LONG_OPTS					\
	{ "input",	required_argument,	NULL, 'i' },	\
	{ "release",	required_argument,	NULL, OPT_RELEASE }, \
	{ "sysroot",	required_argument,	NULL, OPT_SYSROOT }, \
	{ "from-dwarf",	no_argument,		NULL, OPT_FROM_DWARF }, \
	{ "btf-features", required_argument,	NULL, OPT_BTF_FEATURES }

/*
 * --arch for the commands that write C (dump): the machine the types are
 * from, where the input cannot say (raw BTF). Handled by parse_common_opt()
 * and applied by load_inputs().
 */
#define INPUT_ARCH_LONG_OPT					\
	{ "arch",	required_argument,	NULL, OPT_INPUT_ARCH }

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

/*
 * Result of parse_common_opt(): the option was handled, the caller should
 * return an exit status (help shown, or a usage error), or it is not ours.
 */
enum opt_result {
	OPT_HANDLED,
	OPT_HELP,
	OPT_BAD,
	OPT_UNKNOWN,
};

/*
 * Handle option @c as returned by getopt_long() for subcommand @cmd_name:
 * common options, locator options (if @loc is not NULL) and getopt's own
 * error returns ('?' and ':'), which are reported here.
 */
enum opt_result parse_common_opt(int c, char **argv, const char *cmd_name,
				 struct locate_args *loc);

/* Report getopt_long()'s '?' or ':' return; @cmd_name may be NULL. */
void report_bad_opt(int c, char **argv, const char *cmd_name);

/* OPT_HANDLED if optarg is not empty, else reports it and OPT_BAD. */
enum opt_result check_nonempty(const char *opt_name, const char *cmd_name);

/*
 * For a command whose output is not text (dump, btf): -j or -p is a
 * mistake, not something to ignore. Reports it; EXIT_USAGE, or 0.
 */
int reject_json(const char *cmd_name);
struct input_args;

/* --jobs N (optarg): worker threads, 1 to 1024, into *@jobs. */
enum opt_result parse_jobs_opt(unsigned int *jobs);

/* --module PATH (optarg): appended to @in's modules. */
enum opt_result add_module_opt(struct input_args *in, const char *cmd_name);

/* "[done/total] path" on stderr, for the --batch modes on a terminal. */
void batch_progress(const char *path, size_t done, size_t total);

/* A command's own option @c: OPT_HANDLED, OPT_BAD or OPT_UNKNOWN. */
typedef enum opt_result (*own_opt_fn)(int c, void *args);

/*
 * getopt_long() over @argv: each option to @own first, then to
 * parse_common_opt(). Returns EXIT_OK (optind at the operands), -1 after
 * --help, or EXIT_USAGE (reported).
 */
int parse_cmd_opts(int argc, char **argv, const char *cmd_name,
		   const char *short_opts, const struct option *long_opts,
		   own_opt_fn own, void *args, struct locate_args *loc);

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
 * Open @a's --module files split on @kernel into in->mods (after -i if it
 * is a module's), unmerged; reports and returns EXIT_ERR on failure.
 */
int load_modules(const struct input_args *a, struct inputs *in,
		 const struct tg_btf *kernel);

/*
 * What @fn writes, to @path (tg_write_file_atomic()) or, if @path is
 * NULL, to standard output, all or nothing: errors come before the first
 * byte. Returns 0 or the negative error, not reported.
 */
int write_output_file(const char *path, tg_write_fn fn, void *ctx);

/* Make libbpf quiet unless -d was given; called after option parsing. */
void setup_libbpf_print(void);

/* ---- the method decision (select.c) and typegen cflags ---------------- */

int do_cflags(int argc, char **argv);
void help_cflags(FILE *out);

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

/*
 * The first of @rels (paths relative to the prefix typegen was installed
 * under, or to the source tree it was built in) that exists; malloc'ed,
 * or NULL.
 */
char *find_data_file(const char *const *rels, size_t cnt);

#endif /* __BTFGEN_MAIN_H */
