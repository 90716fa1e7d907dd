/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Bytes that end right before an unmapped page, so that reading one byte
 * past them faults even where no sanitizer watches (data handed to libelf,
 * which reads it in place). Shared by the tests and the fuzz harnesses.
 */
#ifndef __TG_GUARD_H
#define __TG_GUARD_H

#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct guarded {
	void *map;		/* the mapping, guard page excluded */
	size_t map_sz;
	unsigned char *data;	/* @size bytes, the mapping's last */
};

/* A copy of @size bytes at @data, or -1 if no memory. */
static inline int guarded_copy(const void *data, size_t size,
			       struct guarded *g)
{
	size_t page = sysconf(_SC_PAGESIZE);
	size_t len = (size + page - 1) / page * page;
	unsigned char *map;

	if (!len)
		len = page;
	map = mmap(NULL, len + page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return -1;
	if (mprotect(map + len, page, PROT_NONE)) {
		munmap(map, len + page);
		return -1;
	}
	g->map = map;
	g->map_sz = len + page;
	g->data = map + len - size;
	memcpy(g->data, data, size);
	return 0;
}

static inline void guarded_free(struct guarded *g)
{
	munmap(g->map, g->map_sz);
}

#endif /* __TG_GUARD_H */
