// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * CO-RE relocations against a kernel module's types (tests/fixtures/
 * module_a.c, split BTF on the kernel fixture) and the kernel's, for
 * test_min: the module's struct (a plain field, a bitfield, an array) and
 * enum, and a kernel struct beside them. Local definitions name only what
 * is read, as CO-RE programs without a module header do.
 */
/* No kernel headers: the integer types bpf_helpers.h needs, as BPF has them. */
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

typedef int pid_t;

enum tg_mod_a_state {
	TG_MOD_A_IDLE,
	TG_MOD_A_DEAD = 5,
};

struct tg_mod_a_dev {
	pid_t pid;
	unsigned int busy : 1;
	char name[16];
	enum tg_mod_a_state state;
} __attribute__((preserve_access_index));

struct task_struct {
	pid_t tgid;
} __attribute__((preserve_access_index));

SEC("raw_tp/sys_enter")
int module_reads(void *ctx)
{
	struct tg_mod_a_dev *d = (void *)bpf_get_current_task();
	struct task_struct *t = (void *)d;
	__u64 acc = 0;
	char c = 0;

	acc += BPF_CORE_READ(d, pid);
	acc += BPF_CORE_READ_BITFIELD_PROBED(d, busy);
	bpf_core_read(&c, 1, &d->name[2]);
	acc += c;
	acc += BPF_CORE_READ(d, state);
	acc += bpf_core_enum_value(enum tg_mod_a_state, TG_MOD_A_DEAD);
	acc += bpf_core_type_size(struct tg_mod_a_dev);
	acc += BPF_CORE_READ(t, tgid);
	return acc & 1;
}

char LICENSE[] SEC("license") = "GPL";
