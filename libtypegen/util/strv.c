// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A growing NULL-terminated vector of strings (compiler flags, paths):
 * shared, at the bottom. (Moved from kernel/select.c.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "util/util.h"

int tg_strv_add(struct tg_strv *sv, const char *s)
{
	char *copy = strdup(s);
	char **v;

	if (!copy)
		return -ENOMEM;
	/* One more for the NULL that ends the array. */
	if (sv->cnt + 1 >= sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 32;

		v = realloc(sv->v, cap * sizeof(*v));
		if (!v) {
			free(copy);
			return -ENOMEM;
		}
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->cnt++] = copy;
	sv->v[sv->cnt] = NULL;
	return 0;
}

void tg_strv_free(struct tg_strv *sv)
{
	size_t i;

	for (i = 0; i < sv->cnt; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}
