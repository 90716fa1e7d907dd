# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# core_obj.sh - sourced by min.sh and check.sh, which race typegen against
# loops of bpftool gen min_core_btf: the tools they need, a scratch
# directory $W (removed on exit), and in it obj.bpf.o, tests/min/
# core_reads.bpf.c (every CO-RE relocation kind) compiled against a
# vmlinux.h of the kernel fixture $FIXTURE.
B=${TG_BUILD:-build}
FIXTURE=$B/fixtures/vmlinux-6.18.44.btf
TYPEGEN=$(realpath "$B/typegen")
CLANG=${CLANG:-clang-19}
TIME=/usr/bin/time

die() { echo "bench: $*" >&2; exit 1; }

[ -r "$FIXTURE" ] || die "$FIXTURE: missing (run make fixtures)"
[ -x "$TYPEGEN" ] || die "$TYPEGEN: not built (run make)"
command -v bpftool >/dev/null || die "bpftool is needed (apt-get install bpftool)"
command -v hyperfine >/dev/null || die "hyperfine is needed (apt-get install hyperfine)"
command -v "$CLANG" >/dev/null || die "$CLANG is needed"
[ -x "$TIME" ] || die "$TIME: GNU time is needed (apt-get install time)"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

"$TYPEGEN" dump -i "$FIXTURE" -o "$W/vmlinux.h"
"$CLANG" -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$W" \
	-c tests/min/core_reads.bpf.c -o "$W/obj.bpf.o"
