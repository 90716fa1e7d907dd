// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tc_parse - a TC classifier parsing Ethernet, IPv4/IPv6 and TCP headers
 * with the kernel's own header structs and enum values (IPPROTO_TCP),
 * and direct packet access.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define TC_ACT_OK	0
#define TC_ACT_SHOT	2

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} drops SEC(".maps");

static int is_blocked_port(struct tcphdr *tcp)
{
	return tcp->dest == bpf_htons(23) || (tcp->syn && tcp->fin);
}

SEC("tc")
int classify(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct tcphdr *tcp;
	u32 zero = 0;
	u64 *n;

	if ((void *)(eth + 1) > end)
		return TC_ACT_OK;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_TCP)
			return TC_ACT_OK;
		tcp = (void *)ip + ip->ihl * 4;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_TCP)
			return TC_ACT_OK;
		tcp = (void *)(ip6 + 1);
	} else {
		return TC_ACT_OK;
	}
	if ((void *)(tcp + 1) > end || !is_blocked_port(tcp))
		return TC_ACT_OK;
	n = bpf_map_lookup_elem(&drops, &zero);
	if (n)
		*n += 1;
	return TC_ACT_SHOT;
}
