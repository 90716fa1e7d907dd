// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen probe - explain where the kernel's types are found: what was
 * asked for, every candidate tried and why it was rejected, and the result.
 */
#include <stdio.h>

#include "json.h"
#include "main.h"

/* The "request" value in JSON: stable tokens for scripts. */
static const char *request_token(enum tg_request req)
{
	switch (req) {
	case TG_REQUEST_PATH:		return "path";
	case TG_REQUEST_ENV_PATH:	return "env_path";
	case TG_REQUEST_ENV_SYSTEM:	return "env_system";
	case TG_REQUEST_SYSTEM:		return "system";
	case TG_REQUEST_ENV_EMPTY:	return "env_empty";
	}
	return "unknown";
}

static void print_request_text(const struct tg_locator *loc)
{
	const char *path = tg_locator__request_path(loc);

	switch (tg_locator__request(loc)) {
	case TG_REQUEST_PATH:
		printf("request:    explicit path %s\n", path);
		break;
	case TG_REQUEST_ENV_PATH:
		printf("request:    REDBPF_VMLINUX=%s\n", path);
		break;
	case TG_REQUEST_ENV_SYSTEM:
		printf("request:    system probe (REDBPF_VMLINUX=system)\n");
		break;
	case TG_REQUEST_SYSTEM:
		printf("request:    system probe (REDBPF_VMLINUX unset)\n");
		break;
	case TG_REQUEST_ENV_EMPTY:
		printf("request:    REDBPF_VMLINUX=\"\"\n");
		break;
	}
	printf("release:    %s\n", tg_locator__release(loc));
	printf("sysroot:    %s\n", tg_locator__sysroot(loc));
}

/* "bzImage > xz > ELF": the layers the chosen file was read through. */
static void print_layers_text(const struct tg_btf *btf)
{
	size_t i, n = tg_btf__layer_cnt(btf);

	printf("format:     ");
	for (i = 0; i < n; i++)
		printf("%s%s", i ? " > " : "",
		       tg_format__str(tg_btf__layer(btf, i)));
	printf("\n");
}

static void print_text(const struct tg_locator *loc, const struct tg_btf *btf,
		       int err)
{
	size_t i, n = tg_locator__step_cnt(loc);
	const char *chosen = NULL;
	char msg[256];

	print_request_text(loc);
	printf("candidates:%s\n", n ? "" : " none tried");
	for (i = 0; i < n; i++) {
		const struct tg_probe_step *s = tg_locator__step(loc, i);

		if (!s->err) {
			chosen = s->resolved ?: s->path;
			printf("  %zu. chosen    %s", i + 1, s->path);
		} else {
			printf("  %zu. rejected  %s", i + 1, s->path);
		}
		/* A symlink in the sysroot, resolved inside it. */
		if (s->resolved)
			printf(" -> %s (inside the sysroot)", s->resolved);
		if (s->err)
			printf(": %s", err_str(s->err, msg, sizeof(msg)));
		printf("\n");
	}
	if (!err && chosen) {
		printf("result:     %s\n", chosen);
		print_layers_text(btf);
	} else
		printf("result:     none: %s\n", err_str(err, msg, sizeof(msg)));
}

