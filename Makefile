# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# make            the library (static and shared) and the typegen CLI
# make vmlinux.h  the running kernel's types as a C header
# make test       the whole test suite
# make check-layers  libtypegen's concerns depend one way only (make test
#                 runs it first)
# make examples   the probe API's example BPF programs (examples/)
# make install    PREFIX=/usr/local DESTDIR= (library, header, pc, CLI, man)
# make bench      benchmarks against bpftool and libbpf's btf_dump, and
#                 of opening a vmlinuz against xz -d (bench-vmlinuz alone;
#                 also a real bzImage if found, or KERNEL_IMAGE=path),
#                 and of compiling against minimal headers (bench-for)
# make bench-check  typegen check on 1,000 kernels against a loop of
#                  bpftool gen min_core_btf on 50
# make check-debian  typegen check on real Debian kernels (downloads them)
# make bench-min  typegen min --batch against a loop of bpftool gen
#                 min_core_btf, one object on 50 kernels
# make bench-dwarf  DWARF to BTF against the .BTF of Debian 12's amd64 and
#                 arm64 6.1 debug images and modules, and against pahole
#                 (PAHOLE=path); downloads them once into CACHE (default
#                 bench/.cache, some GB)
# make check-kernels  headers of Debian 12's kernels of six architectures
#                 against their own layouts, typegen's and bpftool's
#                 (downloads images and -dbg vmlinux once, into CACHE=DIR,
#                 default bench/.cache)
# make fuzz       each libFuzzer harness of tests/fuzz for FUZZ_TIME seconds
#                 (default 60), corpus and findings in build-fuzz/

VERSION_MAJOR := 0
VERSION_MINOR := 1
VERSION_PATCH := 0
VERSION := $(VERSION_MAJOR).$(VERSION_MINOR).$(VERSION_PATCH)

CC ?= cc
CLANG ?= clang-19
PKG_CONFIG ?= pkg-config
O ?= build
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share

CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wno-missing-field-initializers
LIB_PKGS := libbpf libelf libdw zlib liblzma libzstd liblz4
# bzip2 and lzo2 may come without pkg-config files: linked by name.
LIB_EXTRA_LIBS := -lbz2 -llzo2
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(LIB_PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(LIB_PKGS) 2>/dev/null) \
	   $(LIB_EXTRA_LIBS) -pthread

ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
O := $(O)-san
endif

ALL_CFLAGS = $(CFLAGS) $(WARNINGS) -std=gnu11 -D_GNU_SOURCE -pthread \
	     -Iinclude -Ilibtypegen $(PKG_CFLAGS) -MMD -MP

