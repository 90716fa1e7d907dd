// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * kprobe_core - a kprobe reading through pointer chains with CO-RE: the
 * program names task_struct only, yet needs mm_struct, file, dentry and
 * qstr defined. Also bitfields, field existence and enum values.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct event {
	u64 pgd;
	u32 pid;
	u32 flags;
	char comm[16];
	char exe[32];
	u64 mnt_flags;
	int state_exists;
	int tcp_listen;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(on_unlink, int dfd, struct filename *name)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pgd = (u64)BPF_CORE_READ(task, mm, pgd);
	e->pid = BPF_CORE_READ(task, tgid);
	e->flags = BPF_CORE_READ_BITFIELD_PROBED(task, in_execve);
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
	BPF_CORE_READ_STR_INTO(&e->exe, task, mm, exe_file, f_path.dentry,
			       d_name.name);
	e->mnt_flags = BPF_CORE_READ(task, fs, root.mnt, mnt_flags);
	e->state_exists = bpf_core_field_exists(task->__state);
	e->tcp_listen = bpf_core_enum_value(enum tcp_ca_state, TCP_CA_Loss);
	bpf_ringbuf_submit(e, 0);
	return 0;
}
