// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * syscall_args - the tracing side of the probe API on a system call whose
 * arguments the test chooses: syscall(PROBE_NR, 11, 22, 33, 44, 55), a
 * number no kernel implements (it fails with ENOSYS, after the tracepoints
 * have fired). Raw tracepoint, BTF tracepoint and classic tracepoints each
 * record the arguments in their slot of `seen`; the raw one also records
 * what helpers.h says of the caller and its kernel stack.
 */
#include "vmlinux.h"
#include <typegen/probe.h>

TG_LICENSE("GPL");

#define PROBE_NR 1000

/* Keep in step with tests/probe/test_probe_api.c. */
struct seen_call {
	__s64 nr;
	__u64 args[5];
	__s64 ret;
	__u32 hits;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__u32 gid;
	__u32 cpu;
	__s64 stack_id;
	__u64 now_ns;
	__u64 boot_ns;
	char comm[TASK_COMM_LEN];
};

enum { SLOT_RAW_TP, SLOT_TP_BTF, SLOT_TP_ENTER, SLOT_TP_EXIT, SLOT_MAX };

TG_MAP_ARRAY(seen, struct seen_call, SLOT_MAX);
TG_MAP_STACK_TRACE(stacks, 64);

/* Record syscall(@nr, args of @regs) in @slot; NULL if it is not ours. */
static __always_inline struct seen_call *record(__u32 slot, long nr,
						struct pt_regs *regs)
{
	struct seen_call *s;

	if (nr != PROBE_NR)
		return NULL;
	s = seen_lookup(slot);
	if (!s)
		return NULL;
	s->nr = nr;
	s->hits++;
	s->pid = tg_pid();
	if (regs) {
		s->args[0] = tg_syscall_arg(regs, 1);
		s->args[1] = tg_syscall_arg(regs, 2);
		s->args[2] = tg_syscall_arg(regs, 3);
		s->args[3] = tg_syscall_arg(regs, 4);
		s->args[4] = tg_syscall_arg(regs, 5);
	}
	return s;
}

TG_RAW_TRACEPOINT(sys_enter, raw_enter, struct pt_regs *regs, long id)
{
	struct seen_call *s = record(SLOT_RAW_TP, id, regs);

	if (!s)
		return 0;
	s->tid = tg_tid();
	s->uid = tg_uid();
	s->gid = tg_gid();
	s->cpu = tg_cpu();
	s->now_ns = tg_now_ns();
	s->boot_ns = tg_boot_ns();
	s->stack_id = stacks_get(ctx, 0);
	tg_comm(s->comm);
	return 0;
}

TG_TP_BTF(sys_enter, btf_enter, struct pt_regs *regs, long id)
{
	record(SLOT_TP_BTF, id, regs);
	return 0;
}

TG_TRACEPOINT(raw_syscalls, sys_enter, tp_enter, struct tg_syscall_enter)
{
	struct seen_call *s = record(SLOT_TP_ENTER, ctx->nr, NULL);
	int i;

	if (!s)
		return 0;
	for (i = 0; i < 5; i++)
		s->args[i] = ctx->args[i];
	return 0;
}

TG_TRACEPOINT(raw_syscalls, sys_exit, tp_exit, struct tg_syscall_exit)
{
	struct seen_call *s = record(SLOT_TP_EXIT, ctx->nr, NULL);

	if (s)
		s->ret = ctx->ret;
	return 0;
}
