// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernels of a btfhub-like tree, <distro>/<version>/<arch>/<release>.btf
 * (or .btf.tar.xz...), and a pool of worker threads that each take the
 * next one: what every batch mode needs, whatever it does per kernel.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel_tree.h"

/* Suffixes a kernel file may have after ".btf". */
static const char *const suffixes[] = {
	".tar", ".xz", ".gz", ".zst", ".bz2", ".lz4", ".lzma", ".lzo",
};

/* Length of @name up to and including its ".btf", or 0 if not a kernel. */
static size_t kernel_name_len(const char *name)
{
	const char *p = NULL, *q = name, *s;
	size_t i;

	while ((q = strstr(q, ".btf"))) {
		p = q;
		q += 4;
	}
	if (!p || p == name)
		return 0;
	for (s = p + 4; *s; ) {
		for (i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
			size_t n = strlen(suffixes[i]);

			if (!strncmp(s, suffixes[i], n) &&
			    (s[n] == '\0' || s[n] == '.'))
				break;
		}
		if (i == sizeof(suffixes) / sizeof(*suffixes))
			return 0;
		s += strlen(suffixes[i]);
	}
	return p + 4 - name;
}

/*
 * Collect kernel files under @root/@rel, recursively. Symlinks to files
 * are followed, symlinks to directories are not: a link to "." or to "/"
 * would make the tree endless or the whole machine. A subdirectory that
 * cannot be read is left out, not the batch.
 */
static int walk(const char *root, const char *rel, int depth, tg_tree_fn fn,
		void *ctx)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dir;
	int err = 0;

	if (depth > 16)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	dir = opendir(path);
	if (!dir)
		return *rel ? 0 : -errno;
	while (!err && (d = readdir(dir))) {
		size_t n;

		if (d->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel,
				     *rel ? "/" : "", d->d_name) >= sizeof(sub))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", root,
				     sub) >= sizeof(path) || lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			err = walk(root, sub, depth + 1, fn, ctx);
			continue;
		}
		if (S_ISLNK(st.st_mode) && stat(path, &st))
			continue;
		n = kernel_name_len(d->d_name);
		if (S_ISREG(st.st_mode) && n)
			err = fn(ctx, sub, strlen(sub) - strlen(d->d_name), n);
	}
	closedir(dir);
	return err;
}

int tg_tree_walk(const char *root, tg_tree_fn fn, void *ctx)
{
	struct stat st;

	if (stat(root, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return walk(root, "", 0, fn, ctx);
}

struct pool {
	size_t cnt, next, done;
	tg_job_fn work;
	tg_job_done_fn done_fn;
	void *ctx;
	pthread_mutex_t lock;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		i = p->next < p->cnt ? p->next++ : p->cnt;
		pthread_mutex_unlock(&p->lock);
		if (i == p->cnt)
			return NULL;
		p->work(p->ctx, i);
		pthread_mutex_lock(&p->lock);
		p->done++;
		if (p->done_fn)
			p->done_fn(p->ctx, i, p->done, p->cnt);
		pthread_mutex_unlock(&p->lock);
	}
}

int tg_run_jobs(size_t cnt, unsigned int jobs, tg_job_fn work,
		tg_job_done_fn done, void *ctx)
{
	struct pool p = { .cnt = cnt, .work = work, .done_fn = done,
			  .ctx = ctx };
	unsigned int i, started = 0;
	pthread_t *th;
	int err = 0;

	if (!jobs)
		jobs = sysconf(_SC_NPROCESSORS_ONLN) > 0 ?
		       sysconf(_SC_NPROCESSORS_ONLN) : 1;
	if (jobs > cnt)
		jobs = cnt ? cnt : 1;
	th = calloc(jobs, sizeof(*th));
	if (!th)
		return -ENOMEM;
	pthread_mutex_init(&p.lock, NULL);
	/* This thread is a worker too. */
	for (i = 1; i < jobs; i++) {
		err = -pthread_create(&th[i], NULL, worker, &p);
		if (err)
			break;
		started++;
	}
	worker(&p);
	for (i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.lock);
	free(th);
	return err;
}
