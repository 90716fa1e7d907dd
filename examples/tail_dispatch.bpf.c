// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tail_dispatch - an XDP dispatcher: one small program finds the transport
 * protocol and tail-calls the handler for it from a program array, filled
 * at load time. Protocols without a handler pass. Each program counts the
 * packets it saw in `paths`.
 *
 * Handlers can be replaced at run time (bpftool map update name handlers
 * key 6 0 0 0 value pinned /sys/fs/bpf/new_tcp) without touching the
 * dispatcher attached to the device.
 */
#include <typegen/probe.h>

TG_LICENSE("GPL");

enum dispatch_path {
	PATH_DISPATCHER,	/* no handler: the dispatcher decided */
	PATH_TCP,
	PATH_UDP,
	PATH_CNT,		/* not PATH_MAX: kernel headers define it */
};

TG_MAP_ARRAY(paths, __u64, PATH_CNT);

int handle_tcp(struct xdp_md *ctx);
int handle_udp(struct xdp_md *ctx);

TG_MAP_PROG_ARRAY(handlers, 256,
		  [IPPROTO_TCP] = (void *)&handle_tcp,
		  [IPPROTO_UDP] = (void *)&handle_udp);

static __always_inline void took(enum dispatch_path path)
{
	__u64 *n = paths_lookup(path);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("xdp")
int dispatch(struct xdp_md *ctx)
{
	struct tg_pkt pkt;

	tg_xdp_pkt(&pkt, ctx);
	if (!tg_pkt_l3(&pkt))
		handlers_tail_call(ctx, pkt.l4_proto);	/* no return */
	took(PATH_DISPATCHER);
	return XDP_PASS;
}

/* TCP: drop telnet, pass the rest. */
SEC("xdp")
int handle_tcp(struct xdp_md *ctx)
{
	struct tg_pkt pkt;
	struct tcphdr *tcp;

	took(PATH_TCP);
	tg_xdp_pkt(&pkt, ctx);
	tcp = tg_pkt_tcp(&pkt);
	if (tcp && tcp->dest == bpf_htons(23))
		return XDP_DROP;
	return XDP_PASS;
}

/* UDP: drop what goes to the discard port (9), pass the rest. */
SEC("xdp")
int handle_udp(struct xdp_md *ctx)
{
	struct tg_pkt pkt;
	struct udphdr *udp;

	took(PATH_UDP);
	tg_xdp_pkt(&pkt, ctx);
	udp = tg_pkt_udp(&pkt);
	if (udp && udp->dest == bpf_htons(9))
		return XDP_DROP;
	return XDP_PASS;
}
