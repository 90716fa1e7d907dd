/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * core/ - the top layer, what CO-RE objects need of a kernel: their
 * relocations resolved (core_relo.c, core_relo.h), minimized BTF (min.c,
 * min_batch.c) and whether they load (check.c). Uses kernel/ (the kernel
 * trees of --batch), input/, btf/ and util/. This header is shared by
 * min.c, min_batch.c and check.c; not installed.
 */
#ifndef __TG_MIN_H
#define __TG_MIN_H

#include <stdbool.h>
#include <time.h>
#include "typegen.h"

/* The modification time of the newest object of @m, or NULL if none. */
const struct timespec *tg_min_newest_object(const struct tg_min *m);

struct tg_core_obj;

/*
 * tg_min__run(), or with !@types only the resolution: no types kept, none
 * written (tg_min_result__btf() is then NULL). For typegen check.
 */
int tg_min_resolve(const struct tg_min *m, const struct tg_btf *kernel,
		   struct tg_btf *const *mods, size_t mod_cnt, bool types,
		   struct tg_min_result **resp);

struct tg_core_cands;

/*
 * Relocation @idx of a result tg_min_resolve() made without types: the
 * target types libbpf would have tried for it if it is unsatisfied
 * (empty if none, or if it is satisfied), as indexes of kernel then
 * modules. NULL for a result with types.
 */
const struct tg_core_cands *tg_min_result_cands(const struct tg_min_result *res,
					       size_t idx);

/* Object @idx of @m as core_relo.c read it, or NULL. */
const struct tg_core_obj *tg_min_object(const struct tg_min *m, size_t idx);

#endif /* __TG_MIN_H */
