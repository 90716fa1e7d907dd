/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * typegen/probe.h - the probe API: write BPF programs on the kernel types
 * typegen generates.
 *
 *	#include <typegen/probe.h>	(flags: typegen cflags)
 *
 *	TG_LICENSE("GPL");
 *	TG_MAP_HASH(counts, __u32, __u64, 1024);
 *
 *	SEC("xdp")
 *	int count_tcp(struct xdp_md *ctx)
 *	{
 *		struct tg_pkt pkt;
 *		struct tcphdr *tcp;
 *
 *		tg_xdp_pkt(&pkt, ctx);
 *		tcp = tg_pkt_tcp(&pkt);
 *		...
 *	}
 *
 * This is the one header to include. It brings in libbpf's bpf_helpers.h,
 * bpf_tracing.h, bpf_core_read.h and bpf_endian.h, then the focused headers
 * beside it:
 *
 *	types.h		where the kernel's types come from (the only
 *			place that knows about vmlinux.h)
 *	consts.h	constants BTF cannot carry (ETH_P_IP, AF_INET...)
 *	meta.h		license and version sections (TG_LICENSE)
 *	helpers.h	pid/tgid, uid/gid, comm, time, probe reads, printk
 *	maps.h		BTF-defined maps with typed wrappers
 *	packet.h	bounds-checked packet accessors (struct tg_pkt)
 *	xdp.h		XDP: the packet of an xdp_md, verdicts, redirects
 *	skb.h		TC and socket filters: the packet of an __sk_buff
 *	trace.h		kprobes, uprobes, fentry/fexit, tracepoints
 *
 * The kernel's types come from vmlinux.h or from the kernel's own headers,
 * which types.h includes as the flags of typegen cflags say (or which the
 * program includes first itself: the kernel's types are not redeclared
 * here). Include this header after any kernel
 * header, since the constants it defines are guarded by #ifndef.
 *
 * Compile with clang -O2 -g -target bpf -D__TARGET_ARCH_x86 (or _arm64...):
 * bpf_tracing.h needs the target architecture for PT_REGS_*.
 */
#ifndef __TYPEGEN_PROBE_H
#define __TYPEGEN_PROBE_H

#include "types.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "consts.h"
#include "meta.h"
#include "helpers.h"
#include "maps.h"
#include "packet.h"
#include "xdp.h"
#include "skb.h"
#include "trace.h"

#endif /* __TYPEGEN_PROBE_H */
