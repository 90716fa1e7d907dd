// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * src_counter - count packets and bytes per source address, IPv4 and IPv6,
 * at XDP (ingress, before the stack) or at TC (either direction). The two
 * programs share one map and one function: the packet accessors are the
 * same in both.
 *
 *	ip link set dev eth0 xdp obj src_counter.bpf.o sec xdp
 *	tc filter add dev eth0 egress bpf da obj src_counter.bpf.o sec tc
 *	bpftool map dump name src_counts
 */
#include <typegen/probe.h>

TG_LICENSE("GPL");

struct src_count {
	__u64 packets;
	__u64 bytes;		/* whole frames, Ethernet header included */
};

TG_MAP_HASH(src_counts, struct tg_ip_addr, struct src_count, 4096);

static __always_inline void count(struct tg_pkt *pkt, __u32 bytes)
{
	struct src_count *c, first = { .packets = 1, .bytes = bytes };
	struct tg_ip_addr src;

	if (tg_pkt_saddr(pkt, &src))
		return;		/* neither IPv4 nor IPv6 */
	c = src_counts_lookup(&src);
	if (!c) {
		/* A new source, unless another CPU added it just now. */
		if (!src_counts_update(&src, &first, BPF_NOEXIST))
			return;
		c = src_counts_lookup(&src);
		if (!c)
			return;
	}
	__sync_fetch_and_add(&c->packets, 1);
	__sync_fetch_and_add(&c->bytes, bytes);
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	struct tg_pkt pkt;

	tg_xdp_pkt(&pkt, ctx);
	count(&pkt, tg_xdp_len(ctx));
	return XDP_PASS;
}

SEC("tc")
int tc_count(struct __sk_buff *skb)
{
	struct tg_pkt pkt;

	tg_skb_pkt(&pkt, skb);
	count(&pkt, skb->len);
	return TC_ACT_OK;
}
