/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * typegen/xdp.h - XDP programs: SEC("xdp") int prog(struct xdp_md *ctx).
 *
 * The verdicts are the kernel's enum xdp_action: XDP_PASS (on to the
 * network stack), XDP_DROP, XDP_TX (back out of the same device),
 * XDP_REDIRECT (what bpf_redirect*() returned: another device, CPU or an
 * AF_XDP socket) and XDP_ABORTED (drop, and trace it as an error).
 *
 * Redirects go through a devmap or an xskmap declared with
 * TG_MAP_DEVMAP()/TG_MAP_XSKMAP() (maps.h):
 *
 *	TG_MAP_XSKMAP(xsks, 64);
 *	...
 *	return xsks_redirect(ctx->rx_queue_index, XDP_PASS);
 */
#ifndef __TYPEGEN_XDP_H
#define __TYPEGEN_XDP_H

/*
 * tg_xdp_pkt - start parsing @ctx's packet in place with the accessors of
 * packet.h (tg_pkt_eth(), tg_pkt_ipv4(), tg_pkt_tcp()...).
 */
static __always_inline void tg_xdp_pkt(struct tg_pkt *pkt,
				       struct xdp_md *ctx)
{
	tg_pkt_init(pkt, (void *)(long)ctx->data,
		    (void *)(long)ctx->data_end);
}

/* tg_xdp_len - the bytes of the frame (what tg_xdp_pkt() can reach). */
static __always_inline __u32 tg_xdp_len(const struct xdp_md *ctx)
{
	return ctx->data_end - ctx->data;
}

/* tg_xdp_eth - @ctx's Ethernet header, or NULL if the frame is shorter. */
static __always_inline struct ethhdr *tg_xdp_eth(struct xdp_md *ctx)
{
	struct ethhdr *eth = (void *)(long)ctx->data;

	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return NULL;
	return eth;
}

/*
 * tg_xdp_redirect - send the frame out of device @ifindex: returns
 * XDP_REDIRECT (or XDP_ABORTED on error), for the program to return. A
 * devmap (TG_MAP_DEVMAP) is faster when the device is fixed.
 */
static __always_inline long tg_xdp_redirect(__u32 ifindex)
{
	return bpf_redirect(ifindex, 0);
}

#endif /* __TYPEGEN_XDP_H */
