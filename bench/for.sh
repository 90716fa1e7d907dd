#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# for.sh [CORPUS] - what a minimal header saves a BPF build.
#
# For every BPF program, on the committed 6.18 kernel's BTF:
#
#   full   clang -O2 -g -target bpf against the whole vmlinux.h
#   min    the same against the header typegen dump --for makes for it
#   --for  typegen dump --for itself, on a program unchanged since its
#          last run (its proven selection is in the cache: one
#          preprocessing run)
#   cold   typegen dump --for --no-cache (preprocessing and a proving
#          compile)
#   floor  the same compile of an empty file: clang's own start-up, which
#          no header can save
#   hdr    the same compile of a file that includes the minimal header
#          only: hdr - floor is what the header itself still costs
#
# each timed by hyperfine (N runs, default 5, after one warm-up; the three
# commands of a program in one hyperfine run). The programs are the test
# suite's (tests/for, the probe API's examples and test programs), or with
# CORPUS every CORPUS/*.bpf.c, built with -I CORPUS, and with
# CORPUS/include first if it is there (a libbpf newer than the installed
# one: bench/corpus.sh makes such a corpus from bcc's libbpf-tools and
# libbpf's headers). Programs that do not compile against the whole header
# are listed and skipped. Each min object must disassemble (with
# relocations) exactly as the full one.
#
# Reports per program and the distribution over programs (median, min,
# max) of full/min (target: median >= 5x) and --for/full (target: median
# <= 0.25; cold/full is reported beside it), from wall time and, as the
# machine may be shared, from CPU time (user+sys) too. Beside them, the
# share of the min compile that is the header's (hdr - floor) / min, and
# the most a smaller header could give: full / (min - (hdr - floor)). The table is saved to $TG_BUILD/bench/for.txt;
# STRICT=1 fails on FAIL.
set -euo pipefail
export LC_ALL=C

B=${TG_BUILD:-build}
N=${N:-5}
CLANG=${CLANG:-clang-19}
OBJDUMP=${OBJDUMP:-llvm-objdump-19}
FIXTURE=$B/fixtures/vmlinux-6.18.44.btf
TYPEGEN=$(realpath "$B/typegen")
RESULTS=$B/bench/for.txt
CORPUS=${1:-}

die() { echo "bench: $*" >&2; exit 1; }

[ -r "$FIXTURE" ] || die "$FIXTURE: missing (run make fixtures)"
[ -x "$TYPEGEN" ] || die "$TYPEGEN: not built (run make)"
command -v hyperfine >/dev/null || die "hyperfine is needed (apt-get install hyperfine)"
command -v python3 >/dev/null || die "python3 is needed"
command -v "$OBJDUMP" >/dev/null || die "$OBJDUMP is needed (apt-get install llvm-19)"

