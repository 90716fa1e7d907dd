// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tg_min__batch(): minimized BTF for every kernel of a btfhub-like tree,
 * on worker threads that each take the next kernel (kernel_tree.c). The objects are
 * parsed once and only read by the workers; each kernel's types are
 * opened, minimized and freed by the worker that took it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input/input.h"
#include "kernel/kernel_tree.h"
#include "min.h"

struct tg_min_batch {
	struct tg_min_kernel *k;
	size_t cnt, cap;
};

struct batch_run {
	const struct tg_min *m;
	const char *in_dir, *out_dir;
	const struct tg_min_batch_opts *opts;
	struct tg_min_batch *b;
};

static int add_kernel(void *ctx, const char *rel, size_t dir_len,
		      size_t name_len)
{
	struct tg_min_batch *b = ctx;
	struct tg_min_kernel *k;
	char *out;

	if (b->cnt == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;

		k = realloc(b->k, cap * sizeof(*k));
		if (!k)
			return -ENOMEM;
		b->k = k;
		b->cap = cap;
	}
	k = &b->k[b->cnt];
	memset(k, 0, sizeof(*k));
	k->input = strdup(rel);
	out = strndup(rel, dir_len + name_len);
	k->output = out;
	if (!k->input || !out) {
		free((char *)k->input);
		free(out);
		return -ENOMEM;
	}
	b->cnt++;
	return 0;
}

static int cmp_kernel(const void *a, const void *b)
{
	return strcmp(((const struct tg_min_kernel *)a)->input,
		      ((const struct tg_min_kernel *)b)->input);
}

static int cmp_output(const void *a, const void *b)
{
	return strcmp((*(struct tg_min_kernel *const *)a)->output,
		      (*(struct tg_min_kernel *const *)b)->output);
}

/*
 * k.btf and k.btf.xz both give k.btf: neither is written, as which one
 * was meant cannot be told.
 */
static int mark_clashes(struct tg_min_batch *b)
{
	struct tg_min_kernel **by_out = malloc(b->cnt * sizeof(*by_out));
	size_t i, j;

	if (!by_out && b->cnt)
		return -ENOMEM;
	for (i = 0; i < b->cnt; i++)
		by_out[i] = &b->k[i];
	if (b->cnt)
		qsort(by_out, b->cnt, sizeof(*by_out), cmp_output);
	for (i = 0; i < b->cnt; i = j) {
		for (j = i + 1; j < b->cnt &&
			    !strcmp(by_out[i]->output, by_out[j]->output); j++)
			by_out[j]->err = -TG_ERRNO__OUTCLASH;
		if (j > i + 1)
			by_out[i]->err = -TG_ERRNO__OUTCLASH;
	}
	free(by_out);
	return 0;
}

/*
 * An output directory that is the input directory or under it would have
 * the batch write over its own inputs (k.btf minimized into k.btf) or
 * read its outputs as inputs next time. Compared by real path; an output
 * directory yet to be made is judged by its nearest existing parent.
 */
static int check_out_dir(const char *in_dir, const char *out_dir)
{
	char in[PATH_MAX], out[PATH_MAX], probe[PATH_MAX], *slash;
	size_t n;

	if (!realpath(in_dir, in))
		return -errno;
	if (snprintf(probe, sizeof(probe), "%s", out_dir) >=
	    (int)sizeof(probe))
		return -ENAMETOOLONG;
	while (!realpath(probe, out)) {
		slash = strrchr(probe, '/');
		if (errno != ENOENT || !slash)
			return errno == ENOENT ? 0 : -errno;
		if (slash == probe) {
			strcpy(probe, "/");
			continue;
		}
		*slash = '\0';
	}
	n = strlen(in);
	if (!strncmp(in, out, n) &&
	    (out[n] == '\0' || out[n] == '/' || !strcmp(in, "/")))
		return -TG_ERRNO__BATCHDIR;
	return 0;
}

