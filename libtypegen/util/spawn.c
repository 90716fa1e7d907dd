// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A second thread, on the other CPU. */
#include <pthread.h>
#include <sched.h>
#include "util/util.h"

static void *spawned(void *arg)
{
	struct tg_spawn *sp = arg;

	pthread_setaffinity_np(pthread_self(), sizeof(sp->allowed),
			       &sp->allowed);
	return sp->fn(sp->arg);
}

int tg_spawn_thread(pthread_t *th, struct tg_spawn *sp,
		    void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t others;
	int cpu = sched_getcpu(), err;

	sp->fn = fn;
	sp->arg = arg;
	if (cpu < 0 || cpu >= CPU_SETSIZE ||
	    sched_getaffinity(0, sizeof(sp->allowed), &sp->allowed))
		return pthread_create(th, NULL, fn, arg);
	others = sp->allowed;
	CPU_CLR(cpu, &others);
	if (!CPU_COUNT(&others) || pthread_attr_init(&attr))
		return pthread_create(th, NULL, fn, arg);
	err = pthread_attr_setaffinity_np(&attr, sizeof(others), &others);
	if (!err)
		err = pthread_create(th, &attr, spawned, sp);
	pthread_attr_destroy(&attr);
	return err ? pthread_create(th, NULL, fn, arg) : 0;
}

