// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * dns_filter - a socket filter that keeps DNS over UDP (port 53, either
 * direction, IPv4 or IPv6) and nothing else, as a packet capture would:
 * attached with setsockopt(fd, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, ...) to
 * an AF_PACKET socket, it sees only DNS.
 *
 * Socket filters cannot read the packet in place: tg_skb_pkt_load() copies
 * each header out, and the accessors are the ones XDP and TC use.
 */
#include <typegen/probe.h>

TG_LICENSE("GPL");

#define DNS_PORT 53

SEC("socket")
int dns_filter(struct __sk_buff *skb)
{
	struct tg_pkt pkt;
	struct udphdr *udp;

	tg_skb_pkt_load(&pkt, skb);
	udp = tg_pkt_udp(&pkt);
	if (!udp)
		return TG_SOCKET_DROP;
	if (udp->dest != bpf_htons(DNS_PORT) &&
	    udp->source != bpf_htons(DNS_PORT))
		return TG_SOCKET_DROP;
	return TG_SOCKET_KEEP;
}
