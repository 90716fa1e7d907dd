/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * typegen/trace.h - tracing programs: kprobes, uprobes, fentry/fexit,
 * tracepoints and raw tracepoints, with typed arguments.
 *
 *	TG_KPROBE(vfs_read, on_read, struct file *file, char *buf, size_t n)
 *	{
 *		...
 *		return 0;
 *	}
 *
 * The macros write the section name and the function head; the body
 * follows. Arguments are declared with their types and read from the
 * registers of the architecture the program is built for (libbpf's
 * PT_REGS_* and BPF_KPROBE/BPF_PROG, selected by -D__TARGET_ARCH_x86,
 * _arm64, ...), so the same source works on x86_64 and arm64. Tracing
 * programs return 0.
 */
#ifndef __TYPEGEN_TRACE_H
#define __TYPEGEN_TRACE_H

/* ---- kprobes and uprobes --------------------------------------------- */

/*
 * TG_KPROBE - a program run when kernel function @func is entered, with its
 * first arguments typed (up to five, in registers):
 *
 *	TG_KPROBE(do_unlinkat, on_unlink, int dfd, struct filename *name)
 *
 * Pointer arguments point to kernel memory: read through them with
 * BPF_CORE_READ() or tg_read_kernel().
 */
#define TG_KPROBE(func, name, args...)					\
	SEC("kprobe/" #func) int BPF_KPROBE(name, ##args)

/*
 * TG_KRETPROBE - a program run when @func returns, with its return value:
 *
 *	TG_KRETPROBE(vfs_read, on_read_ret, ssize_t ret)
 */
#define TG_KRETPROBE(func, name, args...)				\
	SEC("kretprobe/" #func) int BPF_KRETPROBE(name, ##args)

/*
 * TG_KSYSCALL - a kprobe on system call @syscall with its arguments as user
 * space passed them, whatever the architecture's syscall wrappers do:
 *
 *	TG_KSYSCALL(openat, on_openat, int dfd, const char *path)
 */
#define TG_KSYSCALL(syscall, name, args...)				\
	SEC("ksyscall/" #syscall) int BPF_KSYSCALL(name, ##args)

/*
 * TG_UPROBE, TG_URETPROBE - the same for a function of a user program or
 * library, entered or returning. User space attaches them
 * (bpf_program__attach_uprobe_opts() with the binary and the function's
 * name); pointer arguments point to user memory (tg_read_user()).
 */
#define TG_UPROBE(name, args...)					\
	SEC("uprobe") int BPF_KPROBE(name, ##args)

#define TG_URETPROBE(name, args...)					\
	SEC("uretprobe") int BPF_KRETPROBE(name, ##args)

/*
 * tg_arg - argument @n (1 to 5, a constant) of the probed function, from a
 * kprobe's or uprobe's @ctx, as an unsigned long; tg_ret - the return value
 * in a kretprobe or uretprobe. For programs that take struct pt_regs *ctx
 * rather than using the macros above.
 */
#define tg_arg(ctx, n)	PT_REGS_PARM##n(ctx)
#define tg_ret(ctx)	PT_REGS_RC(ctx)

/*
 * tg_arg_core - argument @n from a struct pt_regs that is not the program's
 * context (a kernel pointer: read with CO-RE).
 */
#define tg_arg_core(regs, n)	PT_REGS_PARM##n##_CORE(regs)

/*
 * tg_syscall_arg - argument @n (1 to 5) of a system call, from the user
 * registers @regs a syscall wrapper or the sys_enter raw tracepoint gets
 * (x86_64 passes the fourth in r10, not rcx).
 */
#define tg_syscall_arg(regs, n)	PT_REGS_PARM##n##_CORE_SYSCALL(regs)

/* ---- fentry and fexit -------------------------------------------------- */

/*
 * TG_FENTRY - like TG_KPROBE, through a BPF trampoline (faster; kernel 5.5
 * and a kernel with BTF): the arguments, all of them, are typed and
 * pointers into the kernel can be dereferenced directly.
 */
#define TG_FENTRY(func, name, args...)					\
	SEC("fentry/" #func) int BPF_PROG(name, ##args)

/*
 * TG_FEXIT - run when @func returns, with all its arguments followed by its
 * return value:
 *
 *	TG_FEXIT(vfs_read, on_read, struct file *f, char *buf, size_t n,
 *		 loff_t *pos, ssize_t ret)
 */
#define TG_FEXIT(func, name, args...)					\
	SEC("fexit/" #func) int BPF_PROG(name, ##args)

/* ---- tracepoints -------------------------------------------------------- */

/*
 * TG_TRACEPOINT - a program on tracepoint @category/@event (as listed in
 * /sys/kernel/tracing/events), whose context is a @ctx_type *ctx:
 *
 *	TG_TRACEPOINT(syscalls, sys_enter_connect, on_connect,
 *		      struct tg_syscall_enter)
 *	TG_TRACEPOINT(sched, sched_process_exec, on_exec,
 *		      struct trace_event_raw_sched_process_exec)
 *
 * vmlinux.h has the context of most tracepoints as
 * struct trace_event_raw_<event or its class>; the syscall ones are below.
 */
#define TG_TRACEPOINT(category, event, name, ctx_type)			\
	SEC("tracepoint/" #category "/" #event) int name(ctx_type *ctx)

/*
 * The context of the syscalls/sys_enter_* tracepoints: the syscall's number
 * and its arguments, each widened to 64 bits (the layout of their format
 * files, the same on every architecture).
 */
struct tg_syscall_enter {
	__u64 __common;		/* type, flags, preempt count, pid */
	__s32 nr;		/* syscall number */
	__u32 __pad;
	__u64 args[6];		/* the arguments, in order */
};

/* The context of the syscalls/sys_exit_* tracepoints. */
struct tg_syscall_exit {
	__u64 __common;
	__s32 nr;
	__u32 __pad;
	__s64 ret;		/* the return value (-errno on error) */
};

/*
 * TG_RAW_TRACEPOINT - a raw tracepoint: the tracepoint's own arguments
 * (the TP_PROTO of its definition), typed, without the formatting of a
 * classic tracepoint:
 *
 *	TG_RAW_TRACEPOINT(sys_enter, on_sys_enter, struct pt_regs *regs,
 *			  long id)
 *
 * Pointers are to kernel memory (BPF_CORE_READ(), tg_read_kernel()).
 */
#define TG_RAW_TRACEPOINT(event, name, args...)				\
	SEC("raw_tp/" #event) int BPF_PROG(name, ##args)

/*
 * TG_TP_BTF - the same through BTF: the verifier knows the argument types,
 * so pointers to kernel structures can be dereferenced directly.
 */
#define TG_TP_BTF(event, name, args...)					\
	SEC("tp_btf/" #event) int BPF_PROG(name, ##args)

#endif /* __TYPEGEN_TRACE_H */
