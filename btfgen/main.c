// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen - write Linux kernel types (BTF) as C headers for BPF programs.
 *
 * main() parses the global options, then hands the rest of the command line
 * to the subcommand named by the first word. Adding a subcommand means one
 * file with do_NAME()/help_NAME() and one line in cmds[].
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "json.h"
#include "main.h"

bool json_output;
bool pretty_output;
bool debug_output;
const char *prog_name = "typegen";

static int do_help(int argc, char **argv);
static void help_help(FILE *out);

static const struct cmd cmds[] = {
	{ "dump",  do_dump,  help_dump,
	  "write the kernel's types as a C header (vmlinux.h)" },
	{ "btf",   do_btf,   help_btf,
	  "write the kernel's types as raw BTF, as in /sys/kernel/btf" },
	{ "list",  do_list,  help_list,
	  "list the kernel's named types: id, kind, size, name" },
	{ "show",  do_show,  help_show,
	  "show a type's layout (offsets, holes), or how it changed" },
	{ "probe", do_probe, help_probe,
	  "show where the kernel's types are looked for and which file wins" },
	{ "min",   do_min,   help_min,
	  "write the BTF CO-RE objects need from kernels, and nothing else" },
	{ "check", do_check, help_check,
	  "tell whether CO-RE objects load on kernels, program by program" },
	{ "cflags", do_cflags, help_cflags,
	  "choose vmlinux.h or the kernel headers; print the compiler flags" },
	{ "help",  do_help,  help_help,
	  "show the help of typegen or of one command" },
	{ 0 },
};

/* Edits (insert, delete, replace, swap two) from @a to @b, capped at 3. */
static int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int d[16][16];

	if (la > 15 || lb > 15)
		return 3;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb] < 3 ? d[la][lb] : 3;
}

/* The command @name is most likely a slip for, or NULL. */
static const char *suggest_cmd(const char *name)
{
	const struct cmd *c, *best = NULL;
	int best_d = 3, d;

	for (c = cmds; c->name; c++) {
		d = edit_distance(name, c->name);
		/* One slip in a short name, two in a longer one. */
		if (d < best_d && d <= (strlen(c->name) > 4 ? 2 : 1)) {
			best = c;
			best_d = d;
		}
	}
	return best ? best->name : NULL;
}

/* "unknown command" with what it was likely meant to be. */
static void p_err_unknown_cmd(const char *name, const char *hint)
{
	const char *guess = suggest_cmd(name);

	if (guess)
		p_err(NULL, "unknown command '%s'; did you mean '%s'? (try '%s %s')",
		      name, guess, prog_name, hint);
	else
		p_err(NULL, "unknown command '%s'; try '%s %s'", name,
		      prog_name, hint);
}

const struct cmd *find_cmd(const char *name)
{
	const struct cmd *c;

	for (c = cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int libbpf_print_all(enum libbpf_print_level level, const char *fmt,
			    va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

static int libbpf_print_none(enum libbpf_print_level level, const char *fmt,
			     va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/*
 * libbpf prints its own "libbpf: ..." warnings when it fails to parse a
 * file; the library already turns those failures into error codes, so the
 * lines would only duplicate (and break the one-line error promise).
 */
void setup_libbpf_print(void)
{
	libbpf_set_print(debug_output ? libbpf_print_all : libbpf_print_none);
}

void help_global_options(FILE *out)
{
	fprintf(out,
		"Global options (before or after COMMAND):\n"
		"  -h, --help       show help and exit\n"
		"  -V, --version    show the version and exit\n"
		"  -j, --json       write JSON instead of text (list, show, probe,\n"
		"                   min, cflags; not dump or btf, whose output is\n"
		"                   C or BTF)\n"
		"  -p, --pretty     write indented JSON; implies --json\n"
		"  -d, --debug      show libbpf's own warnings on stderr\n"
		"      --makefile-fragment\n"
		"                   print the path of typegen.mk, for Make's include\n");
}

static void help_main(FILE *out)
{
	const struct cmd *c;

	fprintf(out,
		"Usage: %s COMMAND [OPTIONS]\n"
		"       %s help [COMMAND]\n"
		"       %s --version\n"
		"\n"
		"Write Linux kernel types (BTF) as C headers for BPF programs.\n"
		"\n"
		"Commands:\n", prog_name, prog_name, prog_name);
	for (c = cmds; c->name; c++)
		fprintf(out, "  %-8s %s\n", c->name, c->summary);
	fprintf(out, "\n");
	help_global_options(out);
	fprintf(out,
		"\n"
		"Run '%s COMMAND --help' for the options of COMMAND.\n"
		"See typegen(1) for the rules used to find the kernel's types.\n",
		prog_name);
}

static void help_help(FILE *out)
{
	fprintf(out,
		"Usage: %s help [COMMAND]\n"
		"\n"
		"Show the help of typegen, or of COMMAND.\n", prog_name);
}

static int do_help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		help_main(stdout);
		return EXIT_OK;
	}
	if (argc > 2)
		return usage_extra_arg("help", argv[2]);
	c = find_cmd(argv[1]);
	if (!c) {
		p_err_unknown_cmd(argv[1], "help");
		return EXIT_USAGE;
	}
	c->help(stdout);
	return EXIT_OK;
}

/* typegen.mk, installed or in the source tree this typegen was built in. */
static int print_makefile_fragment(void)
{
	static const char *const rels[] = {
		"share/typegen/typegen.mk",
		"buildsys/typegen.mk",
	};
	char *path = find_data_file(rels, 2);

	if (!path) {
		p_err("typegen.mk", "not found beside %s (install it with 'make install')",
		      prog_name);
		return EXIT_ERR;
	}
	printf("%s\n", path);
	free(path);
	return EXIT_OK;
}

static void print_version(void)
{
	char tg[32], bpf[32];
	struct json_writer w;

	snprintf(tg, sizeof(tg), "%d.%d", TG_VERSION_MAJOR, TG_VERSION_MINOR);
	snprintf(bpf, sizeof(bpf), "%u.%u", libbpf_major_version(),
		 libbpf_minor_version());
	if (!json_output) {
		printf("%s v%s\nusing libbpf v%s\n", prog_name, tg, bpf);
		return;
	}
	jsonw_init(&w, stdout, pretty_output);
	jsonw_start_object(&w);
	jsonw_string_field(&w, "version", tg);
	jsonw_string_field(&w, "libbpf_version", bpf);
	jsonw_end_object(&w);
	jsonw_finish(&w);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTS,
		{ "version",	no_argument,	NULL, 'V' },
		{ "makefile-fragment", no_argument, NULL, 'M' },
		{ 0 },
	};
	bool version = false;
	const struct cmd *cmd;
	int c;

	setup_libbpf_print();
	/* "+": stop at the command; ":": report errors ourselves. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:" COMMON_SHORT_OPTS "V", opts,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			help_main(stdout);
			return EXIT_OK;
		case 'V':
			version = true;
			break;
		case 'M':
			return print_makefile_fragment();
		case '?':
		case ':':
			report_bad_opt(c, argv, NULL);
			return EXIT_USAGE;
		default:
			parse_common_opt(c, argv, NULL, NULL);
			break;
		}
	}
	if (version) {
		print_version();
		return EXIT_OK;
	}
	if (optind >= argc) {
		help_main(stderr);
		return EXIT_USAGE;
	}

	cmd = find_cmd(argv[optind]);
	if (!cmd) {
		p_err_unknown_cmd(argv[optind], "--help");
		return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	/* The subcommand parses its own options from argv[1]: restart getopt. */
	optind = 0;
	return cmd->run(argc, argv);
}
