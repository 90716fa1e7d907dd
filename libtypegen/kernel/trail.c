// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The trail of a selection: every check the rules and the headers method
 * make, recorded as they make it. (Moved from kernel/select.c, so that
 * headers.c and select.c no longer call each other.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/kernel.h"

int tg_trail_add(struct tg_trail *t, enum tg_method method, const char *what,
		 const char *path, int err)
{
	struct tg_select_step *s;
	char *copy = strdup(path ?: "");

	if (!copy)
		return -ENOMEM;
	if (t->cnt == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;

		s = realloc(t->steps, cap * sizeof(*s));
		if (!s) {
			free(copy);
			return -ENOMEM;
		}
		t->steps = s;
		t->cap = cap;
	}
	s = &t->steps[t->cnt++];
	s->method = method;
	s->what = what;
	s->path = copy;
	s->err = err;
	return 0;
}
