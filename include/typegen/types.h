/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * typegen/types.h - where the kernel's types come from.
 *
 * This is the only header of the probe API that knows how the program got
 * the kernel's types; everything else uses them by name (struct ethhdr,
 * struct xdp_md, struct __sk_buff, struct pt_regs...).
 *
 *  - vmlinux.h (typegen dump, or bpftool btf dump ... format c): every type
 *    of the running kernel is already declared, with CO-RE relocations.
 *    Nothing more is needed.
 *  - the kernel's headers (TYPEGEN_KERNEL_HEADERS, defined by typegen
 *    cflags under the headers method): included here.
 *  - neither: the kernel's UAPI headers are included here, which is
 *    enough for packet programs (XDP, TC, socket filters). Tracing programs
 *    that dereference kernel structures need vmlinux.h.
 */
#ifndef __TYPEGEN_TYPES_H
#define __TYPEGEN_TYPES_H

/*
 * typegen cflags defines TYPEGEN_VMLINUX under the vmlinux method, with -I
 * for the directory of the vmlinux.h it wrote: a program that includes
 * only <typegen/probe.h> builds under either method.
 */
#if defined(TYPEGEN_VMLINUX) && !defined(__VMLINUX_H__)
#include "vmlinux.h"
#endif

#if defined(__VMLINUX_H__)

/* The types come from vmlinux.h. */
#define TG_TYPES_VMLINUX 1

#elif defined(TYPEGEN_KERNEL_HEADERS)

/*
 * The types come from the kernel's own headers (typegen cflags, headers
 * method: -D__KERNEL__ and the kernel's include directories). These are
 * the headers that declare what the probe API names: the BPF context
 * types, pt_regs, the packet headers, task_struct and sockaddr.
 */
#define TG_TYPES_KERNEL_HEADERS 1

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/socket.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>

#else

/* The types come from the kernel's UAPI headers. */
#define TG_TYPES_UAPI 1

#include <stdbool.h>		/* vmlinux.h has bool, true and false */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <linux/ptrace.h>

/* Declared so that helpers can name them; only vmlinux.h defines them. */
struct task_struct;
struct sockaddr;

#endif

#endif /* __TYPEGEN_TYPES_H */
