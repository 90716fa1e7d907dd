// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen - write Linux kernel types (BTF) as C headers for BPF programs.
 *
 * main() parses the global options, then hands the rest of the command line
 * to the command named by the first word. Adding a command means one file
 * defining its struct cmd (options, help, run) and one line in cmds[].
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "json.h"
#include "main.h"

static int do_help(int argc, char **argv);

static const struct cmd cmd_help = {
	.name = "help",
	.summary = "show the help of typegen or of one command",
	.run = do_help,
	.usage = (const char *const []){ "[COMMAND]", NULL },
	.about = "Show the help of typegen, or of COMMAND.\n",
};

/* The commands, in the order the help lists them. */
static const struct cmd *const cmds[] = {
	&cmd_dump, &cmd_btf, &cmd_list, &cmd_show, &cmd_probe, &cmd_min,
	&cmd_check, &cmd_cflags, &cmd_help, NULL,
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
	const struct cmd *const *c, *best = NULL;
	int best_d = 3, d;

	for (c = cmds; *c; c++) {
		d = edit_distance(name, (*c)->name);
		/* One slip in a short name, two in a longer one. */
		if (d < best_d && d <= (strlen((*c)->name) > 4 ? 2 : 1)) {
			best = *c;
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

/* The command called @name, or NULL. */
static const struct cmd *find_cmd(const char *name)
{
	const struct cmd *const *c;

	for (c = cmds; *c; c++)
		if (!strcmp((*c)->name, name))
			return *c;
	return NULL;
}

static void help_main(FILE *out)
{
	const struct cmd *const *c;

	fprintf(out,
		"Usage: %s COMMAND [OPTIONS]\n"
		"       %s help [COMMAND]\n"
		"       %s --version\n"
		"\n"
		"Write Linux kernel types (BTF) as C headers for BPF programs.\n"
		"\n"
		"Commands:\n", prog_name, prog_name, prog_name);
	for (c = cmds; *c; c++)
		fprintf(out, "  %-8s %s\n", (*c)->name, (*c)->summary);
	fprintf(out, "\n");
	help_global_options(out);
	fprintf(out,
		"\n"
		"Run '%s COMMAND --help' for the options of COMMAND.\n"
		"See typegen(1) for the rules used to find the kernel's types.\n",
		prog_name);
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
	print_cmd_help(c, stdout);
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
		{ "help",	no_argument,	NULL, 'h' },
		{ "json",	no_argument,	NULL, 'j' },
		{ "pretty",	no_argument,	NULL, 'p' },
		{ "debug",	no_argument,	NULL, 'd' },
		{ "version",	no_argument,	NULL, 'V' },
		{ "makefile-fragment", no_argument, NULL, LONG_ONLY_CODE },
		{ 0 },
	};
	/* "+": stop at the command; ":": report errors ourselves. */
	static const char shorts[] = "+:hjpdV";
	bool version = false;
	const struct cmd *cmd;
	int c;

	setup_libbpf_print();
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help_main(stdout);
			return EXIT_OK;
		case 'V':
			version = true;
			break;
		case LONG_ONLY_CODE:
			return print_makefile_fragment();
		default:
			if (global_opt(c))
				break;
			report_bad_opt(c, argv, NULL, shorts);
			return EXIT_USAGE;
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
