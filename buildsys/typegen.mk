# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# typegen.mk - build BPF programs on the kernel's types, with typegen.
#
#	include $(shell typegen --makefile-fragment)
#	all: prog.bpf.o
#
# Including this runs `typegen cflags` once: it chooses vmlinux.h or the
# kernel headers by the rules in typegen(1) (REDBPF_VMLINUX, KERNEL_SOURCE,
# KERNEL_VERSION), writes $(TYPEGEN_OUT)/vmlinux.h under the vmlinux method
# (only when it changes), and leaves the flags in TYPEGEN_CFLAGS. The rule
# below builds NAME.bpf.o from NAME.bpf.c under either method; a program
# includes <typegen/probe.h> (or the kernel's headers itself).
#
# Set before including, or on the command line:
#	TYPEGEN		the typegen to run (default: the one installed
#			beside this file, else typegen from PATH)
#	TYPEGEN_OUT	where vmlinux.h goes (default: .typegen)
#	TYPEGEN_CLANG	clang (default: clang); TYPEGEN_LLC and TYPEGEN_OPT
#			default to llc and opt with the same suffix (clang-19:
#			llc-19, opt-19)
#	TYPEGEN_BPF_CFLAGS	more flags for the programs (default: -O2 -g)

TYPEGEN_MK_DIR := $(dir $(lastword $(MAKEFILE_LIST)))
TYPEGEN ?= $(firstword $(wildcard $(TYPEGEN_MK_DIR)../../bin/typegen) typegen)
TYPEGEN_OUT ?= .typegen
TYPEGEN_CLANG ?= clang
TYPEGEN_LLC ?= $(subst clang,llc,$(TYPEGEN_CLANG))
TYPEGEN_OPT ?= $(subst clang,opt,$(TYPEGEN_CLANG))
TYPEGEN_BPF_CFLAGS ?= -O2 -g

TYPEGEN_CFLAGS := $(shell $(TYPEGEN) cflags --out-dir $(TYPEGEN_OUT) || echo TYPEGEN_FAILED)
ifneq ($(filter TYPEGEN_FAILED,$(TYPEGEN_CFLAGS)),)
$(error typegen cflags failed (see above); '$(TYPEGEN) probe' shows what was checked)
endif

ifneq ($(filter -DTYPEGEN_KERNEL_HEADERS,$(TYPEGEN_CFLAGS)),)
TYPEGEN_METHOD := headers
TYPEGEN_HEADER :=
# Kernel headers hold the architecture's inline assembly, which clang
# refuses for -target bpf: compile for the architecture to LLVM IR, then
# lower it to BPF. In steps, not a pipe, so that a failure is not hidden.
typegen_compile = $(TYPEGEN_CLANG) $(TYPEGEN_CFLAGS) $(TYPEGEN_BPF_CFLAGS) \
	-emit-llvm -Xclang -disable-llvm-passes -c $(1) -o $(2).ir.bc && \
	$(TYPEGEN_OPT) -O2 -mtriple=bpf-pc-linux $(2).ir.bc -o $(2).opt.bc && \
	$(TYPEGEN_LLC) -march=bpf -filetype=obj $(2).opt.bc -o $(2); \
	rc=$$?; rm -f $(2).ir.bc $(2).opt.bc; exit $$rc
else
TYPEGEN_METHOD := vmlinux
TYPEGEN_HEADER := $(TYPEGEN_OUT)/vmlinux.h
typegen_compile = $(TYPEGEN_CLANG) -target bpf $(TYPEGEN_CFLAGS) \
	$(TYPEGEN_BPF_CFLAGS) -c $(1) -o $(2)
endif

%.bpf.o: %.bpf.c $(TYPEGEN_HEADER)
	$(call typegen_compile,$<,$@)
