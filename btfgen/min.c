// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen min - minimized BTF for CO-RE BPF objects: just the types and
 * members their relocations resolve to on one kernel, or on every kernel
 * of a btfhub-like tree (--batch).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "main.h"

struct min_args {
	struct input_args in;
	const char **objs;
	size_t obj_cnt;
	const char *output;
	const char *batch;
	unsigned int jobs;
	bool force;
};

static const char *verdict_str(enum tg_min_verdict v)
{
	switch (v) {
	case TG_MIN_LOADS:
		return "loads";
	case TG_MIN_LOADS_IF_DEAD:
		return "loads if the poisoned instructions are dead code";
	case TG_MIN_FAILS:
		return "does not load";
	}
	return "?";
}

static const char *status_str(enum tg_relo_status s)
{
	switch (s) {
	case TG_RELO_OK:
		return "ok";
	case TG_RELO_ABSENT:
		return "absent";
	case TG_RELO_POISON:
		return "poisoned";
	case TG_RELO_ERROR:
		return "error";
	}
	return "?";
}

/* One line per relocation the kernel cannot satisfy. */
static void print_relo_text(FILE *f, const struct tg_min *m,
			    const struct tg_min_relo *r)
{
	char msg[256];

	fprintf(f, "%s: %s '%s' insn %u: relo #%u %s %s: ",
		tg_min__object_path(m, r->obj),
		r->program ? "program" : "section",
		r->program ? r->program : r->section,
		r->insn_idx, r->index, tg_relo_kind__str(r->kind), r->spec);
	if (r->status == TG_RELO_POISON)
		fprintf(f, "not on this kernel; instruction poisoned\n");
	else
		fprintf(f, "%s\n", err_str(r->err, msg, sizeof(msg)));
}

static void report_text(FILE *f, const struct tg_min *m,
			const struct tg_min_result *res, const char *kernel)
{
	size_t i, n = tg_min_result__relo_cnt(res);

	for (i = 0; i < n; i++) {
		const struct tg_min_relo *r = tg_min_result__relo(res, i);

		if (r->status == TG_RELO_POISON || r->status == TG_RELO_ERROR)
			print_relo_text(f, m, r);
	}
	for (i = 0; i < tg_min__object_cnt(m); i++)
		fprintf(f, "%s: %s on %s\n", tg_min__object_path(m, i),
			verdict_str(tg_min_result__verdict(res, i)), kernel);
}

static void json_relo(struct json_writer *w, const struct tg_min_relo *r)
{
	char msg[256];

	jsonw_start_object(w);
	jsonw_string_field(w, "section", r->section);
	jsonw_string_field(w, "program", r->program);
	jsonw_name(w, "insn");
	jsonw_uint(w, r->insn_idx);
	jsonw_name(w, "index");
	jsonw_uint(w, r->index);
	jsonw_string_field(w, "kind", tg_relo_kind__str(r->kind));
	jsonw_string_field(w, "spec", r->spec);
	jsonw_string_field(w, "status", status_str(r->status));
	if (r->status == TG_RELO_ERROR)
		jsonw_string_field(w, "error", err_str(r->err, msg, sizeof(msg)));
	else if (r->status != TG_RELO_POISON) {
		jsonw_name(w, "value");
		jsonw_uint(w, r->value);
	}
	jsonw_end_object(w);
}

