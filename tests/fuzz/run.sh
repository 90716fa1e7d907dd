#!/bin/bash
# run.sh HARNESS... - run each libFuzzer harness (FUZZ_O/fuzz_HARNESS) for
# FUZZ_TIME seconds, one after the other, on a corpus kept in
# FUZZ_O/corpus/HARNESS: the seeds (seeds.sh), the regression inputs of
# tests/fixtures/fuzz/HARNESS, and whatever earlier runs found.
#
# Each run's log is FUZZ_O/logs/HARNESS.log; a crash, leak or timeout is
# saved in FUZZ_O/artifacts/HARNESS/ and fails the script. With
# FUZZ_KEEP_GOING=1 a run goes on after a crash (libFuzzer's fork mode),
# to collect every finding of a long run at once. FUZZ_JOBS=N runs N
# harnesses at a time (default 1).
set -u

src=$(cd "$(dirname "$0")/../.." && pwd)
fo=${FUZZ_O:-build-fuzz}
time=${FUZZ_TIME:-60}
jobs=${FUZZ_JOBS:-1}

TG_BUILD=${TG_BUILD:-build} "$src/tests/fuzz/seeds.sh" "$fo/seeds" ||
	exit 1
mkdir -p "$fo/logs"

run_one() {
	h=$1
	corpus=$fo/corpus/$h
	art=$fo/artifacts/$h
	mkdir -p "$corpus" "$art"
	cp "$fo/seeds/$h"/* "$corpus/"
	[ -d "$src/tests/fixtures/fuzz/$h" ] &&
		cp "$src/tests/fixtures/fuzz/$h"/* "$corpus/"
	mode=""
	[ "${FUZZ_KEEP_GOING:-0}" = 1 ] &&
		mode="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
	# Ten seconds for one input is a hang: the slowest seed takes a few
	# milliseconds.
	# shellcheck disable=SC2086
	"$fo/fuzz_$h" $mode -max_total_time="$time" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/" "$corpus" >"$fo/logs/$h.log" 2>&1
	rc=$?
	# The final stats, or in fork mode the last status line's count.
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		"$fo/logs/$h.log" | tail -1)
	[ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$fo/logs/$h.log" |
		tail -1 | tr -d '#')
	cov=$(grep -o 'cov: [0-9]*' "$fo/logs/$h.log" | tail -1)
	found=$(find "$art" -type f | wc -l)
	echo "fuzz_$h: ${time}s, ${execs:-?} executions, ${cov:-cov: ?}," \
		"$found finding(s), exit $rc"
	[ "$rc" -eq 0 ] && [ "$found" -eq 0 ]
}

status=0
pids=()
for h in "$@"; do
	if [ "$jobs" -le 1 ]; then
		run_one "$h" || status=1
		continue
	fi
	run_one "$h" &
	pids+=($!)
	if [ "${#pids[@]}" -ge "$jobs" ]; then
		wait "${pids[0]}" || status=1
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do
	wait "$p" || status=1
done
exit $status
