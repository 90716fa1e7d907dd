/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * typegen/packet.h - bounds-checked packet accessors.
 *
 * A struct tg_pkt is a packet being parsed. XDP (tg_xdp_pkt) and TC
 * (tg_skb_pkt) programs read the packet in place; socket filters, which may
 * not, copy each header out of the __sk_buff (tg_skb_pkt_load). The
 * accessors are the same for all three:
 *
 *	struct tg_pkt pkt;
 *	struct tcphdr *tcp;
 *
 *	tg_xdp_pkt(&pkt, ctx);
 *	tcp = tg_pkt_tcp(&pkt);	(walks Ethernet, VLAN tags, IPv4/IPv6)
 *	if (!tcp)
 *		return pkt.err == -TG_ETRUNC ? XDP_DROP : XDP_PASS;
 *	if (tcp->dest == bpf_htons(80))
 *		...
 *
 * Each accessor checks that its whole header lies inside the packet before
 * returning a pointer to it, in the form the verifier accepts; it returns
 * NULL instead, and leaves the reason in pkt->err:
 *
 *	-TG_ETRUNC	the packet ends before the header does
 *	-TG_EPROTO	the packet does not carry that protocol
 *	-TG_EBADHDR	the header is there but impossible (IPv4 ihl < 5,
 *			TCP doff < 5, lengths that do not add up, too many
 *			VLAN tags)
 *	-TG_EFRAG	an IP fragment other than the first: no transport
 *			header
 *
 * The packet must start with an Ethernet header. Headers come in network
 * byte order: compare with bpf_htons(80), not 80. In place (XDP, TC),
 * writing through a returned pointer changes the packet; in a socket
 * filter the pointers point at copies.
 *
 * Every function is always inlined: the verifier sees the checks where the
 * program uses the pointers.
 */
#ifndef __TYPEGEN_PACKET_H
#define __TYPEGEN_PACKET_H

/* Why an accessor returned NULL (pkt->err holds them negated). */
#define TG_ETRUNC	1	/* the packet ends before the header does */
#define TG_EPROTO	2	/* the packet does not carry that protocol */
#define TG_EBADHDR	3	/* the header is there but impossible */
#define TG_EFRAG	4	/* a non-first IP fragment: no L4 header */

/* VLAN tags walked in front of the network header (802.1ad + 802.1Q). */
#ifndef TG_VLAN_MAX
#define TG_VLAN_MAX	2
#endif

/* IPv6 extension headers walked in front of the transport header. */
#ifndef TG_IPV6_EXT_MAX
#define TG_IPV6_EXT_MAX	4
#endif

/*
 * Offsets beyond this are treated as outside the packet: the bound lets
 * the verifier accept a header at a computed offset (the largest real one,
 * behind four 2 KiB IPv6 extension headers, is under 8.5 KiB).
 */
#define TG_PKT_MAX_OFF	0x7fff

/* An 802.1Q/802.1ad tag: what follows the EtherType 0x8100 or 0x88A8. */
struct tg_vlan_hdr {
	__be16 tci;		/* priority (3 bits), DEI (1), id (12) */
	__be16 proto;		/* EtherType of what follows */
};

/* What has been parsed (tg_pkt.parsed). */
#define __TG_PKT_L2	0x01	/* Ethernet and VLAN tags */
#define __TG_PKT_L3	0x02	/* IPv4 or IPv6 (and IPv6 extensions) */
#define __TG_PKT_FRAG	0x04	/* a non-first fragment */
#define __TG_PKT_L4	0x08	/* TCP or UDP */

/* The first bytes of every IPv6 extension header (and of a fragment one). */
struct __tg_ipv6_ext {
	__u8 nexthdr;
	__u8 hdrlen;		/* fragment header: reserved */
	__be16 frag_off;	/* fragment header only */
};

/* Where a packet's headers are copied to when it cannot be read in place. */
struct tg_pkt_copy {
	struct ethhdr eth;
	union {
		struct iphdr v4;
		struct ipv6hdr v6;
	} ip;
	union {
		struct tcphdr tcp;
		struct udphdr udp;
	} l4;
	struct tg_vlan_hdr vlan;
	struct __tg_ipv6_ext ext;
};

