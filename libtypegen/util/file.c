// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reading a file descriptor to the end of what was asked: shared by the
 * inputs and the DWARF converter, below both. (Moved from input/load.c.)
 */
#include <errno.h>
#include <unistd.h>
#include "util/util.h"

/*
 * Read up to @len bytes, stopping early only at end of file: from the
 * file position if @off is negative, else with pread() at @off.
 */
static ssize_t io_full(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = off < 0 ? read(fd, (char *)buf + done, len - done) :
			      pread(fd, (char *)buf + done, len - done,
				    off + done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

ssize_t tg_pread_full(int fd, void *buf, size_t len, off_t off)
{
	return io_full(fd, buf, len, off);
}
