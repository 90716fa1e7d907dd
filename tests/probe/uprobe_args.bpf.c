// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * uprobe_args - tg_arg() and tg_ret() on a plain struct pt_regs *ctx:
 * a uprobe and a uretprobe on a five-argument function of the test.
 */
#include "vmlinux.h"
#include <typegen/probe.h>

TG_LICENSE("GPL");

/* Keep in step with tests/probe/test_probe_api.c. */
struct call_args {
	__u64 args[5];
	__s64 ret;
	__u32 pid;
	__u32 calls;
};

TG_MAP_ARRAY(last_call, struct call_args, 1);

SEC("uprobe")
int args_enter(struct pt_regs *ctx)
{
	struct call_args *c = last_call_lookup(0);

	if (!c)
		return 0;
	c->args[0] = tg_arg(ctx, 1);
	c->args[1] = tg_arg(ctx, 2);
	c->args[2] = tg_arg(ctx, 3);
	c->args[3] = tg_arg(ctx, 4);
	c->args[4] = tg_arg(ctx, 5);
	c->pid = tg_pid();
	c->calls++;
	return 0;
}

SEC("uretprobe")
int args_exit(struct pt_regs *ctx)
{
	struct call_args *c = last_call_lookup(0);

	if (c)
		c->ret = tg_ret(ctx);
	return 0;
}
