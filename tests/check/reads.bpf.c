// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * One socket filter per CO-RE outcome, for test_check: each reads a map
 * value as the kernel type, so that the verifier accepts every offset the
 * fixture kernels (tests/check/kernel.c) give and libbpf's verdict is the
 * relocations' alone.
 */
/* No <linux/bpf.h>: it needs the host's <asm/types.h>. */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

enum { BPF_MAP_TYPE_ARRAY = 2 };

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct mm_struct {
	unsigned long start_stack;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	unsigned int __state;
	unsigned int loginuid;
	struct mm_struct *mm;
} __attribute__((preserve_access_index));

struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

struct bio {
	int bi_flags;
} __attribute__((preserve_access_index));

enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_TGID,
};

struct blob {
	char b[512];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct blob);
} blobs SEC(".maps");

static __always_inline void *blob(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&blobs, &k);
}

SEC("socket")
int present(void *ctx)
{
	struct task_struct *t = blob();

	return t ? t->pid : 0;
}

SEC("socket")
int flavor(void *ctx)
{
	struct task_struct *t = blob();

	if (!t)
		return 0;
	if (bpf_core_field_exists(t->__state))
		return t->__state;
	return ((struct task_struct___old *)t)->state;
}

SEC("socket")
int resized(void *ctx)
{
	struct bio *b = blob();

	return b ? b->bi_flags : 0;
}

SEC("socket")
int missing_guarded(void *ctx)
{
	struct task_struct *t = blob();

	if (t && bpf_core_field_exists(t->loginuid))
		return t->loginuid;
	return 0;
}

SEC("socket")
int missing(void *ctx)
{
	struct task_struct *t = blob();

	return t ? t->loginuid : 0;
}

SEC("socket")
int enum_gone(void *ctx)
{
	return bpf_core_enum_value(enum pid_type, PIDTYPE_TGID);
}

SEC("socket")
int enum_guarded(void *ctx)
{
	if (bpf_core_enum_value_exists(enum pid_type, PIDTYPE_TGID))
		return bpf_core_enum_value(enum pid_type, PIDTYPE_TGID);
	return -1;
}

SEC("socket")
int type_gone(void *ctx)
{
	struct mm_struct *mm = blob();

	return mm ? mm->start_stack : 0;
}

SEC("socket")
int type_guarded(void *ctx)
{
	struct mm_struct *mm = blob();

	if (mm && bpf_core_type_exists(struct mm_struct))
		return mm->start_stack;
	return 0;
}

/* A subprogram (in .text, called): its caller fares as it does. */
static __attribute__((noinline)) int read_loginuid(struct task_struct *t)
{
	return t ? t->loginuid : 0;
}

SEC("socket")
int via_subprog(void *ctx)
{
	return read_loginuid(blob());
}

char LICENSE[] SEC("license") = "GPL";
