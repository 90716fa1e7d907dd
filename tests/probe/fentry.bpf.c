// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fentry - TG_FENTRY and TG_FEXIT on vfs_read: count the calls of this
 * process and the bytes they returned. Kernels that refuse trampolines
 * refuse the load; test_probe_api then says so and skips.
 */
#include "vmlinux.h"
#include <typegen/probe.h>

TG_LICENSE("GPL");

/* Keep in step with tests/probe/test_probe_api.c. */
struct read_totals {
	__u64 entered;
	__u64 exited;
	__u64 bytes;
};

TG_MAP_HASH(totals, __u32, struct read_totals, 64);

static __always_inline struct read_totals *mine(void)
{
	struct read_totals zero = {};
	__u32 pid = tg_pid();

	totals_update(&pid, &zero, BPF_NOEXIST);
	return totals_lookup(&pid);
}

TG_FENTRY(vfs_read, read_entry, struct file *file, char *buf, size_t count,
	  loff_t *pos)
{
	struct read_totals *t = mine();

	if (t)
		__sync_fetch_and_add(&t->entered, 1);
	return 0;
}

TG_FEXIT(vfs_read, read_exit, struct file *file, char *buf, size_t count,
	 loff_t *pos, ssize_t ret)
{
	struct read_totals *t = mine();

	if (!t)
		return 0;
	__sync_fetch_and_add(&t->exited, 1);
	if (ret > 0)
		__sync_fetch_and_add(&t->bytes, ret);
	return 0;
}
