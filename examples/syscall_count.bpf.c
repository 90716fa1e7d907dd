// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscall_count - count system calls per process and syscall number, from
 * the sys_enter raw tracepoint, whose arguments come typed (the user's
 * registers and the syscall number). bpftool map dump name syscalls.
 */
#include <typegen/probe.h>

TG_LICENSE("GPL");

struct syscall_key {
	__u32 pid;
	__u32 nr;
};

/* LRU: processes that exit make room for new ones. */
TG_MAP_LRU_HASH(syscalls, struct syscall_key, __u64, 16384);

TG_RAW_TRACEPOINT(sys_enter, count_syscall, struct pt_regs *regs, long id)
{
	struct syscall_key key = { .pid = tg_pid(), .nr = id };

	tg_map_add(&syscalls, &key, 1);
	return 0;
}
