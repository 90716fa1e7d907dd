// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen cflags - decide where a BPF program's kernel types come from
 * (vmlinux.h or the kernel headers), carry the decision out, and print the
 * compiler flags for it: what a build system calls once per build.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "main.h"

/* Option codes of this command only, clear of main.h's. */
enum {
	OPT_OUT_DIR = 0x200,
	OPT_METHOD,
	OPT_ARCH,
};

/* The probe API's main header, under an installed prefix or the sources. */
static const char *const probe_api_hdr[] = {
	"include/typegen/probe.h",
};

void help_cflags(FILE *out)
{
	fprintf(out,
		"Usage: %s cflags [--out-dir DIR] [--method vmlinux|headers]\n"
		"                      [--arch ARCH] [-i PATH] [--release R]\n"
		"                      [--sysroot DIR] [-j]\n"
		"\n"
		"Decide where BPF programs get the kernel's types from, by the\n"
		"rules in typegen(1) (REDBPF_VMLINUX, KERNEL_SOURCE, KERNEL_VERSION),\n"
		"carry the decision out and print the compiler flags, on one line:\n"
		"  vmlinux method: DIR/vmlinux.h is written (only if it changed);\n"
		"    compile with clang -target bpf FLAGS\n"
		"  headers method: the kernel's include directories and defines;\n"
		"    compile with clang FLAGS -emit-llvm | llc -march=bpf\n"
		"Both give -I for the probe API's headers (typegen/probe.h) unless\n"
		"they are in a standard directory. 'typegen probe' shows why.\n"
		"\n"
		"Options:\n"
		"      --out-dir DIR  where vmlinux.h goes (created if missing;\n"
		"                     default: .)\n"
		"      --method M     vmlinux or headers, whatever the environment\n"
		"                     says\n"
		"      --arch ARCH    target architecture: x86_64, arm64... (default:\n"
		"                     the input's, else this machine's)\n"
		"  -i, --input PATH   the vmlinux method, with the types in PATH\n"
		"      --release R    kernel release (default: uname -r)\n"
		"      --sysroot DIR  look for /lib/modules and BTF under DIR\n"
		"\n", prog_name);
	help_global_options(out);
}

/* Characters a shell takes literally. */
static bool shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-+=/.,:@%", *s))
			return false;
	return true;
}

/* @s as one shell word: Make recipes and $(...) hand the line to sh. */
static void print_shell_word(const char *s)
{
	if (shell_safe(s)) {
		fputs(s, stdout);
		return;
	}
	putchar('\'');
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*s);
	}
	putchar('\'');
}

/*
 * The probe API's directory, unless the compiler searches it anyway: an
 * early -I /usr/include would hide the kernel's own headers.
 */
static char *probe_api_dir(void)
{
	char *dir = find_data_file(probe_api_hdr, 1);

	if (!dir)
		return NULL;
	/* ".../include/typegen/probe.h" -> ".../include" */
	dir[strlen(dir) - strlen("/typegen/probe.h")] = '\0';
	if (!strcmp(dir, "/usr/include") || !strcmp(dir, "/usr/local/include")) {
		free(dir);
		return NULL;
	}
	return dir;
}

static int parse_method(const char *s, enum tg_method *m)
{
	if (!strcmp(s, "vmlinux"))
		*m = TG_METHOD_VMLINUX;
	else if (!strcmp(s, "headers"))
		*m = TG_METHOD_HEADERS;
	else
		return -1;
	return 0;
}

/* Why the decision cannot be carried out, on one line. */
static void report_failure(const struct tg_selection *sel)
{
	const struct tg_select_step *s = tg_selection__step(sel, 0);
	char what[256], msg[256];

	/* No release at all: KERNEL_VERSION was set to no release. */
	if (!tg_selection__release(sel) && s) {
		p_err(s->what, "'%s' is not a kernel release such as 6.1.0-13-amd64 (unset it for the running kernel's)",
		      s->path);
		return;
	}
	if (tg_selection__method(sel) == TG_METHOD_HEADERS)
		snprintf(what, sizeof(what), "kernel headers for %s",
			 tg_selection__release(sel));
	else
		snprintf(what, sizeof(what), "kernel BTF for %s",
			 tg_selection__release(sel));
	p_err(what, "%s (run '%s probe' to see what was checked)",
	      err_str(tg_selection__err(sel), msg, sizeof(msg)), prog_name);
}

