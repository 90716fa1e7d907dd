/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * typegen/skb.h - programs on a struct __sk_buff: TC classifiers and
 * actions (SEC("tc")), socket filters (SEC("socket")).
 *
 * TC programs return a TC_ACT_* verdict (consts.h): TC_ACT_OK to let the
 * packet through, TC_ACT_SHOT to drop it, TC_ACT_REDIRECT after
 * bpf_redirect(), TC_ACT_UNSPEC for the configured default.
 *
 * Socket filters return how many bytes of the packet the socket gets:
 * TG_SOCKET_DROP (0) drops it, TG_SOCKET_KEEP keeps all of it, n keeps the
 * first n bytes.
 *
 * TC programs read the packet in place (tg_skb_pkt); socket filters may
 * not, and copy each header out instead (tg_skb_pkt_load). Both use the
 * accessors of packet.h.
 */
#ifndef __TYPEGEN_SKB_H
#define __TYPEGEN_SKB_H

/* Socket filter verdicts. */
#define TG_SOCKET_DROP	0
#define TG_SOCKET_KEEP	(-1)	/* the whole packet, however long */

/*
 * tg_skb_pkt - start parsing @skb's packet in place (TC programs). Only the
 * linear part is reachable; tg_skb_pull() makes more of it so.
 */
static __always_inline void tg_skb_pkt(struct tg_pkt *pkt,
				       struct __sk_buff *skb)
{
	tg_pkt_init(pkt, (void *)(long)skb->data,
		    (void *)(long)skb->data_end);
}

/*
 * tg_skb_pkt_load - start parsing @skb's packet by copying each header out
 * of it (bpf_skb_load_bytes_relative() from the MAC header): for socket
 * filters, which cannot read packet data in place, and for TC programs
 * that want headers beyond the linear part.
 */
static __always_inline void tg_skb_pkt_load(struct tg_pkt *pkt,
					    struct __sk_buff *skb)
{
	tg_pkt_init(pkt, NULL, NULL);
	pkt->skb = skb;
	pkt->copy = &pkt->buf;
}

/*
 * tg_skb_load - copy @len bytes at offset @off from @skb's data into @to
 * (bpf_skb_load_bytes). The offset counts from skb->data: the MAC header in
 * TC programs and packet sockets, the network header in socket filters on
 * other sockets. Returns 0 or a negative error (@to is then zeroed).
 */
static __always_inline long tg_skb_load(const struct __sk_buff *skb,
					__u32 off, void *to, __u32 len)
{
	return bpf_skb_load_bytes(skb, off, to, len);
}

/*
 * tg_skb_pull - make the first @len bytes of @skb readable in place (TC).
 * Invalidates packet pointers: call tg_skb_pkt() again afterwards.
 * Returns 0 or a negative error.
 */
static __always_inline long tg_skb_pull(struct __sk_buff *skb, __u32 len)
{
	return bpf_skb_pull_data(skb, len);
}

#endif /* __TYPEGEN_SKB_H */
