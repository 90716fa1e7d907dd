/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * typegen/meta.h - program metadata: the license and version sections.
 */
#ifndef __TYPEGEN_META_H
#define __TYPEGEN_META_H

/*
 * TG_ANY_KERNEL - the version that tells the loader to use the running
 * kernel's (the convention of gobpf and redbpf's program! macro).
 */
#define TG_ANY_KERNEL	0xFFFFFFFEu

/*
 * TG_PROGRAM - declare the object's kernel version and license, at file
 * scope, once per object:
 *
 *	TG_PROGRAM(TG_ANY_KERNEL, "GPL");
 *
 * The license decides which helpers the verifier lets the programs call
 * (bpf_probe_read*, bpf_trace_printk... need a GPL-compatible one). The
 * version only mattered to kernels older than 4.12, which checked it
 * for kprobes.
 */
#define TG_PROGRAM(version, license)					\
	char _license[] SEC("license") = license;			\
	__u32 _version SEC("version") = (version)

/* TG_LICENSE - TG_PROGRAM() with the running kernel's version. */
#define TG_LICENSE(license) TG_PROGRAM(TG_ANY_KERNEL, license)

#endif /* __TYPEGEN_META_H */
