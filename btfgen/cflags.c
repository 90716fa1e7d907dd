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

/* The probe API's main header, under an installed prefix or the sources. */
static const char *const probe_api_hdr[] = {
	"include/typegen/probe.h",
};

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

struct cflags_args {
	struct select_args sel;
	const char *out_dir;	/* --out-dir DIR */
};

/*
 * --from-dwarf and --btf-features are taken, as every command that finds
 * the kernel's types takes them, but not shown: the decision reads no
 * DWARF.
 */
static const struct cmd_opt cflags_opts[] = {
	OPTION_STR("out-dir", 0, "DIR",
		   "where vmlinux.h goes (created if missing;\n"
		   "default: .)", struct cflags_args, out_dir),
	OPTION_CHOICE("method", "M",
		      "vmlinux or headers, whatever the environment\n"
		      "says", struct cflags_args, sel.method,
		      { "vmlinux", TG_METHOD_VMLINUX },
		      { "headers", TG_METHOD_HEADERS }),
	OPTION_STR("arch", 0, "ARCH",
		   "target architecture: x86_64, arm64... (default:\n"
		   "the input's, else this machine's)",
		   struct cflags_args, sel.arch),
	OPTION_INPUT("the vmlinux method, with the types in PATH",
		     struct cflags_args, sel.loc),
	OPTION_RELEASE("kernel release (default: uname -r)",
		       struct cflags_args, sel.loc),
	OPTION_SYSROOT("look for /lib/modules and BTF under DIR",
		       struct cflags_args, sel.loc),
	OPTION_FROM_DWARF(NULL, struct cflags_args, sel.loc),
	OPTION_BTF_FEATURES(NULL, struct cflags_args, sel.loc),
	{ 0 },
};

static int parse_args(int argc, char **argv, struct cflags_args *a)
{
	int ret = parse_opts(&cmd_cflags, argc, argv, a);

	if (ret)
		return ret == PARSE_HELP ? EXIT_OK : ret;
	if (a->sel.loc.path && a->sel.method == TG_METHOD_HEADERS) {
		p_err(NULL, "cflags: -i gives BTF, which the headers method does not use");
		return EXIT_USAGE;
	}
	if (optind < argc)
		return usage_extra_arg("cflags", argv[optind]);
	return -1;
}

static int do_cflags(int argc, char **argv)
{
	struct cflags_args a = { .out_dir = "." };
	const char *out_dir;
	struct tg_selection *sel;
	char *api = NULL;
	int ret, wrote = 0;

	ret = parse_args(argc, argv, &a);
	if (ret >= 0)
		return ret;
	out_dir = a.out_dir;
	sel = new_selection(&a.sel);
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

const struct cmd cmd_cflags = {
	.name = "cflags",
	.summary = "choose vmlinux.h or the kernel headers; print the compiler flags",
	.run = do_cflags,
	.usage = (const char *const []){
		"[--out-dir DIR] [--method vmlinux|headers]\n"
		"[--arch ARCH] [-i PATH] [--release R]\n"
		"[--sysroot DIR] [-j]",
		NULL,
	},
	.about =
		"Decide where BPF programs get the kernel's types from, by the\n"
		"rules in typegen(1) (REDBPF_VMLINUX, KERNEL_SOURCE, KERNEL_VERSION),\n"
		"carry the decision out and print the compiler flags, on one line:\n"
		"  vmlinux method: DIR/vmlinux.h is written (only if it changed);\n"
		"    compile with clang -target bpf FLAGS\n"
		"  headers method: the kernel's include directories and defines;\n"
		"    compile with clang FLAGS -emit-llvm | llc -march=bpf\n"
		"Both give -I for the probe API's headers (typegen/probe.h) unless\n"
		"they are in a standard directory. 'typegen probe' shows why.\n",
	.opts = cflags_opts,
};