static bool newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* mkdir -p of the directory part of @path. */
static int make_parents(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

static int write_result(FILE *out, void *ctx)
{
	return tg_min_result__write(ctx, out);
}

static void count_relos(struct tg_min_kernel *k,
			const struct tg_min_result *res)
{
	size_t i;

	for (i = 0; i < tg_min_result__relo_cnt(res); i++) {
		enum tg_relo_status s = tg_min_result__relo(res, i)->status;

		k->poison_cnt += s == TG_RELO_POISON;
		k->error_cnt += s == TG_RELO_ERROR;
	}
}

static int minimize(struct batch_run *br, struct tg_min_kernel *k,
		    const char *in, const char *out)
{
	struct tg_min_result *res;
	struct tg_btf *btf;
	int err;

	err = tg_btf__open(in, NULL, &btf);
	if (err)
		return err;
	err = tg_min__run(br->m, btf, NULL, 0, &res);
	tg_btf__free(btf);
	if (err)
		return err;
	count_relos(k, res);
	err = make_parents(out);
	err = err ?: tg_write_file_atomic(out, write_result, res);
	tg_min_result__free(res);
	return err;
}

static void do_kernel(struct batch_run *br, struct tg_min_kernel *k)
{
	const struct timespec *objs = tg_min_newest_object(br->m);
	char in[PATH_MAX], out[PATH_MAX];
	struct stat si, so;

	if (k->err)
		return;
	snprintf(in, sizeof(in), "%s/%s", br->in_dir, k->input);
	snprintf(out, sizeof(out), "%s/%s", br->out_dir, k->output);
	if (stat(in, &si)) {
		k->err = -errno;
		return;
	}
	k->in_bytes = si.st_size;
	if (!TG_OPTS_GET(br->opts, force, false) && !stat(out, &so) &&
	    newer(&so.st_mtim, &si.st_mtim) &&
	    (!objs || newer(&so.st_mtim, objs))) {
		k->skipped = true;
		k->out_bytes = so.st_size;
		return;
	}
	k->err = minimize(br, k, in, out);
	if (!k->err && !stat(out, &so))
		k->out_bytes = so.st_size;
}

static void work(void *ctx, size_t idx)
{
	struct batch_run *br = ctx;

	do_kernel(br, &br->b->k[idx]);
}

static void done(void *ctx, size_t idx, size_t n, size_t total)
{
	struct batch_run *br = ctx;
	tg_min_progress_fn fn = TG_OPTS_GET(br->opts, progress, NULL);

	if (fn)
		fn(&br->b->k[idx], n, total, TG_OPTS_GET(br->opts, ctx, NULL));
}

int tg_min__batch(const struct tg_min *m, const char *in_dir,
		  const char *out_dir, const struct tg_min_batch_opts *opts,
		  struct tg_min_batch **bp)
{
	struct batch_run br = { .m = m, .in_dir = in_dir, .out_dir = out_dir,
				.opts = opts };
	struct stat st;
	int err;

	*bp = NULL;
	if (!m || !in_dir || !out_dir || !TG_OPTS_VALID(opts, tg_min_batch_opts))
		return -EINVAL;
	if (stat(in_dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	err = check_out_dir(in_dir, out_dir);
	if (err)
		return err;
	br.b = calloc(1, sizeof(*br.b));
	if (!br.b)
		return -ENOMEM;
	err = tg_tree_walk(in_dir, add_kernel, br.b);
	if (err)
		goto fail;
	qsort(br.b->k, br.b->cnt, sizeof(*br.b->k), cmp_kernel);
	err = mark_clashes(br.b);
	if (err)
		goto fail;
	err = tg_run_jobs(br.b->cnt, TG_OPTS_GET(opts, jobs, 0), work, done,
			  &br);
	if (err)
		goto fail;
	*bp = br.b;
	return 0;
fail:
	tg_min_batch__free(br.b);
	return err;
}

size_t tg_min_batch__cnt(const struct tg_min_batch *b)
{
	return b ? b->cnt : 0;
}

const struct tg_min_kernel *tg_min_batch__kernel(const struct tg_min_batch *b,
						 size_t idx)
{
	return b && idx < b->cnt ? &b->k[idx] : NULL;
}

void tg_min_batch__free(struct tg_min_batch *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->cnt; i++) {
		free((char *)b->k[i].input);
		free((char *)b->k[i].output);
	}
	free(b->k);
	free(b);
}
