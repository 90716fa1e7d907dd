// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp_count - XDP counting packets per source address in an LRU hash
 * keyed by the kernel's struct in6_addr, with xdp_action values.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct in6_addr);
	__type(value, __u64);
} per_src SEC(".maps");

SEC("xdp")
int count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	__u64 one = 1, *n;

	if ((void *)(ip6 + 1) > end || eth->h_proto != bpf_htons(0x86DD))
		return XDP_PASS;
	n = bpf_map_lookup_elem(&per_src, &ip6->saddr);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&per_src, &ip6->saddr, &one, BPF_ANY);
	return ctx->rx_queue_index > 64 ? XDP_DROP : XDP_PASS;
}
