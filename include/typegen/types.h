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
 *  - no vmlinux.h: the kernel's UAPI headers are included here, which is
 *    enough for packet programs (XDP, TC, socket filters). Tracing programs
 *    that dereference kernel structures need vmlinux.h.
 */
#ifndef __TYPEGEN_TYPES_H
#define __TYPEGEN_TYPES_H

#if defined(__VMLINUX_H__)

/* The types come from vmlinux.h. */
#define TG_TYPES_VMLINUX 1

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
