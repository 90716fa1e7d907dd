# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# make examples - the probe API's example programs (examples/*.bpf.c) and
# the BPF programs its tests use (tests/probe/*.bpf.c), compiled against a
# vmlinux.h that typegen generates from the running kernel's BTF
# (-DTYPEGEN_VMLINUX: the probe API includes it, as under typegen cflags;
# tests/buildsys/test_buildsys.c builds the examples under the headers method too).
# Included by the top Makefile; BPF objects are never sanitized.

EXAMPLES_O := $(O)/examples
EXAMPLES_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/i.86/x86/' \
	      -e 's/aarch64.*/arm64/' -e 's/ppc64.*/powerpc/' \
	      -e 's/riscv64/riscv/' -e 's/s390x/s390/')
BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -DTYPEGEN_VMLINUX \
	      -Wall -Wextra -Wno-unused-parameter -Werror \
	      -I$(EXAMPLES_O) -Iinclude

EXAMPLE_SRCS := $(sort $(wildcard examples/*.bpf.c))
PROBE_TEST_SRCS := $(sort $(wildcard tests/probe/*.bpf.c))
EXAMPLE_OBJS := $(EXAMPLE_SRCS:examples/%.c=$(EXAMPLES_O)/%.o) \
		$(PROBE_TEST_SRCS:tests/probe/%.c=$(EXAMPLES_O)/%.o)
PROBE_HDRS := $(sort $(wildcard include/typegen/*.h))

.PHONY: examples

FORCE:

examples: $(EXAMPLE_OBJS)

# Regenerated on every run (the kernel may have changed), but replaced only
# when different, so that the examples are rebuilt only when they must be.
$(EXAMPLES_O)/vmlinux.h: $(CLI) FORCE
	@mkdir -p $(@D)
	$(CLI) dump -i $(EXAMPLES_BTF) -o $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

$(EXAMPLES_O)/%.bpf.o: examples/%.bpf.c $(EXAMPLES_O)/vmlinux.h $(PROBE_HDRS) \
		       | $(TEST_DEPS_STAMP)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(EXAMPLES_O)/%.bpf.o: tests/probe/%.bpf.c $(EXAMPLES_O)/vmlinux.h \
		       $(PROBE_HDRS) | $(TEST_DEPS_STAMP)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