/*
 * A packet being parsed. Set up with tg_xdp_pkt(), tg_skb_pkt() or
 * tg_skb_pkt_load(); read the fields after the accessor that fills them.
 * Its numbers are in host order (the headers stay in network order).
 */
struct tg_pkt {
	void *data;		/* in place: first byte of the frame */
	void *data_end;		/* in place: one past its last byte */
	struct __sk_buff *skb;	/* copying: the socket buffer read from */
	struct tg_pkt_copy *copy;	/* copying: &buf (NULL in place) */
	int err;		/* why the last accessor returned NULL */
	__u16 l3_proto;		/* EtherType of the network header */
	__u8 l4_proto;		/* IPPROTO_* of the transport header */
	__u8 vlan_depth;	/* VLAN tags in front of the network header */
	__u16 vlan_tci[TG_VLAN_MAX];	/* their TCIs, outer first */
	__u16 l3_off;		/* offset of the network header */
	__u16 l4_off;		/* offset of the transport header */
	__u16 payload_off;	/* offset of the transport payload */
	__u16 ip_len;		/* IP payload bytes after the IP headers */
	__u16 payload_len;	/* transport payload bytes (per headers) */
	__u8 parsed;		/* __TG_PKT_* */
	struct tg_pkt_copy buf;	/* copying: the headers */
};

/*
 * tg_pkt_init - start parsing the frame in [@data, @data_end), in place.
 * XDP and TC programs use tg_xdp_pkt() and tg_skb_pkt(), which call this.
 */
static __always_inline void tg_pkt_init(struct tg_pkt *pkt, void *data,
					void *data_end)
{
	__builtin_memset(pkt, 0, offsetof(struct tg_pkt, buf));
	pkt->data = data;
	pkt->data_end = data_end;
}

/* Record @err in @pkt and return NULL (for accessors). */
static __always_inline void *__tg_pkt_fail(struct tg_pkt *pkt, int err)
{
	pkt->err = err;
	return NULL;
}

/*
 * tg_pkt_at - @len bytes at offset @off of the frame, or NULL (-TG_ETRUNC)
 * if the frame is shorter (or @off is beyond TG_PKT_MAX_OFF). In place, a
 * pointer into the packet; when copying, the bytes are copied to @copy
 * (which must hold @len bytes) and @copy is returned. @len must be a
 * compile-time constant.
 */
static __always_inline void *tg_pkt_at(struct tg_pkt *pkt, __u32 off,
				       __u32 len, void *copy)
{
	void *p;

	if (pkt->skb) {
		if (bpf_skb_load_bytes_relative(pkt->skb, off, copy, len,
						BPF_HDR_START_MAC))
			return __tg_pkt_fail(pkt, -TG_ETRUNC);
		return copy;
	}
	/*
	 * Hide what the compiler knows of @off, so that it checks the bound
	 * on @off itself and the verifier sees the check.
	 */
	barrier_var(off);
	if (off > TG_PKT_MAX_OFF)
		return __tg_pkt_fail(pkt, -TG_ETRUNC);
	p = pkt->data + off;
	if (p + len > pkt->data_end)
		return __tg_pkt_fail(pkt, -TG_ETRUNC);
	return p;
}

/*
 * A header of type @type at offset @off, copied (if copying) to field @field
 * of pkt->copy. In place, @pkt's address is never taken, so the compiler
 * keeps the whole struct tg_pkt in registers. (The address is computed as
 * an integer: pkt->copy is NULL in place, where it goes unused.)
 */
#define __tg_pkt_hdr(pkt, off, type, field)				\
	((type *)tg_pkt_at(pkt, off, sizeof(type),			\
			   (void *)((unsigned long)(pkt)->copy +	\
				    offsetof(struct tg_pkt_copy, field))))

/* tg_pkt_eth - the Ethernet header, or NULL (-TG_ETRUNC). */
static __always_inline struct ethhdr *tg_pkt_eth(struct tg_pkt *pkt)
{
	return __tg_pkt_hdr(pkt, 0, struct ethhdr, eth);
}

