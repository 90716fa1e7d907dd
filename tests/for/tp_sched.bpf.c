// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tp_sched - a classic tracepoint (trace_event_raw_* context) and a BTF
 * tracepoint (tp_btf) with typed arguments, counting into a hash map
 * whose key and value are structs with BTF.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct stat_key {
	pid_t pid;
	int prio;
};

struct val {
	u64 switches;
	u64 wakeups;
	long last_state;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct stat_key);
	__type(value, struct val);
} stats SEC(".maps");

static struct val *get(pid_t pid, int prio)
{
	struct stat_key k = { .pid = pid, .prio = prio };
	struct val zero = {}, *v;

	v = bpf_map_lookup_elem(&stats, &k);
	if (v)
		return v;
	bpf_map_update_elem(&stats, &k, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&stats, &k);
}

SEC("tracepoint/sched/sched_wakeup")
int on_wakeup(struct trace_event_raw_sched_wakeup_template *ctx)
{
	struct val *v = get(ctx->pid, ctx->prio);

	if (v)
		__sync_fetch_and_add(&v->wakeups, 1);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	struct val *v = get(prev->pid, prev->prio);

	if (v) {
		__sync_fetch_and_add(&v->switches, 1);
		v->last_state = prev->__state;
	}
	return 0;
}