static void print_flags(const struct tg_selection *sel, const char *api,
			int wrote)
{
	const char *const *flags;
	struct json_writer w;
	size_t i, n;

	flags = tg_selection__flags(sel, &n);
	if (!json_output) {
		for (i = 0; i < n; i++) {
			if (i)
				putchar(' ');
			print_shell_word(flags[i]);
		}
		if (api) {
			fputs(n ? " -I " : "-I ", stdout);
			print_shell_word(api);
		}
		putchar('\n');
		return;
	}
	jsonw_init(&w, stdout, pretty_output);
	jsonw_start_object(&w);
	jsonw_string_field(&w, "method",
			   tg_method__str(tg_selection__method(sel)));
	jsonw_name(&w, "flags");
	jsonw_start_array(&w);
	for (i = 0; i < n; i++)
		jsonw_string(&w, flags[i]);
	if (api) {
		jsonw_string(&w, "-I");
		jsonw_string(&w, api);
	}
	jsonw_end_array(&w);
	jsonw_name(&w, "written");
	jsonw_bool(&w, wrote > 0);
	jsonw_end_object(&w);
	jsonw_finish(&w);
}

static int parse_args(int argc, char **argv, struct select_args *a,
		      const char **out_dir)
{
	static const struct option opts[] = {
		COMMON_LONG_OPTS,
		LOCATE_LONG_OPTS,
		{ "out-dir",	required_argument,	NULL, OPT_OUT_DIR },
		{ "method",	required_argument,	NULL, OPT_METHOD },
		{ "arch",	required_argument,	NULL, OPT_ARCH },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":" COMMON_SHORT_OPTS
				LOCATE_SHORT_OPTS, opts, NULL)) != -1) {
		switch (c) {
		case OPT_OUT_DIR:
			*out_dir = optarg;
			if (check_nonempty("--out-dir", "cflags") != OPT_HANDLED)
				return EXIT_USAGE;
			continue;
		case OPT_METHOD:
			if (parse_method(optarg, &a->method)) {
				p_err(NULL, "option '--method' takes vmlinux or headers, not '%s'",
				      optarg);
				return EXIT_USAGE;
			}
			continue;
		case OPT_ARCH:
			a->arch = optarg;
			if (check_nonempty("--arch", "cflags") != OPT_HANDLED)
				return EXIT_USAGE;
			continue;
		}
		switch (parse_common_opt(c, argv, "cflags", &a->loc)) {
		case OPT_HANDLED:
			continue;
		case OPT_HELP:
			return EXIT_OK;
		case OPT_BAD:
		case OPT_UNKNOWN:
			return EXIT_USAGE;
		}
	}
	if (a->loc.path && a->method == TG_METHOD_HEADERS) {
		p_err(NULL, "cflags: -i gives BTF, which the headers method does not use");
		return EXIT_USAGE;
	}
	if (optind < argc)
		return usage_extra_arg("cflags", argv[optind]);
	return -1;
}

int do_cflags(int argc, char **argv)
{
	struct select_args a = {};
	const char *out_dir = ".";
	struct tg_selection *sel;
	char *api = NULL;
	int ret, wrote = 0;

	ret = parse_args(argc, argv, &a, &out_dir);
	if (ret >= 0)
		return ret;
	sel = new_selection(&a);
	if (!sel)
		return EXIT_ERR;
	ret = EXIT_ERR;
	if (tg_selection__err(sel)) {
		report_failure(sel);
		goto out;
	}
	if (tg_selection__method(sel) == TG_METHOD_VMLINUX &&
	    mkdir(out_dir, 0755) && errno != EEXIST) {
		p_err_code(out_dir, -errno);
		goto out;
	}
	wrote = tg_selection__apply(sel, out_dir);
	if (wrote < 0) {
		char *hdr = NULL;

		if (asprintf(&hdr, "%s/vmlinux.h", out_dir) < 0)
			hdr = NULL;
		p_err_code(hdr ?: out_dir, wrote);
		free(hdr);
		goto out;
	}
	api = probe_api_dir();
	print_flags(sel, api, wrote);
	ret = EXIT_OK;
	if (fflush(stdout)) {
		p_err("standard output", "write failed");
		ret = EXIT_ERR;
	}
out:
	free(api);
	tg_selection__free(sel);
	return ret;
}