static void print_json(const struct tg_locator *loc, const struct tg_btf *btf,
		       int err, const struct tg_selection *sel)
{
	size_t i, n = tg_locator__step_cnt(loc);
	const char *chosen = NULL;
	struct json_writer w;
	char msg[256];

	jsonw_init(&w, stdout, pretty_output);
	jsonw_start_object(&w);
	jsonw_string_field(&w, "request",
			   request_token(tg_locator__request(loc)));
	jsonw_string_field(&w, "request_path", tg_locator__request_path(loc));
	jsonw_string_field(&w, "release", tg_locator__release(loc));
	jsonw_string_field(&w, "sysroot", tg_locator__sysroot(loc));
	jsonw_name(&w, "candidates");
	jsonw_start_array(&w);
	for (i = 0; i < n; i++) {
		const struct tg_probe_step *s = tg_locator__step(loc, i);

		jsonw_start_object(&w);
		jsonw_string_field(&w, "path", s->path);
		jsonw_string_field(&w, "resolved", s->resolved);
		jsonw_string_field(&w, "status",
				   s->err ? "rejected" : "chosen");
		jsonw_string_field(&w, "error", s->err ?
				   err_str(s->err, msg, sizeof(msg)) : NULL);
		jsonw_end_object(&w);
		if (!s->err)
			chosen = s->resolved ?: s->path;
	}
	jsonw_end_array(&w);
	if (err)
		chosen = NULL;
	jsonw_string_field(&w, "chosen", chosen);
	jsonw_name(&w, "format");
	if (chosen) {
		jsonw_start_array(&w);
		for (i = 0; i < tg_btf__layer_cnt(btf); i++)
			jsonw_string(&w, tg_format__str(tg_btf__layer(btf, i)));
		jsonw_end_array(&w);
	} else {
		jsonw_null(&w);
	}
	jsonw_string_field(&w, "error",
			   err ? err_str(err, msg, sizeof(msg)) : NULL);
	jsonw_name(&w, "selection");
	print_selection_json(&w, sel);
	jsonw_end_object(&w);
	jsonw_finish(&w);
}

static const struct cmd_opt probe_opts[] = {
	OPTION_INPUT("try only PATH; overrides REDBPF_VMLINUX",
		     struct select_args, loc),
	OPTION_RELEASE("kernel release in the probed paths (default:\n"
		       "the running kernel's, uname -r)", struct select_args, loc),
	OPTION_SYSROOT("look for the probed paths under DIR (default: /)",
		       struct select_args, loc),
	OPTION_FROM_DWARF("read an ELF candidate's DWARF even if it has .BTF",
			  struct select_args, loc),
	OPTION_BTF_FEATURES(HELP_BTF_FEATURES, struct select_args, loc),
	{ 0 },
};

static int do_probe(int argc, char **argv)
{
	struct select_args sa = {};
	struct tg_selection *sel;
	struct tg_locator *loc;
	struct tg_btf *btf = NULL;
	int err = parse_opts(&cmd_probe, argc, argv, &sa);

	if (err)
		return err == PARSE_HELP ? EXIT_OK : err;
	if (optind < argc)
		return usage_extra_arg("probe", argv[optind]);

	loc = new_locator(&sa.loc);
	if (!loc)
		return EXIT_ERR;
	/* Loading is the test: a candidate counts only if its types load. */
	err = tg_locator__load(loc, &btf);
	/* The same search: its result, so that the input is read once. */
	sa.locator = loc;
	sa.btf = btf;
	sel = new_selection(&sa);
	if (!sel) {
		tg_btf__free(btf);
		tg_locator__free(loc);
		return EXIT_ERR;
	}
	if (json_output) {
		print_json(loc, btf, err, sel);
	} else {
		print_text(loc, btf, err);
		print_selection_text(sel);
	}
	/* The decision is what a build gets: it says whether all is well. */
	err = tg_selection__err(sel);
	tg_selection__free(sel);
	tg_btf__free(btf);
	tg_locator__free(loc);
	if (fflush(stdout)) {
		p_err("standard output", "write failed");
		return EXIT_ERR;
	}
	return err ? EXIT_ERR : EXIT_OK;
}

const struct cmd cmd_probe = {
	.name = "probe",
	.summary = "show where the kernel's types are looked for and which file wins",
	.run = do_probe,
	.usage = (const char *const []){
		"[-i PATH] [--release R] [--sysroot DIR] [-j]", NULL,
	},
	.about =
		"Show how the kernel's types are found: what was asked for (-i,\n"
		"REDBPF_VMLINUX or the system probe), each candidate tried with the\n"
		"reason it was rejected, and the file chosen with the layers it was\n"
		"read through (bzImage > xz > ELF); then the method BPF programs get\n"
		"the types by (typegen cflags): vmlinux.h or the kernel headers, with\n"
		"the rule that chose it (REDBPF_VMLINUX, KERNEL_SOURCE,\n"
		"KERNEL_VERSION) and every place checked. Exits 0 if the decision can\n"
		"be carried out, 1 if not.\n",
	.opts = probe_opts,
};
