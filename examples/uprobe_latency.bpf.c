// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * uprobe_latency - a uprobe/uretprobe pair on a function of a user
 * program: its first two arguments, its return value and how long it ran,
 * into a ring buffer. User space names the function when attaching:
 *
 *	LIBBPF_OPTS(bpf_uprobe_opts, o, .func_name = "compress");
 *	bpf_program__attach_uprobe_opts(enter, -1, "/usr/bin/prog", 0, &o);
 *	o.retprobe = true;
 *	bpf_program__attach_uprobe_opts(exit, -1, "/usr/bin/prog", 0, &o);
 */
#include <typegen/probe.h>

TG_LICENSE("GPL");

struct call_event {
	__u32 pid;
	__u32 tid;
	__s64 arg1;
	__s64 arg2;
	__s64 ret;
	__u64 latency_ns;
};

/* Calls in progress, by thread. */
TG_MAP_HASH(calls, __u64, struct call_event, 1024);
TG_MAP_RINGBUF(call_events, struct call_event, 64 * 1024);

TG_UPROBE(call_enter, long arg1, long arg2)
{
	struct call_event e = {
		.pid = tg_pid(),
		.tid = tg_tid(),
		.arg1 = arg1,
		.arg2 = arg2,
		.latency_ns = tg_now_ns(),	/* the start, for now */
	};
	__u64 id = tg_pid_tgid();

	calls_update(&id, &e, BPF_ANY);
	return 0;
}

TG_URETPROBE(call_exit, long ret)
{
	__u64 id = tg_pid_tgid();
	struct call_event *e, *out;

	e = calls_lookup(&id);
	if (!e)
		return 0;
	out = call_events_reserve();
	if (out) {
		*out = *e;
		out->ret = ret;
		out->latency_ns = tg_now_ns() - e->latency_ns;
		call_events_submit(out);
	}
	calls_delete(&id);
	return 0;
}
