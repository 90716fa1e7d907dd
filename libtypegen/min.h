/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared by min.c and min_batch.c; not installed. */
#ifndef __TG_MIN_H
#define __TG_MIN_H

#include <time.h>
#include "typegen.h"

/* The modification time of the newest object of @m, or NULL if none. */
const struct timespec *tg_min_newest_object(const struct tg_min *m);

#endif /* __TG_MIN_H */