static void report_json(const struct tg_min *m,
			const struct tg_min_result *res, const char *kernel,
			const char *output)
{
	size_t i, j, n = tg_min_result__relo_cnt(res);
	struct json_writer w;

	jsonw_init(&w, stdout, pretty_output);
	jsonw_start_object(&w);
	jsonw_string_field(&w, "kernel", kernel);
	jsonw_string_field(&w, "output", output);
	jsonw_name(&w, "objects");
	jsonw_start_array(&w);
	for (i = 0; i < tg_min__object_cnt(m); i++) {
		jsonw_start_object(&w);
		jsonw_string_field(&w, "path", tg_min__object_path(m, i));
		jsonw_string_field(&w, "verdict",
				   verdict_str(tg_min_result__verdict(res, i)));
		jsonw_name(&w, "relocations");
		jsonw_start_array(&w);
		for (j = 0; j < n; j++) {
			const struct tg_min_relo *r = tg_min_result__relo(res, j);

			if (r->obj == i)
				json_relo(&w, r);
		}
		jsonw_end_array(&w);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	jsonw_finish(&w);
}

static int write_result(FILE *out, void *ctx)
{
	return tg_min_result__write(ctx, out);
}

static int add_min_object(void *m, const char *path)
{
	return tg_min__add_object(m, path);
}

static int load_objects(const struct min_args *a, struct tg_min **mp)
{
	int err = tg_min__new(NULL, mp);

	if (err) {
		p_err_code(NULL, err);
		return EXIT_ERR;
	}
	return add_objects(a->objs, a->obj_cnt, add_min_object, *mp);
}

static int output_one(const struct min_args *a, const struct tg_min *m,
		      const struct tg_min_result *res, const char *kernel)
{
	int err;

	err = write_output_file(a->output, write_result, (void *)res);
	if (err) {
		p_err_code(a->output ? a->output : "standard output", err);
		return EXIT_ERR;
	}
	/* With the types on stdout the report goes to stderr. */
	if (json_output && a->output)
		report_json(m, res, kernel, a->output);
	else
		report_text(a->output ? stdout : stderr, m, res, kernel);
	return EXIT_OK;
}

static int run_one(const struct min_args *a, struct tg_min *m)
{
	struct tg_min_result *res = NULL;
	const struct tg_btf *kernel;
	struct inputs in = {};
	int ret = EXIT_ERR, err;

	if (load_unmerged(&a->in, &in, &kernel))
		goto out;
	err = tg_min__run(m, kernel, in.mods, in.mod_cnt, &res);
	if (err) {
		p_err_code(in.name, err);
		goto out;
	}
	ret = output_one(a, m, res, in.name);
out:
	tg_min_result__free(res);
	free_inputs(&in);
	return ret;
}

/* ---- batch -------------------------------------------------------------- */

static void progress(const struct tg_min_kernel *k, size_t done,
		     size_t total, void *ctx)
{
	(void)ctx;
	batch_progress(k->input, done, total);
}

struct batch_sum {
	size_t done, skipped, failed, warned;
	size_t in_bytes, out_bytes;
};

static void sum_batch(const struct tg_min_batch *b, struct batch_sum *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < tg_min_batch__cnt(b); i++) {
		const struct tg_min_kernel *k = tg_min_batch__kernel(b, i);

		if (k->err) {
			s->failed++;
			continue;
		}
		if (k->skipped)
			s->skipped++;
		else
			s->done++;
		if (k->poison_cnt || k->error_cnt)
			s->warned++;
		s->in_bytes += k->in_bytes;
		s->out_bytes += k->out_bytes;
	}
}

static void batch_text(const struct tg_min_batch *b, const struct batch_sum *s)
{
	char msg[256];
	size_t i;

	for (i = 0; i < tg_min_batch__cnt(b); i++) {
		const struct tg_min_kernel *k = tg_min_batch__kernel(b, i);

		if (k->err)
			printf("%s: failed: %s\n", k->input,
			       err_str(k->err, msg, sizeof(msg)));
		else if (k->poison_cnt || k->error_cnt)
			printf("%s: %zu relocations poisoned, %zu refused\n",
			       k->input, k->poison_cnt, k->error_cnt);
	}
	printf("kernels: %zu done, %zu up to date, %zu failed (%zu with unsatisfied relocations)\n",
	       s->done, s->skipped, s->failed, s->warned);
	printf("bytes: %zu in, %zu out\n", s->in_bytes, s->out_bytes);
}