/*
 * tg_pkt_l2 - walk the Ethernet header and up to TG_VLAN_MAX VLAN tags.
 * Sets pkt->l3_proto (the EtherType after the tags), pkt->l3_off,
 * pkt->vlan_depth and pkt->vlan_tci[]. Returns 0 or -TG_ETRUNC, or
 * -TG_EBADHDR if more tags follow. The other accessors call it.
 */
static __always_inline int tg_pkt_l2(struct tg_pkt *pkt)
{
	struct tg_vlan_hdr *vlan;
	__u32 off = sizeof(struct ethhdr);
	struct ethhdr *eth;
	__u16 proto;
	int i;

	if (pkt->parsed & __TG_PKT_L2)
		return 0;
	eth = tg_pkt_eth(pkt);
	if (!eth)
		return pkt->err;
	proto = bpf_ntohs(eth->h_proto);
#pragma unroll
	for (i = 0; i < TG_VLAN_MAX; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		vlan = __tg_pkt_hdr(pkt, off, struct tg_vlan_hdr, vlan);
		if (!vlan)
			return pkt->err;
		pkt->vlan_tci[i] = bpf_ntohs(vlan->tci);
		pkt->vlan_depth = i + 1;
		proto = bpf_ntohs(vlan->proto);
		off += sizeof(*vlan);
	}
	if (proto == ETH_P_8021Q || proto == ETH_P_8021AD) {
		pkt->err = -TG_EBADHDR;
		return pkt->err;
	}
	pkt->l3_proto = proto;
	pkt->l3_off = off;
	pkt->parsed |= __TG_PKT_L2;
	return 0;
}

/*
 * tg_pkt_vlan_id - the VLAN id (0..4095) of the innermost tag, or -1 if the
 * frame has none. Call after an accessor (or tg_pkt_l2()).
 */
static __always_inline int tg_pkt_vlan_id(const struct tg_pkt *pkt)
{
	int i, id = -1;

	/* Constant indexes only: keeps @pkt out of memory. */
#pragma unroll
	for (i = 0; i < TG_VLAN_MAX; i++)
		if (pkt->vlan_depth == i + 1)
			id = pkt->vlan_tci[i] & VLAN_VID_MASK;
	return id;
}

/*
 * tg_pkt_ipv4 - the IPv4 header, or NULL: -TG_EPROTO if the frame is not
 * IPv4, -TG_ETRUNC, -TG_EBADHDR if version, ihl or tot_len are wrong. Sets
 * pkt->l4_proto, pkt->l4_off and pkt->ip_len. Options, if any, follow the
 * 20 bytes checked here.
 */
static __always_inline struct iphdr *tg_pkt_ipv4(struct tg_pkt *pkt)
{
	struct iphdr *ip;
	__u32 hlen, tot;

	if (tg_pkt_l2(pkt))
		return NULL;
	if (pkt->l3_proto != ETH_P_IP)
		return __tg_pkt_fail(pkt, -TG_EPROTO);
	ip = __tg_pkt_hdr(pkt, pkt->l3_off, struct iphdr, ip.v4);
	if (!ip || (pkt->parsed & __TG_PKT_L3))
		return ip;
	hlen = ip->ihl * 4;
	tot = bpf_ntohs(ip->tot_len);
	if (ip->version != 4 || hlen < sizeof(*ip) || tot < hlen)
		return __tg_pkt_fail(pkt, -TG_EBADHDR);
	pkt->l4_off = pkt->l3_off + hlen;
	pkt->l4_proto = ip->protocol;
	pkt->ip_len = tot - hlen;
	if (ip->frag_off & bpf_htons(IP_OFFSET))
		pkt->parsed |= __TG_PKT_FRAG;
	pkt->parsed |= __TG_PKT_L3;
	return ip;
}

/*
 * tg_pkt_ipv6 - the IPv6 header, or NULL: -TG_EPROTO if the frame is not
 * IPv6, -TG_ETRUNC, -TG_EBADHDR if the version or the lengths are wrong.
 * Walks up to TG_IPV6_EXT_MAX extension headers (hop-by-hop, routing,
 * fragment, destination options, AH) and sets pkt->l4_proto and
 * pkt->l4_off to what follows them, and pkt->ip_len.
 */
