// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * iter_task - a BPF iterator over tasks printing with BPF_SEQ_PRINTF,
 * and kfuncs (RCU read lock, task acquire/release) declared by the
 * header's kfunc prototypes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task, *leader;

	if (!task)
		return 0;
	if (ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(seq, "    tgid      pid comm\n");
	bpf_rcu_read_lock();
	leader = bpf_task_acquire(task->group_leader);
	if (leader) {
		BPF_SEQ_PRINTF(seq, "%8d %8d %s\n", leader->tgid, task->pid,
			       task->comm);
		bpf_task_release(leader);
	}
	bpf_rcu_read_unlock();
	return 0;
}
