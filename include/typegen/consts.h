/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * typegen/consts.h - constants that BTF cannot carry.
 *
 * The kernel defines these with #define, so they never reach BTF and
 * vmlinux.h cannot have them. Each is guarded with #ifndef, and spelled as
 * the kernel's headers spell it, so that a program which also includes the
 * kernel's own headers still builds. A few (TASK_COMM_LEN, BPF_F_CURRENT_CPU,
 * IPPROTO_TCP...) are enumerators in recent kernels; the macro has the same
 * value and is harmless after vmlinux.h.
 */
#ifndef __TYPEGEN_CONSTS_H
#define __TYPEGEN_CONSTS_H

/* ---- Ethernet (linux/if_ether.h, linux/if_vlan.h) -------------------- */

#ifndef ETH_ALEN
#define ETH_ALEN	6		/* octets in one Ethernet address */
#endif
#ifndef ETH_HLEN
#define ETH_HLEN	14		/* octets in an Ethernet header */
#endif
#ifndef ETH_P_ALL
#define ETH_P_ALL	0x0003		/* all (packet sockets) */
#endif
#ifndef ETH_P_IP
#define ETH_P_IP	0x0800		/* IPv4 */
#endif
#ifndef ETH_P_ARP
#define ETH_P_ARP	0x0806		/* ARP */
#endif
#ifndef ETH_P_8021Q
#define ETH_P_8021Q	0x8100		/* 802.1Q VLAN tag */
#endif
#ifndef ETH_P_IPV6
#define ETH_P_IPV6	0x86DD		/* IPv6 */
#endif
#ifndef ETH_P_8021AD
#define ETH_P_8021AD	0x88A8		/* 802.1ad tag (QinQ) */
#endif
#ifndef VLAN_VID_MASK
#define VLAN_VID_MASK	0x0fff		/* VLAN id bits of a TCI */
#endif
#ifndef VLAN_PRIO_MASK
#define VLAN_PRIO_MASK	0xe000		/* priority bits of a TCI */
#endif
#ifndef VLAN_PRIO_SHIFT
#define VLAN_PRIO_SHIFT	13
#endif

/* ---- IP (linux/in.h, linux/in6.h, net/ip.h) --------------------------- */

#ifndef IPPROTO_HOPOPTS
#define IPPROTO_HOPOPTS		0	/* IPv6 hop-by-hop options */
#endif
#ifndef IPPROTO_ICMP
#define IPPROTO_ICMP		1
#endif
#ifndef IPPROTO_TCP
#define IPPROTO_TCP		6
#endif
#ifndef IPPROTO_UDP
#define IPPROTO_UDP		17
#endif
#ifndef IPPROTO_IPV6
#define IPPROTO_IPV6		41
#endif
#ifndef IPPROTO_ROUTING
#define IPPROTO_ROUTING		43	/* IPv6 routing header */
#endif
#ifndef IPPROTO_FRAGMENT
#define IPPROTO_FRAGMENT	44	/* IPv6 fragmentation header */
#endif
#ifndef IPPROTO_GRE
#define IPPROTO_GRE		47
#endif
#ifndef IPPROTO_ESP
#define IPPROTO_ESP		50
#endif
#ifndef IPPROTO_AH
#define IPPROTO_AH		51
#endif
#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6		58	/* ICMPv6 */
#endif
#ifndef IPPROTO_NONE
#define IPPROTO_NONE		59	/* IPv6 no next header */
#endif
#ifndef IPPROTO_DSTOPTS
#define IPPROTO_DSTOPTS		60	/* IPv6 destination options */
#endif
#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP		132
#endif

/* IPv4 frag_off bits (host order; compare with bpf_ntohs(ip->frag_off)). */
#ifndef IP_CE
#define IP_CE		0x8000		/* congestion */
#endif
#ifndef IP_DF
#define IP_DF		0x4000		/* don't fragment */
#endif
#ifndef IP_MF
#define IP_MF		0x2000		/* more fragments */
#endif
#ifndef IP_OFFSET
#define IP_OFFSET	0x1FFF		/* offset, in 8 bytes */
#endif

/* ---- sockets (linux/socket.h) ----------------------------------------- */

#ifndef AF_UNSPEC
#define AF_UNSPEC	0
#endif
#ifndef AF_UNIX
#define AF_UNIX		1
#endif
#ifndef AF_INET
#define AF_INET		2
#endif
#ifndef AF_INET6
#define AF_INET6	10
#endif
#ifndef AF_PACKET
#define AF_PACKET	17
#endif
#ifndef AF_XDP
#define AF_XDP		44
#endif

/* ---- TC verdicts (linux/pkt_cls.h) ------------------------------------ */

#ifndef TC_ACT_UNSPEC
#define TC_ACT_UNSPEC	(-1)	/* the qdisc's default */
#endif
#ifndef TC_ACT_OK
#define TC_ACT_OK	0	/* let the packet through */
#endif
#ifndef TC_ACT_RECLASSIFY
#define TC_ACT_RECLASSIFY	1	/* classify again */
#endif
#ifndef TC_ACT_SHOT
#define TC_ACT_SHOT	2	/* drop */
#endif
#ifndef TC_ACT_PIPE
#define TC_ACT_PIPE	3	/* go on with the next action */
#endif
#ifndef TC_ACT_STOLEN
#define TC_ACT_STOLEN	4	/* consumed, no drop counted */
#endif
#ifndef TC_ACT_QUEUED
#define TC_ACT_QUEUED	5
#endif
#ifndef TC_ACT_REPEAT
#define TC_ACT_REPEAT	6
#endif
#ifndef TC_ACT_REDIRECT
#define TC_ACT_REDIRECT	7	/* bpf_redirect() was called */
#endif
#ifndef TC_ACT_TRAP
#define TC_ACT_TRAP	8
#endif

/* ---- tasks, perf, BPF ------------------------------------------------- */

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN	16		/* a task's comm, NUL included */
#endif
#ifndef PERF_MAX_STACK_DEPTH
#define PERF_MAX_STACK_DEPTH	127	/* frames in one stack trace */
#endif
#ifndef BPF_F_CURRENT_CPU
#define BPF_F_CURRENT_CPU	0xffffffffULL	/* this CPU's buffer */
#endif

#endif /* __TYPEGEN_CONSTS_H */
