// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * parse_report - what the packet accessors of typegen/packet.h find, as
 * XDP, TC and a socket filter see it: test_probe_api runs the three on
 * the same frames and compares the reports with each other and with what
 * it built.
 */
#include "vmlinux.h"
#include <typegen/probe.h>

TG_LICENSE("GPL");

/* Keep in step with struct parse_report in tests/probe/test_probe_api.c. */
struct parse_report {
	__s32 err_l3;		/* tg_pkt_l3() */
	__s32 err_tcp;		/* pkt.err if tg_pkt_tcp() gave NULL */
	__s32 err_udp;
	__s32 err_payload;
	__s32 err_eth;
	__s32 vlan_id;		/* tg_pkt_vlan_id() */
	__u16 l3_proto;
	__u8 l4_proto;
	__u8 vlan_depth;
	__u16 sport;		/* host order, from TCP or UDP */
	__u16 dport;
	__u16 payload_len;
	__u8 payload[4];	/* the first 4 bytes */
	__u8 eth_dst[ETH_ALEN];
	__u16 ipv4_ttl;		/* tg_pkt_ipv4(), 0xffff if NULL */
	__u16 ipv6_hops;	/* tg_pkt_ipv6(), 0xffff if NULL */
	struct tg_ip_addr src;
	struct tg_ip_addr dst;
};

enum { SLOT_XDP, SLOT_TC, SLOT_SOCKET, SLOT_MAX };

TG_MAP_ARRAY(reports, struct parse_report, SLOT_MAX);

static __always_inline void report(struct tg_pkt *pkt, __u32 slot)
{
	struct parse_report *r = reports_lookup(slot);
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	struct tcphdr *tcp;
	struct udphdr *udp;
	struct iphdr *ip;
	__u8 buf[4], *p;

	if (!r)
		return;
	__builtin_memset(r, 0, sizeof(*r));
	eth = tg_pkt_eth(pkt);
	if (eth)
		__builtin_memcpy(r->eth_dst, eth->h_dest, ETH_ALEN);
	else
		r->err_eth = pkt->err;
	r->err_l3 = tg_pkt_l3(pkt);
	r->l3_proto = pkt->l3_proto;
	r->l4_proto = pkt->l4_proto;
	r->vlan_depth = pkt->vlan_depth;
	r->vlan_id = tg_pkt_vlan_id(pkt);
	ip = tg_pkt_ipv4(pkt);
	r->ipv4_ttl = ip ? ip->ttl : 0xffff;
	ip6 = tg_pkt_ipv6(pkt);
	r->ipv6_hops = ip6 ? ip6->hop_limit : 0xffff;
	tg_pkt_saddr(pkt, &r->src);
	tg_pkt_daddr(pkt, &r->dst);

	tcp = tg_pkt_tcp(pkt);
	if (tcp) {
		r->sport = bpf_ntohs(tcp->source);
		r->dport = bpf_ntohs(tcp->dest);
	} else {
		r->err_tcp = pkt->err;
	}
	udp = tg_pkt_udp(pkt);
	if (udp) {
		r->sport = bpf_ntohs(udp->source);
		r->dport = bpf_ntohs(udp->dest);
	} else {
		r->err_udp = pkt->err;
	}
	r->payload_len = pkt->payload_len;
	p = tg_pkt_payload(pkt, buf, sizeof(buf));
	if (p)
		__builtin_memcpy(r->payload, p, sizeof(buf));
	else
		r->err_payload = pkt->err;
}

SEC("xdp")
int xdp_report(struct xdp_md *ctx)
{
	struct tg_pkt pkt;

	tg_xdp_pkt(&pkt, ctx);
	report(&pkt, SLOT_XDP);
	return XDP_PASS;
}

SEC("tc")
int tc_report(struct __sk_buff *skb)
{
	struct tg_pkt pkt;

	tg_skb_pkt(&pkt, skb);
	report(&pkt, SLOT_TC);
	return TC_ACT_OK;
}

SEC("socket")
int socket_report(struct __sk_buff *skb)
{
	struct tg_pkt pkt;

	tg_skb_pkt_load(&pkt, skb);
	report(&pkt, SLOT_SOCKET);
	return TG_SOCKET_KEEP;
}
