// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * drop_http - drop TCP traffic to port 80, over IPv4 or IPv6, with or
 * without VLAN tags. Frames cut short inside their headers, or with
 * headers that make no sense, are dropped too; everything else passes.
 * The same decision serves XDP and TC:
 *
 *	ip link set dev eth0 xdp obj drop_http.bpf.o sec xdp
 *	tc filter add dev eth0 egress bpf da obj drop_http.bpf.o sec tc
 */
#include <typegen/probe.h>

TG_LICENSE("GPL");

#define HTTP_PORT 80

/* Should @pkt be dropped? */
static __always_inline bool is_http(struct tg_pkt *pkt)
{
	struct tcphdr *tcp = tg_pkt_tcp(pkt);

	if (!tcp)
		/*
		 * Not TCP, or not the first fragment: not ours to judge.
		 * Broken headers are nobody's.
		 */
		return pkt->err == -TG_ETRUNC || pkt->err == -TG_EBADHDR;
	return tcp->dest == bpf_htons(HTTP_PORT);
}

SEC("xdp")
int xdp_drop_http(struct xdp_md *ctx)
{
	struct tg_pkt pkt;

	tg_xdp_pkt(&pkt, ctx);
	return is_http(&pkt) ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int tc_drop_http(struct __sk_buff *skb)
{
	struct tg_pkt pkt;

	tg_skb_pkt(&pkt, skb);
	return is_http(&pkt) ? TC_ACT_SHOT : TC_ACT_OK;
}
