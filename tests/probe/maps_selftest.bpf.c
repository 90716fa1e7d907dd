// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * maps_selftest - every map macro of typegen/maps.h, and its typed
 * wrappers used the way programs use them. selftest() (XDP, run with
 * BPF_PROG_TEST_RUN) returns XDP_PASS if every check held, XDP_ABORTED
 * with the failed check's number in failed_check otherwise, and leaves
 * entries behind for test_probe_api to read from user space.
 */
#include "vmlinux.h"
#include <typegen/probe.h>

TG_LICENSE("GPL");

/* Keep in step with tests/probe/test_probe_api.c. */
struct st_flow {
	__u32 addr;
	__u16 port;
	__u16 proto;
};

struct st_flow_stats {
	__u64 packets;
	__u64 bytes;
};

struct st_record {
	__u32 seq;
	__u32 magic;
};

#define RECORD_MAGIC 0x7e57ab1e

TG_MAP_HASH(flows, struct st_flow, struct st_flow_stats, 16);
TG_MAP_PERCPU_HASH(percpu_counts, __u32, __u64, 16);
TG_MAP_LRU_HASH(recent, __u32, __u64, 64);
TG_MAP_ARRAY(slots, __u64, 4);
TG_MAP_PERCPU_ARRAY(percpu_slots, __u64, 4);
TG_MAP_LPM_TRIE(routes, struct tg_lpm_v4, __u32, 16);
TG_MAP_RINGBUF(records, struct st_record, 4096);
TG_MAP_PERF_EVENT_ARRAY(perf_records, struct st_record);
TG_MAP_PROG_ARRAY(no_progs, 4);
TG_MAP_SOCKMAP(socks, 4);
TG_MAP_DEVMAP(devs, 4);
TG_MAP_XSKMAP(xsks, 4);

__u32 failed_check;

#define CHECK(n, cond)							\
	do {								\
		if (!(cond)) {						\
			failed_check = (n);				\
			return XDP_ABORTED;				\
		}							\
	} while (0)

static __always_inline struct tg_lpm_v4 route(__u32 prefixlen, __u8 a,
					      __u8 b, __u8 c, __u8 d)
{
	struct tg_lpm_v4 key = {
		.prefixlen = prefixlen,
		.addr = { a, b, c, d },
	};

	return key;
}

SEC("xdp")
int selftest(struct xdp_md *ctx)
{
	struct st_flow f = { .addr = 0x0a000001, .port = 80, .proto = 6 };
	struct st_flow_stats st = { .packets = 1, .bytes = 60 }, *stp;
	struct st_record rec = { .magic = RECORD_MAGIC }, *r;
	struct tg_lpm_v4 key;
	__u32 k = 3, *hop, hop_a = 1, hop_b = 2;
	__u64 v = 41, *vp;

	/* hash: create, refuse a second create, find, delete */
	CHECK(1, flows_update(&f, &st, BPF_NOEXIST) == 0);
	CHECK(2, flows_update(&f, &st, BPF_NOEXIST) < 0);
	stp = flows_lookup(&f);
	CHECK(3, stp && stp->packets == 1 && stp->bytes == 60);
	CHECK(4, flows_delete(&f) == 0);
	CHECK(5, !flows_lookup(&f));
	CHECK(6, flows_delete(&f) < 0);
	CHECK(7, flows_update(&f, &st, BPF_EXIST) < 0);
	st.packets = 7;
	CHECK(8, flows_update(&f, &st, BPF_ANY) == 0);	/* left behind */

	/* per-CPU hash: this CPU's value */
	CHECK(10, percpu_counts_update(&k, &v, BPF_ANY) == 0);
	vp = percpu_counts_lookup(&k);
	CHECK(11, vp && *vp == 41);
	*vp += 1;					/* 42, left behind */

	/* LRU hash */
	CHECK(20, recent_update(&k, &v, BPF_ANY) == 0);
	CHECK(21, recent_lookup(&k) != NULL);
	CHECK(22, recent_delete(&k) == 0);
	CHECK(23, recent_lookup(&k) == NULL);

	/* arrays: by index, out of range is NULL */
	v = 1234;
	CHECK(30, slots_update(2, &v, BPF_ANY) == 0);
	vp = slots_lookup(2);
	CHECK(31, vp && *vp == 1234);
	CHECK(32, slots_lookup(4) == NULL);
	CHECK(33, slots_update(4, &v, BPF_ANY) < 0);
	vp = percpu_slots_lookup(1);
	CHECK(34, vp && *vp == 0);
	*vp = 7;					/* left behind */

	/* tg_map_add: creates, then adds */
	k = 9;
	CHECK(40, tg_map_add(&recent, &k, 2) == 0);
	CHECK(41, tg_map_add(&recent, &k, 3) == 0);
	vp = recent_lookup(&k);
	CHECK(42, vp && *vp == 5);
	CHECK(43, tg_map_add(&slots, &(__u32){ 1 }, 10) == 0);
	vp = slots_lookup(1);
	CHECK(44, vp && *vp == 10);

	/* LPM trie: the longest prefix wins */
	key = route(8, 10, 0, 0, 0);
	CHECK(50, routes_update(&key, &hop_a, BPF_ANY) == 0);
	key = route(16, 10, 1, 0, 0);
	CHECK(51, routes_update(&key, &hop_b, BPF_ANY) == 0);
	key = route(32, 10, 1, 2, 3);
	hop = routes_lookup(&key);
	CHECK(52, hop && *hop == 2);
	key = route(32, 10, 2, 0, 1);
	hop = routes_lookup(&key);
	CHECK(53, hop && *hop == 1);
	key = route(32, 11, 0, 0, 1);
	CHECK(54, routes_lookup(&key) == NULL);

	/* ring buffer: submit 1, discard one, output 2 */
	r = records_reserve();
	CHECK(60, r != NULL);
	r->seq = 1;
	r->magic = RECORD_MAGIC;
	records_submit(r);
	r = records_reserve();
	CHECK(61, r != NULL);
	r->seq = 99;
	r->magic = 0;
	records_discard(r);
	rec.seq = 2;
	CHECK(62, records_output(&rec) == 0);

	/* perf buffer: user space opened this CPU's */
	rec.seq = 3;
	CHECK(70, perf_records_output(ctx, &rec) == 0);

	/* an empty program array: the tail call falls through */
	CHECK(80, no_progs_tail_call(ctx, 0) < 0);

	/* empty redirect maps: the fallback verdict */
	CHECK(90, xsks_redirect(0, XDP_PASS) == XDP_PASS);
	CHECK(91, devs_redirect(1, XDP_DROP) == XDP_DROP);

	return XDP_PASS;
}

/* The socket map wrappers, for the verifier (not run). */
SEC("sk_skb/stream_verdict")
int skb_verdict(struct __sk_buff *skb)
{
	return socks_redirect_skb(skb, 0, 0);
}

SEC("sk_msg")
int msg_verdict(struct sk_msg_md *msg)
{
	return socks_redirect_msg(msg, 0, BPF_F_INGRESS);
}

SEC("sockops")
int add_socket(struct bpf_sock_ops *ops)
{
	if (ops->op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		socks_update(ops, 0, BPF_ANY);
	return 1;
}
