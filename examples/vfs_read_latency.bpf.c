// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * vfs_read_latency - how long each vfs_read() takes, per call, into a ring
 * buffer: a kprobe notes when a thread enters, a kretprobe sends the time
 * it took with the process, thread, command and bytes read.
 *
 * User space: bpf_object__load(), bpf_program__attach() on both programs,
 * then ring_buffer__new() on the map "reads" and ring_buffer__poll().
 */
#include <typegen/probe.h>

TG_LICENSE("GPL");

struct read_event {
	__u32 pid;			/* process (tgid) */
	__u32 tid;			/* thread */
	__u64 latency_ns;
	__s64 ret;			/* bytes read, or -errno */
	__u64 count;			/* bytes asked for */
	char comm[TASK_COMM_LEN];
};

struct read_start {
	__u64 ts;
	__u64 count;
};

/* Reads in progress, by thread (pid_tgid): LRU, so lost returns age out. */
TG_MAP_LRU_HASH(starts, __u64, struct read_start, 10240);
TG_MAP_RINGBUF(reads, struct read_event, 256 * 1024);

TG_KPROBE(vfs_read, read_enter, struct file *file, char *buf, size_t count)
{
	struct read_start start = { .ts = tg_now_ns(), .count = count };
	__u64 id = tg_pid_tgid();

	starts_update(&id, &start, BPF_ANY);
	return 0;
}

TG_KRETPROBE(vfs_read, read_exit, ssize_t ret)
{
	__u64 id = tg_pid_tgid();
	struct read_start *start;
	struct read_event *e;

	start = starts_lookup(&id);
	if (!start)
		return 0;	/* entered before we were attached */
	e = reads_reserve();
	if (e) {
		e->pid = id >> 32;
		e->tid = (__u32)id;
		e->latency_ns = tg_now_ns() - start->ts;
		e->ret = ret;
		e->count = start->count;
		tg_comm(e->comm);
		reads_submit(e);
	}
	starts_delete(&id);
	return 0;
}
