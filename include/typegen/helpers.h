/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * typegen/helpers.h - the helpers people reach for, with plain names.
 *
 * Each is a thin, always-inlined wrapper over a helper that libbpf's
 * bpf_helper_defs.h declares; nothing is redeclared.
 */
#ifndef __TYPEGEN_HELPERS_H
#define __TYPEGEN_HELPERS_H

/* ---- who is running --------------------------------------------------- */

/* tg_pid_tgid - the current task's tgid (high 32 bits) and pid (low 32). */
static __always_inline __u64 tg_pid_tgid(void)
{
	return bpf_get_current_pid_tgid();
}

/*
 * tg_pid - the process id user space sees (getpid()): the kernel's tgid of
 * the current task.
 */
static __always_inline __u32 tg_pid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

/* tg_tid - the thread id user space sees (gettid()): the kernel's pid. */
static __always_inline __u32 tg_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

/* tg_uid - the current task's user id (in the initial user namespace). */
static __always_inline __u32 tg_uid(void)
{
	return (__u32)bpf_get_current_uid_gid();
}

/* tg_gid - the current task's group id (in the initial user namespace). */
static __always_inline __u32 tg_gid(void)
{
	return bpf_get_current_uid_gid() >> 32;
}

/*
 * tg_comm - copy the current task's name (NUL-terminated, cut to
 * TASK_COMM_LEN - 1 characters) into @comm. Returns 0 or a negative error
 * (@comm is then zeroed).
 */
static __always_inline long tg_comm(char comm[TASK_COMM_LEN])
{
	return bpf_get_current_comm(comm, TASK_COMM_LEN);
}

/* tg_current_task - the current task, for BPF_CORE_READ(). */
static __always_inline struct task_struct *tg_current_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

/* tg_cpu - the CPU the program runs on. */
static __always_inline __u32 tg_cpu(void)
{
	return bpf_get_smp_processor_id();
}

/* ---- time ------------------------------------------------------------- */

/* tg_now_ns - CLOCK_MONOTONIC in nanoseconds (stops while suspended). */
static __always_inline __u64 tg_now_ns(void)
{
	return bpf_ktime_get_ns();
}

/* tg_boot_ns - CLOCK_BOOTTIME in nanoseconds (counts suspend too). */
static __always_inline __u64 tg_boot_ns(void)
{
	return bpf_ktime_get_boot_ns();
}

/* ---- probe reads -------------------------------------------------------
 *
 * Tracing programs cannot dereference kernel or user pointers directly
 * (except through BTF-typed arguments of fentry/tp_btf programs). These
 * copy @size bytes from @src into @dst and return 0 or a negative error,
 * after which @dst is zeroed. For chains of kernel pointers, prefer
 * BPF_CORE_READ(task, mm, exe_file) from bpf_core_read.h: it survives
 * changes of struct layout between kernels.
 */

/* tg_read_kernel - copy from kernel memory. */
static __always_inline long tg_read_kernel(void *dst, __u32 size,
					   const void *src)
{
	return bpf_probe_read_kernel(dst, size, src);
}

/* tg_read_user - copy from the current task's user memory. */
static __always_inline long tg_read_user(void *dst, __u32 size,
					 const void *src)
{
	return bpf_probe_read_user(dst, size, src);
}

/*
 * tg_read_kernel_str, tg_read_user_str - copy a NUL-terminated string of at
 * most @size bytes (NUL included). Return the length copied, NUL included,
 * or a negative error.
 */
static __always_inline long tg_read_kernel_str(char *dst, __u32 size,
					       const void *src)
{
	return bpf_probe_read_kernel_str(dst, size, src);
}

static __always_inline long tg_read_user_str(char *dst, __u32 size,
					     const void *src)
{
	return bpf_probe_read_user_str(dst, size, src);
}

/*
 * tg_read_user_var - read one object of @var's type from user address @uptr
 * into @var: tg_read_user_var(addr, (struct sockaddr_in *)uaddr).
 */
#define tg_read_user_var(var, uptr)					\
	bpf_probe_read_user(&(var), sizeof(var), (const void *)(uptr))

/* tg_read_kernel_var - the same for a kernel address. */
#define tg_read_kernel_var(var, kptr)					\
	bpf_probe_read_kernel(&(var), sizeof(var), (const void *)(kptr))

/* ---- printk ------------------------------------------------------------ */

/*
 * tg_printk - printf to /sys/kernel/tracing/trace_pipe (for debugging only:
 * slow, and the kernel warns about it at boot). At most three arguments
 * before kernel 5.13; the format is a string literal.
 */
#define tg_printk(fmt, args...) bpf_printk(fmt, ##args)

#endif /* __TYPEGEN_HELPERS_H */
