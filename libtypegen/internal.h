/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Definitions shared by the libtypegen modules; not installed. */
#ifndef __TG_INTERNAL_H
#define __TG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include "typegen.h"

struct btf;

struct tg_btf {
	struct btf *btf;
	char *path;
	enum tg_format format;
};

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

/* load.c */
int tg_btf_from_mem(const void *data, size_t size, const char *name,
		    struct tg_btf **btfp);

#endif /* __TG_INTERNAL_H */
