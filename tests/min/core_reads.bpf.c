// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Every kind of CO-RE relocation on the kernel's types, for test_min:
 * field offsets through pointers, anonymous members and arrays, field
 * sizes, signedness and existence, bitfields (offset, size, shifts), type
 * existence, size, id and match, enumerator existence and value; and a
 * field the kernel no longer has, read only behind its existence check
 * (libbpf poisons that read, and the program loads as it is dead code).
 * Compiled at test time against a vmlinux.h of the kernel fixture.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* task_struct before 5.14 had "long state". */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

/* A flavor that only names members the kernel has. */
struct list_head___mine {
	struct list_head *next;
	struct list_head *prev;
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_enter")
int core_reads(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct task_struct___old *old = (void *)t;
	__u64 acc = 0;
	char c = 0;

	acc += BPF_CORE_READ(t, pid);
	acc += BPF_CORE_READ(t, real_parent, tgid);
	acc += BPF_CORE_READ(t, mm, mmap_base);
	bpf_core_read(&c, 1, &t->comm[3]);
	acc += c;
	acc += bpf_core_field_size(t->pid);
	acc += __builtin_preserve_field_info(t->pid, BPF_FIELD_SIGNED);
	acc += bpf_core_field_exists(t->__state);
	acc += BPF_CORE_READ_BITFIELD_PROBED(t, sched_reset_on_fork);
	acc += BPF_CORE_READ_BITFIELD_PROBED(t, in_iowait);
	if (bpf_core_field_exists(old->state))
		acc += BPF_CORE_READ(old, state);
	acc += bpf_core_type_exists(struct task_struct);
	acc += bpf_core_type_size(struct mm_struct);
	acc += bpf_core_type_id_kernel(struct task_struct);
	acc += bpf_core_type_matches(struct list_head___mine);
	acc += bpf_core_enum_value_exists(enum pid_type, PIDTYPE_TGID);
	acc += bpf_core_enum_value(enum pid_type, PIDTYPE_SID);
	return acc & 1;
}

char LICENSE[] SEC("license") = "GPL";
