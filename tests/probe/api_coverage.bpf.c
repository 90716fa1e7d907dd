// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * api_coverage - the parts of the probe API the examples do not use, so
 * that each is compiled and verified: TG_PROGRAM and TG_MAP, TG_KSYSCALL,
 * tg_arg_core(), the CO-RE and string reads of helpers.h, tg_printk(),
 * tg_xdp_eth(), tg_xdp_redirect(), tg_skb_load(), tg_skb_pull() and
 * copying headers out of a TC packet. test_probe_api loads it and runs the
 * XDP and TC programs.
 */
#include "vmlinux.h"
#include <typegen/probe.h>

TG_PROGRAM(TG_ANY_KERNEL, "Dual BSD/GPL");

TG_MAP(opened, BPF_MAP_TYPE_HASH, __u32, __u64, 64, BPF_F_NO_PREALLOC);
TG_MAP_LPM_TRIE(routes6, struct tg_lpm_v6, __u32, 8);

TG_KSYSCALL(openat, on_openat, int dfd, const char *path)
{
	__u32 pid = tg_pid();
	__u64 one = 1;
	char name[64];

	if (tg_read_user_str(name, sizeof(name), path) > 0)
		tg_printk("openat %s", name);
	bpf_map_update_elem(&opened, &pid, &one, BPF_ANY);
	return 0;
}

/* do_sys_openat2(int dfd, const char *filename, struct open_how *how) */
TG_KPROBE(do_sys_openat2, on_openat2, int dfd, const char *filename)
{
	struct task_struct *task = tg_current_task();
	struct pt_regs *regs = ctx;
	char comm[TASK_COMM_LEN];
	__u64 flags = 0;
	void *how;
	int tgid;

	/* A struct pt_regs that is not the context: read with CO-RE. */
	how = (void *)tg_arg_core(regs, 3);
	tg_read_kernel_var(flags, how);
	tgid = BPF_CORE_READ(task, tgid);
	tg_read_kernel_str(comm, sizeof(comm), BPF_CORE_READ(task, comm));
	tg_printk("%d %s %llx", tgid, comm, flags);
	return 0;
}

/* ARP goes out of ifindex 1, IPv6 from 2001:db8::/32 is dropped. */
SEC("xdp")
int xdp_misc(struct xdp_md *ctx)
{
	struct tg_lpm_v6 key = { .prefixlen = 128 };
	struct ethhdr *eth = tg_xdp_eth(ctx);
	struct tg_pkt pkt;
	struct ipv6hdr *ip6;
	__u32 *verdict;

	if (!eth)
		return XDP_ABORTED;
	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		return tg_xdp_redirect(1);
	tg_xdp_pkt(&pkt, ctx);
	ip6 = tg_pkt_ipv6(&pkt);
	if (!ip6)
		return XDP_PASS;
	__builtin_memcpy(key.addr, &ip6->saddr, sizeof(key.addr));
	verdict = routes6_lookup(&key);
	return verdict ? *verdict : XDP_PASS;
}

/*
 * The destination port read three ways (bytes loaded by offset, headers
 * read in place after a pull, headers copied out) must agree: TC_ACT_OK
 * if they do, TC_ACT_SHOT if not, TC_ACT_UNSPEC for anything but untagged
 * IPv4 TCP.
 */
SEC("tc")
int tc_misc(struct __sk_buff *skb)
{
	struct tg_pkt in_place, copied;
	struct tcphdr *a, *b;
	__be16 port;

	if (tg_skb_load(skb, ETH_HLEN + sizeof(struct iphdr) + 2, &port,
			sizeof(port)))
		return TC_ACT_UNSPEC;
	if (tg_skb_pull(skb, 0))
		return TC_ACT_SHOT;
	tg_skb_pkt(&in_place, skb);
	tg_skb_pkt_load(&copied, skb);
	a = tg_pkt_tcp(&in_place);
	b = tg_pkt_tcp(&copied);
	if (!a || !b || in_place.vlan_depth ||
	    !tg_pkt_ipv4(&in_place) || in_place.l4_off != 34)
		return TC_ACT_UNSPEC;
	if (a->dest != port || b->dest != port)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}
