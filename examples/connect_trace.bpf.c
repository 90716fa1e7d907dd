// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * connect_trace - every connect() to an IPv4 or IPv6 address, with who
 * made it, from the syscalls/sys_enter_connect tracepoint into a ring
 * buffer. The address is read from the caller's memory as connect() got it.
 */
#include <typegen/probe.h>

TG_LICENSE("GPL");

struct connect_event {
	__u32 pid;
	__u32 uid;
	__s32 fd;
	__u16 family;		/* AF_INET or AF_INET6 */
	__u16 port;		/* host order */
	__u8 addr[16];		/* network order; IPv4 in 4 bytes */
	char comm[TASK_COMM_LEN];
};

TG_MAP_RINGBUF(connects, struct connect_event, 64 * 1024);

TG_TRACEPOINT(syscalls, sys_enter_connect, trace_connect,
	      struct tg_syscall_enter)
{
	const void *uaddr = (const void *)ctx->args[1];
	__u64 addrlen = ctx->args[2];
	struct connect_event e = {};
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;

	if (tg_read_user_var(e.family, uaddr))
		return 0;
	if (e.family == AF_INET) {
		if (addrlen < sizeof(sin) || tg_read_user_var(sin, uaddr))
			return 0;
		e.port = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(e.addr, &sin.sin_addr, 4);
	} else if (e.family == AF_INET6) {
		if (addrlen < sizeof(sin6) ||
		    tg_read_user_var(sin6, uaddr))
			return 0;
		e.port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(e.addr, &sin6.sin6_addr, 16);
	} else {
		return 0;
	}
	e.pid = tg_pid();
	e.uid = tg_uid();
	e.fd = ctx->args[0];
	tg_comm(e.comm);
	connects_output(&e);
	return 0;
}