static __always_inline struct ipv6hdr *tg_pkt_ipv6(struct tg_pkt *pkt)
{
	struct __tg_ipv6_ext *ext;
	struct ipv6hdr *ip6;
	__u32 off, len, ext_len;
	__u8 next;
	int i;

	if (tg_pkt_l2(pkt))
		return NULL;
	if (pkt->l3_proto != ETH_P_IPV6)
		return __tg_pkt_fail(pkt, -TG_EPROTO);
	ip6 = __tg_pkt_hdr(pkt, pkt->l3_off, struct ipv6hdr, ip.v6);
	if (!ip6 || (pkt->parsed & __TG_PKT_L3))
		return ip6;
	if (ip6->version != 6)
		return __tg_pkt_fail(pkt, -TG_EBADHDR);
	next = ip6->nexthdr;
	len = bpf_ntohs(ip6->payload_len);
	off = pkt->l3_off + sizeof(*ip6);
#pragma unroll
	for (i = 0; i < TG_IPV6_EXT_MAX; i++) {
		if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING &&
		    next != IPPROTO_DSTOPTS && next != IPPROTO_FRAGMENT &&
		    next != IPPROTO_AH)
			break;
		ext = __tg_pkt_hdr(pkt, off, struct __tg_ipv6_ext, ext);
		if (!ext)
			return NULL;
		if (next == IPPROTO_FRAGMENT) {
			ext_len = 8;
			if (ext->frag_off & bpf_htons(0xfff8))
				pkt->parsed |= __TG_PKT_FRAG;
		} else if (next == IPPROTO_AH) {
			ext_len = (ext->hdrlen + 2) * 4;
		} else {
			ext_len = (ext->hdrlen + 1) * 8;
		}
		if (ext_len > len)
			return __tg_pkt_fail(pkt, -TG_EBADHDR);
		next = ext->nexthdr;
		len -= ext_len;
		off += ext_len;
	}
	pkt->l4_off = off;
	pkt->l4_proto = next;
	pkt->ip_len = len;
	pkt->parsed |= __TG_PKT_L3;
	return ip6;
}

/*
 * tg_pkt_l3 - parse the network header, IPv4 or IPv6. Returns 0, or
 * -TG_EPROTO for anything else, or the error of tg_pkt_ipv4/6(). Sets
 * pkt->l4_proto: call it to learn what the packet carries.
 */
static __always_inline int tg_pkt_l3(struct tg_pkt *pkt)
{
	if (pkt->parsed & __TG_PKT_L3)
		return 0;
	if (tg_pkt_l2(pkt))
		return pkt->err;
	if (pkt->l3_proto == ETH_P_IP) {
		if (!tg_pkt_ipv4(pkt))
			return pkt->err;
	} else if (pkt->l3_proto == ETH_P_IPV6) {
		if (!tg_pkt_ipv6(pkt))
			return pkt->err;
	} else {
		pkt->err = -TG_EPROTO;
		return pkt->err;
	}
	return 0;
}

/* Checks shared by tg_pkt_tcp() and tg_pkt_udp(). */
static __always_inline int __tg_pkt_l4(struct tg_pkt *pkt, __u8 proto)
{
	if (tg_pkt_l3(pkt))
		return pkt->err;
	if (pkt->l4_proto != proto)
		pkt->err = -TG_EPROTO;
	else if (pkt->parsed & __TG_PKT_FRAG)
		pkt->err = -TG_EFRAG;
	else
		return 0;
	return pkt->err;
}

/*
 * tg_pkt_tcp - the TCP header (over IPv4 or IPv6), or NULL: -TG_EPROTO,
 * -TG_EFRAG, -TG_ETRUNC, or -TG_EBADHDR if doff is below 5 or beyond the IP
 * length. Sets pkt->payload_off and pkt->payload_len.
 */
static __always_inline struct tcphdr *tg_pkt_tcp(struct tg_pkt *pkt)
{
	struct tcphdr *tcp;
	__u32 hlen;

	if (__tg_pkt_l4(pkt, IPPROTO_TCP))
		return NULL;
	tcp = __tg_pkt_hdr(pkt, pkt->l4_off, struct tcphdr, l4.tcp);
	if (!tcp)
		return NULL;
	hlen = tcp->doff * 4;
	if (hlen < sizeof(*tcp) || hlen > pkt->ip_len)
		return __tg_pkt_fail(pkt, -TG_EBADHDR);
	pkt->payload_off = pkt->l4_off + hlen;
	pkt->payload_len = pkt->ip_len - hlen;
	pkt->parsed |= __TG_PKT_L4;
	return tcp;
}

