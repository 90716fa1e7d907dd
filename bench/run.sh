#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# run.sh [INPUT] - typegen against bpftool and libbpf's btf_dump, on the
# same input (default /sys/kernel/btf/vmlinux).
#
# Every tool writes the header to a file. N rounds (default 15) of GNU
# time give user+sys CPU and peak RSS (the tools run one after the other in
# each round, so that a slow phase of the machine hits all of them alike);
# wall time is hyperfine's median of N runs each, with no wrapper around
# the tools. The table (medians, the largest peak RSS, ratios and the
# targets) is printed and saved to $TG_BUILD/bench/results.txt. Exits 1 if
# a tool fails; the targets are reported as PASS/FAIL and fail the script
# with STRICT=1.
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
command -v hyperfine >/dev/null || die "hyperfine is needed (apt-get install hyperfine)"

X=$TMP/x.h Y=$TMP/y.h Z=$TMP/z.h W=$TMP/w.h
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

# The three compared tools write to standard output redirected to a file,
# alike. "typegen -o" is timed too, for information: replacing the file
# atomically (a temporary file renamed over it) costs ext4 a few ms.
round() {
	run_one typegen "$X" "$TYPEGEN" dump -i "$IN"
	run_one bpftool "$Y" "$BPFTOOL" btf dump file "$IN" format c
	run_one btf_dump_ref "$Z" "$REF" "$IN"
	run_one typegen_o /dev/null "$TYPEGEN" dump -i "$IN" -o "$W"
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
round
rm -f "$LOG/typegen" "$LOG/bpftool" "$LOG/btf_dump_ref" "$LOG/typegen_o"

for i in $(seq "$N"); do
	printf '\rround %d/%d' "$i" "$N"
	round
done
echo

declare -A wall cpu rss size
for t in typegen bpftool btf_dump_ref typegen_o; do
	cpu[$t]=$(median "$LOG/$t" 2)
	rss[$t]=$(maxcol "$LOG/$t" 3)
done

# Wall time from hyperfine: no wrapper around the tools, whose own start-up
# (GNU time's and a shell's) would add the same milliseconds to each and
# blur the ratios. Each writes its output to a real file, as above.
echo "wall time: hyperfine, $N runs each..."
hyperfine -N -w 3 -r "$N" --style none --output="$TMP/hyperfine.out" \
	--export-csv "$LOG/wall.csv" \
	-n typegen "$TYPEGEN dump -i $IN" \
	-n bpftool "$BPFTOOL btf dump file $IN format c" \
	-n btf_dump_ref "$REF $IN" \
	-n typegen_o "$TYPEGEN dump -i $IN -o $W" >/dev/null ||
	die "hyperfine failed"
rm -f "$TMP/hyperfine.out"
# CSV: command,mean,stddev,median,user,system,min,max (seconds)
while IFS=, read -r name _ _ med _; do
	[ "$name" = command ] && continue
	wall[$name]=$(awk -v m="$med" 'BEGIN { printf "%.4f", m }')
done < "$LOG/wall.csv"
size[typegen]=$(stat -c %s "$X")
size[bpftool]=$(stat -c %s "$Y")
size[btf_dump_ref]=$(stat -c %s "$Z")
size[typegen_o]=$(stat -c %s "$W")

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
	echo "wall: hyperfine median of $N runs; cpu (user+sys, median) and"
	echo "peak RSS (largest of all runs): GNU time over $N interleaved rounds"
	echo
	printf '%-14s %12s %12s %14s %12s\n' tool "wall med(s)" "cpu med(s)" \
		"peak RSS(KB)" "output(B)"
	for t in typegen btf_dump_ref bpftool typegen_o; do
		printf '%-14s %12s %12s %14s %12s\n' "$t" "${wall[$t]}" \
			"${cpu[$t]}" "${rss[$t]}" "${size[$t]}"
	done
	echo
	echo "(typegen_o: typegen with -o FILE, replacing it atomically; not compared)"
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