LIB_SRCS := $(sort $(wildcard libtypegen/*/*.c))
CLI_SRCS := $(sort $(wildcard btfgen/*.c))
TEST_SUPPORT_SRCS := $(sort $(wildcard tests/support/*.c))
# tests/<concern>/test_*.c: the tests of libtypegen/<concern>/, and of
# the CLI, the probe API, the fuzz harnesses and the build system.
TEST_SRCS := $(sort $(wildcard tests/*/test_*.c))
FIXTURE_SRCS := $(sort $(wildcard tests/fixtures/*.c))

LIB_PIC_OBJS := $(LIB_SRCS:%.c=$(O)/pic/%.o)
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(O)/%.o)
TEST_SUPPORT_OBJS := $(TEST_SUPPORT_SRCS:%.c=$(O)/%.o)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(O)/tests/%)
FIXTURE_OBJS := $(FIXTURE_SRCS:tests/fixtures/%.c=$(O)/fixtures/%.bpf.o)
KERNEL_FIXTURES := $(patsubst tests/fixtures/%.xz,$(O)/fixtures/%,\
		     $(wildcard tests/fixtures/*.btf.xz))

STATIC_LIB := $(O)/libtypegen.a
SONAME := libtypegen.so.$(VERSION_MAJOR)
SHARED_LIB := $(O)/libtypegen.so.$(VERSION)
CLI := $(O)/typegen

DEPS_STAMP := $(O)/.deps-build
TEST_DEPS_STAMP := $(O)/.deps-test

.PHONY: all test install uninstall clean bench bench-vmlinuz bench-for bench-dwarf bench-hostile \
	check-kernels \
	deps test-deps \
	fixtures vmlinux.h
.DELETE_ON_ERROR:

all: $(STATIC_LIB) $(O)/libtypegen.so $(CLI)

# Build dependencies are checked (and installed, as root with apt-get) once;
# the stamp is dropped by `make clean`.
$(DEPS_STAMP):
	@scripts/deps.sh build
	@mkdir -p $(@D) && touch $@
$(TEST_DEPS_STAMP):
	@scripts/deps.sh test
	@mkdir -p $(@D) && touch $@
deps: $(DEPS_STAMP)
test-deps: $(TEST_DEPS_STAMP)

$(O)/pic/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(O)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(STATIC_LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_PIC_OBJS)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined $(LDFLAGS) \
		$^ $(PKG_LIBS) -o $@

$(O)/libtypegen.so: $(SHARED_LIB)
	ln -sf $(notdir $(SHARED_LIB)) $(O)/$(SONAME)
	ln -sf $(SONAME) $@

$(CLI): $(CLI_OBJS) $(STATIC_LIB)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

vmlinux.h: $(CLI)
	$(CLI) dump -o $@

# ---- tests -------------------------------------------------------------

$(O)/fixtures/%.bpf.o: tests/fixtures/%.c | $(TEST_DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) -g -O2 -target bpf -c $< -o $@

$(O)/fixtures/%.btf: tests/fixtures/%.btf.xz | $(TEST_DEPS_STAMP)
	@mkdir -p $(@D)
	xz -dc $< > $@

fixtures: $(FIXTURE_OBJS) $(KERNEL_FIXTURES)

# make examples: examples/*.bpf.c and tests/probe/*.bpf.c, on a vmlinux.h
include examples/examples.mk

$(O)/tests/support/%.o: tests/support/%.c | $(TEST_DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/support -c $< -o $@

$(O)/tests/%.o: tests/%.c | $(TEST_DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/support -c $< -o $@

$(TEST_BINS): %: %.o $(TEST_SUPPORT_OBJS) $(STATIC_LIB)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -lcmocka -o $@

# The fuzz harnesses without libFuzzer: each replays the files it is given
# (test_fuzz replays the seed corpus and tests/fixtures/fuzz/ with them).
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
REPLAY_BINS := $(FUZZ_NAMES:%=$(O)/tests/fuzz/replay_%)
FUZZ_KERNEL_DEF = -DTG_FUZZ_KERNEL='"$(CURDIR)/$(O)/fixtures/vmlinux-6.18.44.btf"'

$(O)/tests/fuzz/%.o: tests/fuzz/%.c | $(TEST_DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/support $(FUZZ_KERNEL_DEF) -c $< -o $@

$(O)/tests/fuzz/replay_%: $(O)/tests/fuzz/fuzz_%.o $(O)/tests/fuzz/replay.o $(STATIC_LIB)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

# Every test binary runs even if an earlier one fails; the summary line
# counts the binaries and the exit status says whether all passed.
test: check-layers all $(TEST_BINS) $(REPLAY_BINS) fixtures examples $(O)/bench/layout_asserts
	@TG_BUILD=$(O) TG_SRCDIR=$(CURDIR) CLANG=$(CLANG) \
		scripts/run-tests.sh $(TEST_BINS)

# libtypegen's concerns depend one way only, by #include and by call
# (tests/layout/test_layers checks the checker).
.PHONY: check-layers
check-layers: $(LIB_OBJS)
	@scripts/check-layers.sh libtypegen $(O)/libtypegen

# ---- benchmarks --------------------------------------------------------

$(O)/bench/%: bench/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< $(PKG_LIBS) -o $@

# _Static_asserts of every layout of an input, for its header (make test,
# make check-kernels): reads its input through libtypegen.
$(O)/bench/layout_asserts: bench/layout_asserts.c $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< $(STATIC_LIB) $(PKG_LIBS) -o $@

bench: all $(patsubst bench/%.c,$(O)/bench/%,$(wildcard bench/*.c)) fixtures
	TG_BUILD=$(O) bench/run.sh
	TG_BUILD=$(O) bench/vmlinuz.sh
	TG_BUILD=$(O) CLANG=$(CLANG) bench/for.sh

bench-vmlinuz: all fixtures
	TG_BUILD=$(O) bench/vmlinuz.sh

# Peak memory and time on hostile inputs; BASELINE=old/typegen side by side.
bench-hostile: all fixtures
	TG_BUILD=$(O) bench/hostile.sh

# CORPUS=DIR: DIR/*.bpf.c instead of the test suite's programs (make one
# with bench/corpus.sh from bcc's libbpf-tools; keep it out of the tree)
bench-for: all fixtures
	TG_BUILD=$(O) CLANG=$(CLANG) bench/for.sh $(CORPUS)

# ---- install -----------------------------------------------------------

# Made again on every install: PREFIX may differ from the last one.
$(O)/typegen.pc: typegen.pc.in FORCE
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    $< > $@

install: all $(O)/typegen.pc
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) \
		$(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SHARED_LIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libtypegen.so
	install -m 644 include/typegen.h $(DESTDIR)$(INCLUDEDIR)/
	install -d $(DESTDIR)$(INCLUDEDIR)/typegen
	install -m 644 $(wildcard include/typegen/*.h) \
		$(DESTDIR)$(INCLUDEDIR)/typegen/
	install -m 644 $(O)/typegen.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	$(if $(wildcard man/*.3),install -m 644 $(wildcard man/*.3) $(DESTDIR)$(MANDIR)/man3/)
	install -d $(DESTDIR)$(DATADIR)/typegen $(DESTDIR)$(LIBDIR)/cmake/typegen
	install -m 644 buildsys/typegen.mk $(DESTDIR)$(DATADIR)/typegen/
	install -m 644 buildsys/typegenConfig.cmake $(DESTDIR)$(LIBDIR)/cmake/typegen/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libtypegen.* $(DESTDIR)$(INCLUDEDIR)/typegen.h \
	      $(DESTDIR)$(LIBDIR)/pkgconfig/typegen.pc $(DESTDIR)$(BINDIR)/typegen \
	      $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard man/*.1))) \
	      $(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(wildcard man/*.3)))
	rm -rf $(DESTDIR)$(INCLUDEDIR)/typegen $(DESTDIR)$(DATADIR)/typegen \
	       $(DESTDIR)$(LIBDIR)/cmake/typegen

clean:
	rm -rf $(O) $(O)-san $(O)-fuzz vmlinux.h

-include $(shell find $(O) $(O)-fuzz -name '*.d' 2>/dev/null)

# ---- fuzzing -----------------------------------------------------------

# The library and the harnesses built by clang with libFuzzer, ASan and
# UBSan, in $(O)-fuzz/. FUZZ_TIME bounds each harness's run (seconds);
# FUZZ_KEEP_GOING=1 goes on after a crash (for long runs), keeping each one
# in build-fuzz/artifacts/<harness>/. See tests/fuzz/run.sh.
FUZZ_O := $(O)-fuzz
FUZZ_TIME ?= 60
FUZZ_CFLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	      -fno-omit-frame-pointer -fno-sanitize-recover=all \
	      $(WARNINGS) -std=gnu11 -D_GNU_SOURCE -pthread -Iinclude \
	      -Ilibtypegen $(PKG_CFLAGS) -MMD -MP
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_O)/%.o)
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_O)/fuzz_%)

$(FUZZ_O)/%.o: %.c | $(TEST_DEPS_STAMP)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) $(FUZZ_KERNEL_DEF) -c $< -o $@

$(FUZZ_O)/fuzz_%: $(FUZZ_O)/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJS)
	$(CLANG) -fsanitize=fuzzer,address,undefined $^ $(PKG_LIBS) -o $@

# Kept, not removed as intermediates of the pattern rules above.
.PRECIOUS: $(FUZZ_O)/%.o $(O)/tests/fuzz/%.o

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: all fixtures $(FUZZ_BINS)
	TG_BUILD=$(O) FUZZ_O=$(FUZZ_O) FUZZ_TIME=$(FUZZ_TIME) CLANG=$(CLANG) \
		tests/fuzz/run.sh $(FUZZ_NAMES)

.PHONY: bench-min
bench-min: all fixtures
	TG_BUILD=$(O) CLANG=$(CLANG) bench/min.sh

.PHONY: bench-check
bench-check: all fixtures
	TG_BUILD=$(O) CLANG=$(CLANG) bench/check.sh

# Not part of `make test`: typegen check on real Debian kernels, downloaded
# once into CACHE (default $(O)/kernels).
.PHONY: check-debian
check-debian: all fixtures
	TG_BUILD=$(O) CLANG=$(CLANG) tests/check/debian.sh

# Not part of `make bench`: it downloads a kernel debug package once.
bench-dwarf: all $(O)/bench/dwarf_named
	TG_BUILD=$(O) bench/dwarf.sh

check-kernels: all $(O)/bench/layout_asserts
	TG_BUILD=$(O) $(if $(CACHE),CACHE=$(CACHE)) bench/check_kernels.sh