/*
 * tg_pkt_udp - the UDP header (over IPv4 or IPv6), or NULL: -TG_EPROTO,
 * -TG_EFRAG, -TG_ETRUNC, or -TG_EBADHDR if the IP length cannot hold it.
 * Sets pkt->payload_off and pkt->payload_len.
 */
static __always_inline struct udphdr *tg_pkt_udp(struct tg_pkt *pkt)
{
	struct udphdr *udp;

	if (__tg_pkt_l4(pkt, IPPROTO_UDP))
		return NULL;
	udp = __tg_pkt_hdr(pkt, pkt->l4_off, struct udphdr, l4.udp);
	if (!udp)
		return NULL;
	if (pkt->ip_len < sizeof(*udp))
		return __tg_pkt_fail(pkt, -TG_EBADHDR);
	pkt->payload_off = pkt->l4_off + sizeof(*udp);
	pkt->payload_len = pkt->ip_len - sizeof(*udp);
	pkt->parsed |= __TG_PKT_L4;
	return udp;
}

/*
 * tg_pkt_payload - the first @len bytes of the TCP or UDP payload, after
 * tg_pkt_tcp() or tg_pkt_udp(): in place a pointer into the packet, when
 * copying @buf (which must hold @len bytes) filled with them. NULL with
 * -TG_EPROTO if no transport header was parsed, -TG_ETRUNC if the payload
 * is shorter. @len must be a compile-time constant.
 */
static __always_inline void *tg_pkt_payload(struct tg_pkt *pkt, void *buf,
					    __u32 len)
{
	if (!(pkt->parsed & __TG_PKT_L4))
		return __tg_pkt_fail(pkt, -TG_EPROTO);
	if (len > pkt->payload_len)
		return __tg_pkt_fail(pkt, -TG_ETRUNC);
	return tg_pkt_at(pkt, pkt->payload_off, len, buf);
}

/*
 * An IPv4 or IPv6 address, fit for a map key (no uninitialised padding):
 * IPv4 addresses are in addr.v4, the rest of addr zero.
 */
struct tg_ip_addr {
	__u16 family;		/* AF_INET or AF_INET6 */
	__u16 __pad;
	union {
		__be32 v4;
		__be32 v6[4];
	} addr;			/* network order */
};

/* Fill @a from the source (@dst 0) or destination (1) address. */
static __always_inline int __tg_pkt_addr(struct tg_pkt *pkt,
					 struct tg_ip_addr *a, int dst)
{
	struct ipv6hdr *ip6;
	struct iphdr *ip;

	__builtin_memset(a, 0, sizeof(*a));
	if (tg_pkt_l3(pkt))
		return pkt->err;
	if (pkt->l3_proto == ETH_P_IP) {
		ip = tg_pkt_ipv4(pkt);
		if (!ip)
			return pkt->err;
		a->family = AF_INET;
		a->addr.v4 = dst ? ip->daddr : ip->saddr;
	} else {
		ip6 = tg_pkt_ipv6(pkt);
		if (!ip6)
			return pkt->err;
		a->family = AF_INET6;
		__builtin_memcpy(a->addr.v6, dst ? &ip6->daddr : &ip6->saddr,
				 sizeof(a->addr.v6));
	}
	return 0;
}

/*
 * tg_pkt_saddr, tg_pkt_daddr - the source or destination address of an
 * IPv4 or IPv6 packet into @a. Return 0 or the error of tg_pkt_l3().
 */
static __always_inline int tg_pkt_saddr(struct tg_pkt *pkt,
					struct tg_ip_addr *a)
{
	return __tg_pkt_addr(pkt, a, 0);
}

static __always_inline int tg_pkt_daddr(struct tg_pkt *pkt,
					struct tg_ip_addr *a)
{
	return __tg_pkt_addr(pkt, a, 1);
}

#endif /* __TYPEGEN_PACKET_H */
