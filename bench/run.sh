#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# run.sh [INPUT] - typegen against bpftool and libbpf's btf_dump, on the
# same input (default /sys/kernel/btf/vmlinux).
#
# N rounds (default 15); in each round the three tools run one after the
# other, so that a slow phase of the machine hits all of them alike. Every
# run is measured by GNU time: wall time, user+sys CPU, peak RSS. The table
# (medians, the largest peak RSS, ratios and the targets) is printed and
# saved to $TG_BUILD/bench/results.txt. Exits 1 if a tool fails; the
# targets are reported as PASS/FAIL and fail the script with STRICT=1.
set -euo pipefail
# EPOCHREALTIME and awk must agree on the decimal point.
export LC_ALL=C

B=${TG_BUILD:-build}
IN=${1:-/sys/kernel/btf/vmlinux}
N=${N:-15}
TMP=${TMPDIR:-/tmp}
TIME=/usr/bin/time
RESULTS=$B/bench/results.txt

TYPEGEN=$B/typegen
REF=$B/bench/btf_dump_ref
BPFTOOL=$(command -v bpftool || true)

die() { echo "bench: $*" >&2; exit 1; }

[ -r "$IN" ] || die "$IN: cannot read the input"
[ -x "$TYPEGEN" ] || die "$TYPEGEN: not built (run make)"
[ -x "$REF" ] || die "$REF: not built (run make bench)"
[ -x "$TIME" ] || die "$TIME: GNU time is needed (apt-get install time)"
[ -n "$BPFTOOL" ] || die "bpftool is needed (apt-get install bpftool)"

X=$TMP/x.h Y=$TMP/y.h Z=$TMP/z.h
LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT

# run_one NAME OUT CMD... - one measured run; appends "wall cpu rss_kb" to
# $LOG/NAME. The tool's stdout goes to OUT. GNU time gives CPU time and peak
# RSS; its wall time (%e) has only 10 ms steps, too coarse for runs of a
# few tens of ms, so wall time is taken from bash's microsecond clock around
# the same command (GNU time's own start-up, well under a millisecond, is
# in every tool's figure alike).
run_one() {
	local name=$1 out=$2 t=$LOG/time start end
	shift 2
	start=$EPOCHREALTIME
	if ! "$TIME" -f '%e %U %S %M' -o "$t" "$@" > "$out"; then
		die "$name failed: $*"
	fi
	end=$EPOCHREALTIME
	awk -v s="$start" -v e="$end" \
		'{ printf "%.4f %.3f %d\n", e - s, $2 + $3, $4 }' "$t" >> "$LOG/$name"
}

round() {
	run_one typegen /dev/null "$TYPEGEN" dump -i "$IN" -o "$X"
	run_one bpftool "$Y" "$BPFTOOL" btf dump file "$IN" format c
	run_one btf_dump_ref "$Z" "$REF" "$IN"
}

# Median of column $2 of file $1.
median() {
	sort -n -k"$2","$2" "$1" | awk -v c="$2" '{ v[NR] = $c }
		END { if (NR % 2) print v[(NR + 1) / 2];
		      else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

maxcol() {
	awk -v c="$2" 'NR == 1 || $c > m { m = $c } END { print m }' "$1"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

# pass_if A OP B - PASS or FAIL for the comparison.
pass_if() {
	awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
		ok = (op == "<=") ? (a <= b) : 0
		print ok ? "PASS" : "FAIL" }'
}

echo "input: $IN ($(stat -c %s "$IN") bytes), $N rounds, kernel $(uname -r)"
echo "warming up..."
# One untimed round: page cache, and a check that all three work.
run_one typegen /dev/null "$TYPEGEN" dump -i "$IN" -o "$X"
run_one bpftool "$Y" "$BPFTOOL" btf dump file "$IN" format c
run_one btf_dump_ref "$Z" "$REF" "$IN"
rm -f "$LOG/typegen" "$LOG/bpftool" "$LOG/btf_dump_ref"

for i in $(seq "$N"); do
	printf '\rround %d/%d' "$i" "$N"
	round
done
echo

declare -A wall cpu rss size
for t in typegen bpftool btf_dump_ref; do
	wall[$t]=$(median "$LOG/$t" 1)
	cpu[$t]=$(median "$LOG/$t" 2)
	rss[$t]=$(maxcol "$LOG/$t" 3)
done
size[typegen]=$(stat -c %s "$X")
size[bpftool]=$(stat -c %s "$Y")
size[btf_dump_ref]=$(stat -c %s "$Z")

wall_ref=$(ratio "${wall[typegen]}" "${wall[btf_dump_ref]}")
wall_bpf=$(ratio "${wall[typegen]}" "${wall[bpftool]}")
rss_ref=$(ratio "${rss[typegen]}" "${rss[btf_dump_ref]}")
rss_bpf=$(ratio "${rss[typegen]}" "${rss[bpftool]}")
t_wall=$(pass_if "$wall_ref" "<=" 0.3333)
t_rss=$(pass_if "${rss[typegen]}" "<=" "${rss[btf_dump_ref]}")

mkdir -p "$(dirname "$RESULTS")"
{
	echo "typegen benchmark: $IN ($(stat -c %s "$IN") bytes)"
	echo "kernel $(uname -r), $(nproc) CPUs, $N rounds, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "bpftool: $("$BPFTOOL" version | head -1), $("$TYPEGEN" --version | tr '\n' ' ')"
	echo "wall: median, bash clock around each run; cpu (user+sys, median)"
	echo "and peak RSS (largest of all runs): GNU time"
	echo
	printf '%-14s %12s %12s %14s %12s\n' tool "wall med(s)" "cpu med(s)" \
		"peak RSS(KB)" "output(B)"
	for t in typegen btf_dump_ref bpftool; do
		printf '%-14s %12s %12s %14s %12s\n' "$t" "${wall[$t]}" \
			"${cpu[$t]}" "${rss[$t]}" "${size[$t]}"
	done
	echo
	echo "typegen/btf_dump_ref: wall $wall_ref, peak RSS $rss_ref"
	echo "typegen/bpftool:      wall $wall_bpf, peak RSS $rss_bpf"
	echo
	echo "target: typegen wall <= 1/3 of btf_dump_ref: $wall_ref -> $t_wall"
	echo "target: typegen peak RSS <= btf_dump_ref:    ${rss[typegen]} KB vs ${rss[btf_dump_ref]} KB -> $t_rss"
} | tee "$RESULTS"
echo "saved to $RESULTS"

if [ "${STRICT:-0}" = 1 ] && { [ "$t_wall" = FAIL ] || [ "$t_rss" = FAIL ]; }; then
	exit 1
fi
exit 0