static void batch_json(const struct tg_min_batch *b, const struct batch_sum *s)
{
	struct json_writer w;
	char msg[256];
	size_t i;

	jsonw_init(&w, stdout, pretty_output);
	jsonw_start_object(&w);
	jsonw_name(&w, "done");
	jsonw_uint(&w, s->done);
	jsonw_name(&w, "up_to_date");
	jsonw_uint(&w, s->skipped);
	jsonw_name(&w, "failed");
	jsonw_uint(&w, s->failed);
	jsonw_name(&w, "bytes_in");
	jsonw_uint(&w, s->in_bytes);
	jsonw_name(&w, "bytes_out");
	jsonw_uint(&w, s->out_bytes);
	jsonw_name(&w, "kernels");
	jsonw_start_array(&w);
	for (i = 0; i < tg_min_batch__cnt(b); i++) {
		const struct tg_min_kernel *k = tg_min_batch__kernel(b, i);

		jsonw_start_object(&w);
		jsonw_string_field(&w, "input", k->input);
		jsonw_string_field(&w, "output", k->output);
		jsonw_string_field(&w, "status", k->err ? "failed" :
				   k->skipped ? "up to date" : "done");
		if (k->err)
			jsonw_string_field(&w, "error",
					   err_str(k->err, msg, sizeof(msg)));
		jsonw_name(&w, "bytes_in");
		jsonw_uint(&w, k->in_bytes);
		jsonw_name(&w, "bytes_out");
		jsonw_uint(&w, k->out_bytes);
		jsonw_name(&w, "poisoned");
		jsonw_uint(&w, k->poison_cnt);
		jsonw_name(&w, "refused");
		jsonw_uint(&w, k->error_cnt);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	jsonw_finish(&w);
}

static int run_batch(const struct min_args *a, struct tg_min *m)
{
	TG_OPTS(tg_min_batch_opts, opts, .jobs = a->jobs, .force = a->force);
	struct tg_min_batch *b;
	struct batch_sum s;
	int err;

	if (isatty(STDERR_FILENO) && !json_output)
		opts.progress = progress;
	err = tg_min__batch(m, a->batch, a->output, &opts, &b);
	if (err) {
		p_err_code(a->batch, err);
		return EXIT_ERR;
	}
	sum_batch(b, &s);
	if (json_output)
		batch_json(b, &s);
	else
		batch_text(b, &s);
	tg_min_batch__free(b);
	return s.failed ? EXIT_ERR : EXIT_OK;
}

/* ---- options ------------------------------------------------------------ */

static const struct cmd_opt min_opts[] = {
	OPTION_INPUT("the kernel's types, in any form dump reads\n"
		     "(default: found as typegen(1) describes)",
		     struct min_args, in.loc),
	OPTION_FROM_DWARF(HELP_FROM_DWARF, struct min_args, in.loc),
	OPTION_BTF_FEATURES(HELP_BTF_FEATURES, struct min_args, in.loc),
	OPTION_BASE("the kernel's types, if -i is a module's",
		    struct min_args, in),
	OPTION_MODULE("a kernel module's types, split BTF on the\n"
		      "kernel's (repeatable): relocations to types\n"
		      "vmlinux lacks are looked for there, and what\n"
		      "they need is written with the rest",
		      struct min_args, in),
	OPTION_RELEASE("kernel release in the probed paths",
		       struct min_args, in.loc),
	OPTION_SYSROOT("look for the probed paths under DIR",
		       struct min_args, in.loc),
	OPTION_STR("output", 'o', "PATH",
		   "the file to write (raw BTF; standard output if\n"
		   "not a terminal), or with --batch the directory",
		   struct min_args, output),
	OPTION_STR("batch", 0, "DIR",
		   "minimize every kernel under DIR, a tree like\n"
		   "btfhub's <distro>/<version>/<arch>/<release>.btf\n"
		   "(or .btf.tar.xz...), into the same tree under -o\n"
		   "as <release>.btf; kernels whose output is newer\n"
		   "than their input and the objects are skipped",
		   struct min_args, batch),
	OPTION_FN("jobs", 0, "N",
		  "worker threads for --batch (default: one per CPU)",
		  struct min_args, jobs, opt_jobs),
	OPTION_FLAG("force", "with --batch, redo kernels already up to date",
		    struct min_args, force),
	{ 0 },
};

static int check_args(const struct min_args *a)
{
	const char *why = NULL;

	if (!a->obj_cnt)
		why = "no BPF object given";
	else if (a->batch && !a->output)
		why = "--batch needs -o DIR";
	else if (a->batch && (a->in.loc.path || a->in.base || a->in.module_cnt))
		why = "--batch reads its kernels from DIR: no -i, --base or --module";
	else if (!a->batch && (a->jobs || a->force))
		why = "--jobs and --force are for --batch";
	else if (!a->batch && !a->output && isatty(STDOUT_FILENO))
		why = "raw BTF is binary: not written to a terminal; use -o FILE or redirect";
	if (!why)
		return EXIT_OK;
	p_err(NULL, "min: %s; try '%s min --help'", why, prog_name);
	return EXIT_USAGE;
}

static int do_min(int argc, char **argv)
{
	struct min_args a = {};
	struct tg_min *m = NULL;
	int ret;

	ret = parse_opts(&cmd_min, argc, argv, &a);
	a.objs = (const char **)argv + optind;
	a.obj_cnt = argc - optind;
	if (ret == PARSE_HELP) {
		ret = EXIT_OK;
		goto out;
	}
	ret = ret ?: check_args(&a);
	if (ret)
		goto out;
	ret = load_objects(&a, &m);
	if (!ret)
		ret = a.batch ? run_batch(&a, m) : run_one(&a, m);
out:
	tg_min__free(m);
	free(a.in.modules);
	return ret;
}

const struct cmd cmd_min = {
	.name = "min",
	.summary = "write the BTF CO-RE objects need from kernels, and nothing else",
	.run = do_min,
	.usage = (const char *const []){
		"OBJ... [-i PATH] [--base PATH] [--module PATH]... -o FILE",
		"OBJ... --batch DIR -o DIR [--jobs N] [--force]",
		NULL,
	},
	.about =
		"Write the BTF that CO-RE BPF objects (OBJ, compiled with clang -g\n"
		"-target bpf) need from a kernel: only the types and members their\n"
		"relocations resolve to, at their original offsets and sizes. Give\n"
		"the result to libbpf as btf_custom_path on a kernel without BTF.\n"
		"Relocations the kernel cannot satisfy are reported, with whether\n"
		"each object will still load.\n",
	.opts = min_opts,
	.epilog =
		"Exit status: 0 when the types were written (even if relocations\n"
		"are unsatisfied: see the report), 1 on errors; with --batch 1 if a\n"
		"kernel failed.\n",
};
