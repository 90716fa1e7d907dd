// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel types test_check relocates against, one variant per set of
 * -D flags (clang -g -target bpf; its BTF stands for a kernel's):
 *   OLD_STATE    task_struct before 5.14: "long state", no "__state"
 *   MOVED        task_struct.pid at another offset
 *   BIG_FLAGS    bio.bi_flags a long, not an int
 *   NO_LOGINUID  no task_struct.loginuid
 *   NO_TGID      no PIDTYPE_TGID
 *   NO_MM        no struct mm_struct
 */
struct mm_struct;

struct task_struct {
#ifdef MOVED
	char pad[40];
#endif
	int pid;
#ifdef OLD_STATE
	long state;
#else
	unsigned int __state;
#endif
#ifndef NO_LOGINUID
	unsigned int loginuid;
#endif
	struct mm_struct *mm;
	int tgid;
};

#ifndef NO_MM
struct mm_struct {
	unsigned long start_stack;
	int map_count;
};
#endif

struct bio {
	unsigned short bi_vcnt;
#ifdef BIG_FLAGS
	long bi_flags;
#else
	int bi_flags;
#endif
};

enum pid_type {
	PIDTYPE_PID,
#ifndef NO_TGID
	PIDTYPE_TGID,
#endif
	PIDTYPE_PGID,
};

struct task_struct *current_task;
struct bio *current_bio;
enum pid_type current_type;
#ifndef NO_MM
struct mm_struct *current_mm;
#endif
