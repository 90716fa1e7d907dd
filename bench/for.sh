#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# for.sh - what a minimal header saves a BPF build.
#
# For every BPF program of the test suite (tests/for, the probe API's
# examples and its test programs), on the committed 6.18 kernel's BTF:
#
#   full   clang -O2 -g -target bpf against the whole vmlinux.h
#   min    the same against the header typegen dump --for makes for it
#   --for  typegen dump --for itself (preprocessing and compile rounds)
#
# each the median of N runs (default 10, hyperfine, interleaved per
# program). Reports per program and the median over programs of
# full/min (target: at least 5x) and of --for/full (target: below 1, that
# is --for costs less than one compile against the whole header). The
# table is saved to $TG_BUILD/bench/for.txt; STRICT=1 fails on FAIL.
set -euo pipefail
export LC_ALL=C

B=${TG_BUILD:-build}
N=${N:-10}
CLANG=${CLANG:-clang-19}
FIXTURE=$B/fixtures/vmlinux-6.18.44.btf
TYPEGEN=$B/typegen
RESULTS=$B/bench/for.txt

die() { echo "bench: $*" >&2; exit 1; }

[ -r "$FIXTURE" ] || die "$FIXTURE: missing (run make fixtures)"
[ -x "$TYPEGEN" ] || die "$TYPEGEN: not built (run make)"
command -v hyperfine >/dev/null || die "hyperfine is needed (apt-get install hyperfine)"
command -v python3 >/dev/null || die "python3 is needed"

case $(uname -m) in
aarch64) ARCH=arm64 ;;
*) ARCH=x86 ;;
esac
CFLAGS="-O2 -g -target bpf -D__TARGET_ARCH_$ARCH -Wall -Wno-unused-parameter -Iinclude"
# the probe API's programs pick vmlinux.h with this (build-system work)
grep -q TYPEGEN_VMLINUX include/typegen/types.h 2>/dev/null &&
	CFLAGS="$CFLAGS -DTYPEGEN_VMLINUX"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/full" "$(dirname "$RESULTS")"
"$TYPEGEN" dump -i "$FIXTURE" -o "$W/full/vmlinux.h"

rows=()
for src in tests/for/*.bpf.c examples/*.bpf.c tests/probe/*.bpf.c; do
	n=$(basename "$src" .bpf.c)
	mkdir -p "$W/$n"
	for_cmd="$TYPEGEN dump -i $FIXTURE --for $src -o $W/$n/vmlinux.h -- $CFLAGS"
	$for_cmd
	hyperfine -N -w 1 -r "$N" --export-json "$W/$n.json" \
		-n full "$CLANG $CFLAGS -I$W/full -c $src -o $W/$n/full.o" \
		-n min "$CLANG $CFLAGS -I$W/$n -c $src -o $W/$n/min.o" \
		-n for "$for_cmd" >/dev/null
	rows+=("$n $(wc -l < "$W/$n/vmlinux.h") $W/$n.json")
done

python3 - "$RESULTS" "$(wc -l < "$W/full/vmlinux.h")" "${rows[@]}" <<'PY'
import json, statistics, sys
out, full_lines, rows = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
lines = []
p = lambda s: (print(s), lines.append(s))
p(f"{'program':<22} {'lines':>6} {'full ms':>8} {'min ms':>7} {'--for ms':>8} {'full/min':>8} {'for/full':>8}")
speedups, costs = [], []
for r in rows:
    name, nlines, path = r.split(' ')
    med = {x['command']: x['median'] * 1000 for x in json.load(open(path))['results']}
    s, c = med['full'] / med['min'], med['for'] / med['full']
    speedups.append(s); costs.append(c)
    p(f"{name:<22} {nlines:>6} {med['full']:>8.1f} {med['min']:>7.1f} {med['for']:>8.1f} {s:>7.1f}x {c:>8.2f}")
ms, mc = statistics.median(speedups), statistics.median(costs)
p(f"whole header: {full_lines} lines; {len(rows)} programs")
p(f"compile against the minimal header: median {ms:.1f}x faster (min {min(speedups):.1f}x), target >= 5x: {'PASS' if ms >= 5 else 'FAIL'}")
p(f"--for vs one compile against the whole header: median {mc:.2f}, worst {max(costs):.2f}, target < 1: {'PASS' if max(costs) < 1 else 'FAIL'}")
open(out, 'w').write('\n'.join(lines) + '\n')
PY
if [ "${STRICT:-0}" = 1 ] && grep -q FAIL "$RESULTS"; then
	exit 1
fi
