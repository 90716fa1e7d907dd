// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The method decision as the CLI shows it (typegen probe, typegen cflags):
 * in words, or in JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "main.h"

struct tg_selection *new_selection(const struct select_args *a)
{
	TG_OPTS(tg_select_opts, opts,
		.method = a->method,
		.btf_path = a->loc.path,
		.release = a->loc.release,
		.sysroot = a->loc.sysroot,
		.arch = a->arch,
		.locator = a->locator,
		.btf = a->btf);
	struct tg_selection *sel;
	int err;

	err = tg_selection__new(&opts, &sel);
	if (err) {
		/* Options are checked by the parser; only --arch is left. */
		if (err == -EINVAL && a->arch)
			p_err(NULL, "unknown architecture '%s'; try x86_64 or arm64",
			      a->arch);
		else
			p_err_code("choosing where the kernel's types come from",
				   err);
		return NULL;
	}
	return sel;
}

static const char *rule_text(enum tg_select_rule rule)
{
	switch (rule) {
	case TG_SELECT_FORCED:
		return "asked for on the command line (-i or --method)";
	case TG_SELECT_ENV_VMLINUX:
		return "REDBPF_VMLINUX is set: vmlinux.h from BTF only";
	case TG_SELECT_ENV_HEADERS:
		return "KERNEL_SOURCE or KERNEL_VERSION is set: kernel headers only";
	case TG_SELECT_DEFAULT:
		return "none of REDBPF_VMLINUX, KERNEL_SOURCE, KERNEL_VERSION set: kernel headers first, else vmlinux.h from BTF";
	}
	return "unknown";
}

static const char *rule_token(enum tg_select_rule rule)
{
	switch (rule) {
	case TG_SELECT_FORCED:		return "forced";
	case TG_SELECT_ENV_VMLINUX:	return "env_vmlinux";
	case TG_SELECT_ENV_HEADERS:	return "env_headers";
	case TG_SELECT_DEFAULT:		return "default";
	}
	return "unknown";
}

/* The last headers step that failed: why the headers were not usable. */
static const struct tg_select_step *headers_failure(const struct tg_selection *sel)
{
	const struct tg_select_step *s, *bad = NULL;
	size_t i;

	for (i = 0; (s = tg_selection__step(sel, i)); i++)
		if (s->method == TG_METHOD_HEADERS && s->err)
			bad = s;
	return bad;
}

static void print_decision_text(const struct tg_selection *sel)
{
	const struct tg_select_step *bad = headers_failure(sel);
	int err = tg_selection__err(sel);
	char msg[256];

	if (err) {
		printf("decision:   none: %s\n", err_str(err, msg, sizeof(msg)));
		return;
	}
	if (tg_selection__method(sel) == TG_METHOD_HEADERS) {
		printf("decision:   kernel headers in %s",
		       tg_selection__source_dir(sel));
		if (strcmp(tg_selection__source_dir(sel),
			   tg_selection__build_dir(sel)))
			printf(" (generated headers in %s)",
			       tg_selection__build_dir(sel));
		printf("\n");
		return;
	}
	printf("decision:   vmlinux.h from %s\n", tg_selection__btf_path(sel));
	if (bad)
		printf("            kernel headers not usable: %s%s%s: %s\n",
		       bad->what, *bad->path ? " " : "", bad->path,
		       err_str(bad->err, msg, sizeof(msg)));
}

void print_selection_text(const struct tg_selection *sel)
{
	const struct tg_select_step *s;
	char msg[256];
	size_t i;

	printf("method:     %s\n", tg_method__str(tg_selection__method(sel)));
	printf("rule:       %s\n", rule_text(tg_selection__rule(sel)));
	printf("arch:       %s\n", tg_selection__arch(sel));
	printf("checked:\n");
	for (i = 0; (s = tg_selection__step(sel, i)); i++)
		printf("  %zu. %-8s %s %s: %s\n", i + 1,
		       tg_method__str(s->method), s->what,
		       *s->path ? s->path : "\"\"",
		       s->err ? err_str(s->err, msg, sizeof(msg)) : "ok");
	print_decision_text(sel);
}

void print_selection_json(struct json_writer *w, const struct tg_selection *sel)
{
	const struct tg_select_step *s;
	const char *const *flags;
	int err = tg_selection__err(sel);
	char msg[256];
	size_t i, n;

	jsonw_start_object(w);
	jsonw_string_field(w, "method",
			   tg_method__str(tg_selection__method(sel)));
	jsonw_string_field(w, "rule", rule_token(tg_selection__rule(sel)));
	jsonw_string_field(w, "arch", tg_selection__arch(sel));
	jsonw_string_field(w, "release", tg_selection__release(sel));
	jsonw_string_field(w, "btf_path", tg_selection__btf_path(sel));
	jsonw_string_field(w, "source_dir", tg_selection__source_dir(sel));
	jsonw_string_field(w, "build_dir", tg_selection__build_dir(sel));
	jsonw_name(w, "steps");
	jsonw_start_array(w);
	for (i = 0; (s = tg_selection__step(sel, i)); i++) {
		jsonw_start_object(w);
		jsonw_string_field(w, "method", tg_method__str(s->method));
		jsonw_string_field(w, "what", s->what);
		jsonw_string_field(w, "path", s->path);
		jsonw_string_field(w, "error", s->err ?
				   err_str(s->err, msg, sizeof(msg)) : NULL);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_name(w, "flags");
	jsonw_start_array(w);
	flags = tg_selection__flags(sel, &n);
	for (i = 0; i < n; i++)
		jsonw_string(w, flags[i]);
	jsonw_end_array(w);
	jsonw_string_field(w, "error", err ? err_str(err, msg, sizeof(msg)) : NULL);
	jsonw_end_object(w);
}
