/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * kernel_tree.c - the kernels of a btfhub-like tree and a pool of worker
 * threads over them, shared by the batch modes (min --batch, check
 * --batch). Not installed.
 */
#ifndef __TG_KERNEL_TREE_H
#define __TG_KERNEL_TREE_H

#include <stddef.h>

/*
 * Called for each kernel file under the root: @rel its path under the
 * root, @dir_len the length of its directory part (with the '/'),
 * @name_len the length of its name up to and including ".btf".
 * A negative return stops the walk.
 */
typedef int (*tg_tree_fn)(void *ctx, const char *rel, size_t dir_len,
			  size_t name_len);

/*
 * Visit every kernel file under @root (names ending in .btf, or .btf and
 * compression or archive suffixes), in directory order. Returns 0,
 * -ENOENT / -ENOTDIR for @root, or what @fn returned.
 */
int tg_tree_walk(const char *root, tg_tree_fn fn, void *ctx);

typedef void (*tg_job_fn)(void *ctx, size_t idx);
/* Called under the pool's lock, one call at a time, as each job ends. */
typedef void (*tg_job_done_fn)(void *ctx, size_t idx, size_t done,
			       size_t total);

/*
 * Run @work(ctx, i) for every i below @cnt on @jobs threads (0: one per
 * online CPU; never more than @cnt), the calling thread being one of
 * them; @done may be NULL. Returns 0 or an error creating a thread (the
 * jobs are all run even then, on the threads that started).
 */
int tg_run_jobs(size_t cnt, unsigned int jobs, tg_job_fn work,
		tg_job_done_fn done, void *ctx);

#endif /* __TG_KERNEL_TREE_H */
