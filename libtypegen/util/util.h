/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * util/ - the bottom layer: errors' text (errors.c), atomic output files
 * (output.c), reading a file to the end (file.c), string vectors (strv.c),
 * a second thread on another CPU (spawn.c) and the checks of *_opts
 * structs. Uses nothing of libtypegen; every
 * other concern may use it. Not installed.
 */
#ifndef __TG_UTIL_H
#define __TG_UTIL_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/types.h>
#include "typegen.h"

/*
 * An opts struct is valid when its .sz covers at least .sz itself and every
 * byte past the fields this library knows is zero: a caller built against a
 * newer header that sets a field we do not know gets -EINVAL, not silence.
 */
static inline bool tg_opts_valid(const void *opts, size_t known_sz,
				 size_t user_sz)
{
	const char *p = opts;
	size_t i;

	if (!opts)
		return true;
	if (user_sz < sizeof(size_t))
		return false;
	for (i = known_sz; i < user_sz; i++)
		if (p[i])
			return false;
	return true;
}

#define TG_OPTS_KNOWN_SZ(type)						\
	(offsetof(struct type, type##__last_field) +			\
	 sizeof(((struct type *)0)->type##__last_field))

#define TG_OPTS_VALID(opts, type)					\
	(!(opts) || tg_opts_valid((opts), TG_OPTS_KNOWN_SZ(type),	\
				  (opts)->sz))

/* A field of opts if the caller's struct is large enough to hold it. */
#define TG_OPTS_HAS(opts, field)					\
	((opts) && (opts)->sz >= offsetof(typeof(*(opts)), field) +	\
				  sizeof((opts)->field))
#define TG_OPTS_GET(opts, field, fallback)				\
	(TG_OPTS_HAS(opts, field) ? (opts)->field : (fallback))

/* util/file.c - reading files. */
/*
 * pread() until @len bytes or end of file (read() from the file position
 * if @off is negative): the count read, or -errno.
 */
ssize_t tg_pread_full(int fd, void *buf, size_t len, off_t off);

/* util/strv.c */
struct tg_strv {
	char **v;		/* NULL-terminated */
	size_t cnt, cap;
};
int tg_strv_add(struct tg_strv *sv, const char *s);
void tg_strv_free(struct tg_strv *sv);

/*
 * util/spawn.c: a second thread for work split in two. Linux often queues a
 * new thread on its creator's CPU, and an idle CPU takes it over only at a
 * balancing tick, milliseconds later: in 8 of 14 runs of two 4 ms jobs on
 * a 2-CPU machine they ran one after the other. So the thread is started
 * on another CPU than this one, when there is another it may use, and
 * lifts that restriction as it starts.
 */
struct tg_spawn {
	void *(*fn)(void *);
	void *arg;
	cpu_set_t allowed;	/* what the thread may run on afterwards */
};

/* pthread_create() on another CPU; @sp must outlive the thread. */
int tg_spawn_thread(pthread_t *th, struct tg_spawn *sp,
		    void *(*fn)(void *), void *arg);

#endif /* __TG_UTIL_H */
