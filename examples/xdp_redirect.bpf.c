// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp_redirect - two ways out of XDP other than the stack:
 *
 * xdp_to_xsk hands UDP packets for port 4242 to the AF_XDP socket that user
 * space bound to the receive queue (its fd put in `xsks` at the queue's
 * index); without one, they go on to the stack like everything else.
 *
 * xdp_forward sends every frame out of the device whose ifindex user space
 * put in slot 0 of `out_port`, and passes them while the slot is empty.
 */
#include <typegen/probe.h>

TG_LICENSE("GPL");

#define XSK_PORT 4242

TG_MAP_XSKMAP(xsks, 64);
TG_MAP_DEVMAP(out_port, 1);

SEC("xdp")
int xdp_to_xsk(struct xdp_md *ctx)
{
	struct tg_pkt pkt;
	struct udphdr *udp;

	tg_xdp_pkt(&pkt, ctx);
	udp = tg_pkt_udp(&pkt);
	if (!udp || udp->dest != bpf_htons(XSK_PORT))
		return XDP_PASS;
	return xsks_redirect(ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp")
int xdp_forward(struct xdp_md *ctx)
{
	return out_port_redirect(0, XDP_PASS);
}