case $(uname -m) in
aarch64) ARCH=arm64 ;;
*) ARCH=x86 ;;
esac
CFLAGS="-O2 -g -target bpf -D__TARGET_ARCH_$ARCH -Wno-unused-parameter -Wno-unused-command-line-argument"
if [ -n "$CORPUS" ]; then
	[ -d "$CORPUS" ] || die "$CORPUS: not a directory"
	CORPUS=$(realpath "$CORPUS")
	srcs=("$CORPUS"/*.bpf.c)
	[ -e "${srcs[0]}" ] || die "$CORPUS: no *.bpf.c"
	[ -d "$CORPUS/include" ] && CFLAGS="$CFLAGS -I$CORPUS/include"
	# <asm/...> for the few that include uapi headers
	CFLAGS="$CFLAGS -I$CORPUS -idirafter /usr/include/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
	what="$CORPUS (${#srcs[@]} programs)"
else
	srcs=(tests/for/*.bpf.c examples/*.bpf.c tests/probe/*.bpf.c)
	CFLAGS="$CFLAGS -I$PWD/include -DTYPEGEN_VMLINUX"
	what="the test suite's programs"
fi

# disasm OBJ - instructions, relocations and CO-RE relocations, without
# the BTF type ids the CO-RE ones are shown with
disasm() {
	"$OBJDUMP" -dr --no-show-raw-insn "$1" | tail -n +3 |
		sed 's/\(CO-RE <[a-z0-9_]*>\) \[[0-9]*\]/\1/'
}

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export TYPEGEN_CACHE_DIR=$W/cache
mkdir -p "$W/full" "$(dirname "$RESULTS")"
: > "$W/empty.c"
echo '#include "vmlinux.h"' > "$W/hdr.c"
"$TYPEGEN" dump -i "$FIXTURE" -o "$W/full/vmlinux.h"

echo "programs: $what; $N runs each after a warm-up"
rows=() skipped=() differ=()
i=0
for src in "${srcs[@]}"; do
	n=$(basename "$src" .bpf.c)
	i=$((i + 1))
	printf '\r%3d/%d %-30s' "$i" "${#srcs[@]}" "$n"
	mkdir -p "$W/$n"
	full_cmd="$CLANG $CFLAGS -I$W/full -c $src -o $W/$n/full.o"
	min_cmd="$CLANG $CFLAGS -I$W/$n -c $src -o $W/$n/min.o"
	for_cmd="$TYPEGEN dump -i $FIXTURE --for $src -o $W/$n/vmlinux.h -- $CFLAGS"
	cold_cmd="$TYPEGEN dump -i $FIXTURE --no-cache --for $src -o $W/$n/cold.h -- $CFLAGS"
	floor_cmd="$CLANG $CFLAGS -c $W/empty.c -o $W/$n/floor.o"
	hdr_cmd="$CLANG $CFLAGS -I$W/$n -c $W/hdr.c -o $W/$n/hdr.o"
	if ! $full_cmd 2>"$W/$n/err"; then
		skipped+=("$n: $(grep -m1 'error:' "$W/$n/err" || head -1 "$W/$n/err")")
		continue
	fi
	if ! $for_cmd 2>"$W/$n/err"; then
		skipped+=("$n: --for failed: $(tail -1 "$W/$n/err")")
		continue
	fi
	$min_cmd
	# CO-RE relocations are shown with BTF type ids, which move with
	# what the header defines: compared by type name and access string
	if ! cmp -s <(disasm "$W/$n/full.o") <(disasm "$W/$n/min.o"); then
		differ+=("$n")
	fi
	hyperfine -N -w 1 -r "$N" --export-json "$W/$n.json" \
		-n full "$full_cmd" -n min "$min_cmd" -n for "$for_cmd" \
		-n cold "$cold_cmd" -n floor "$floor_cmd" -n hdr "$hdr_cmd" \
		>/dev/null 2>&1 || die "$n: hyperfine failed"
	rows+=("$n $(wc -l < "$W/$n/vmlinux.h") $W/$n.json")
done
echo

python3 - "$RESULTS" "$(wc -l < "$W/full/vmlinux.h")" "$what" "${#differ[@]}" \
	"${rows[@]}" <<'PY'
import json, statistics, sys
out, full_lines, what, ndiffer, rows = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5:]
lines = []
p = lambda s: (print(s), lines.append(s))
p(f"programs: {what}; whole header {full_lines} lines")
p(f"{'program':<22} {'lines':>6} {'full ms':>8} {'min ms':>7} {'--for ms':>8} {'cold ms':>8} {'full/min':>8} {'for/full':>8} {'cold/f':>6} {'cpu f/m':>8} {'cpu for/f':>9} {'cpu cold/f':>10} {'cpu floor':>9} {'cpu hdr/m':>9} {'cpu bound':>9}")
sp, co, csp, cco, cold, ccold, share, bound = [], [], [], [], [], [], [], []
for r in rows:
    name, nlines, path = r.split(' ')
    res = {x['command']: x for x in json.load(open(path))['results']}
    med = {k: v['median'] * 1000 for k, v in res.items()}
    # hyperfine gives the mean user and system time of the runs
    cpu = {k: v['user'] + v['system'] for k, v in res.items()}
    s, c, k = med['full'] / med['min'], med['for'] / med['full'], med['cold'] / med['full']
    cs, cc, ck = cpu['full'] / cpu['min'], cpu['for'] / cpu['full'], cpu['cold'] / cpu['full']
    # the header's own cost in the min compile, and what is left without it
    h = max(cpu['hdr'] - cpu['floor'], 0)
    sh, bd = h / cpu['min'], cpu['full'] / (cpu['min'] - h)
    sp.append(s); co.append(c); csp.append(cs); cco.append(cc); cold.append(k); ccold.append(ck)
    share.append(sh); bound.append(bd)
    p(f"{name:<22} {nlines:>6} {med['full']:>8.1f} {med['min']:>7.1f} {med['for']:>8.1f} {med['cold']:>8.1f} {s:>7.1f}x {c:>8.2f} {k:>6.2f} {cs:>7.1f}x {cc:>9.2f} {ck:>10.2f} {cpu['floor'] * 1000:>7.0f}ms {sh:>9.2f} {bd:>8.1f}x")
if not rows:
    sys.exit("bench: no program measured")
def dist(v, fmt):
    return f"median {fmt(statistics.median(v))} (min {fmt(min(v))}, max {fmt(max(v))})"
x = lambda v: f"{v:.1f}x"
f2 = lambda v: f"{v:.2f}"
ms, mc = statistics.median(sp), statistics.median(co)
p(f"{len(rows)} programs measured; objects with other code than the whole header's: {ndiffer}")
p(f"compile against the minimal header, wall: {dist(sp, x)}; target median >= 5x: {'PASS' if ms >= 5 else 'FAIL'}")
p(f"                                   cpu:  {dist(csp, x)}")
p(f"--for / one compile against the whole header, wall: {dist(co, f2)}; target median <= 0.25: {'PASS' if mc <= 0.25 else 'FAIL'}")
p(f"                                              cpu:  {dist(cco, f2)}")
p(f"--for --no-cache / one compile against the whole header, wall: {dist(cold, f2)}")
p(f"                                                         cpu:  {dist(ccold, f2)}")
p(f"the minimal header's share of its compile (cpu, (hdr - floor) / min): {dist(share, f2)}")
p(f"full / min with a header that cost nothing (cpu): {dist(bound, x)}")
open(out, 'w').write('\n'.join(lines) + '\n')
PY
for s in "${skipped[@]}"; do
	echo "skipped $s" | tee -a "$RESULTS"
done
for s in "${differ[@]}"; do
	echo "DIFFERENT CODE: $s" | tee -a "$RESULTS"
done
echo "saved to $RESULTS"
if [ "${STRICT:-0}" = 1 ] && { grep -q FAIL "$RESULTS" || [ "${#differ[@]}" != 0 ]; }; then
	exit 1
fi
exit 0
