#!/bin/bash
# run.sh HARNESS... - run each libFuzzer harness (FUZZ_O/fuzz_HARNESS) for
# FUZZ_TIME seconds, one after the other, on a corpus kept in
# FUZZ_O/corpus/HARNESS: the seeds (seeds.sh), the regression inputs of
# tests/fixtures/fuzz/HARNESS, and whatever earlier runs found.
#
# Each run's log is FUZZ_O/logs/HARNESS.log; a crash, leak or timeout is
# saved in FUZZ_O/artifacts/HARNESS/ (emptied at the start) and fails the
# script. With FUZZ_KEEP_GOING=1 the fuzzer is started again after a
# crash until the time is up, to collect every finding of a long run at
# once (libFuzzer's own fork mode runs ten times slower here). FUZZ_JOBS=N
# runs N harnesses at a time (default 1).
set -u

src=$(cd "$(dirname "$0")/../.." && pwd)
fo=${FUZZ_O:-build-fuzz}
time=${FUZZ_TIME:-60}
jobs=${FUZZ_JOBS:-1}

TG_BUILD=${TG_BUILD:-build} "$src/tests/fuzz/seeds.sh" "$fo/seeds" ||
	exit 1
mkdir -p "$fo/logs"

# One libFuzzer run of harness $1 for at most $2 seconds; its exit status.
fuzz_for() {
	# Ten seconds for one input is a hang: the slowest seed takes a few
	# milliseconds.
	"$fo/fuzz_$1" -max_total_time="$2" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$fo/artifacts/$1/" \
		"$fo/corpus/$1" >>"$fo/logs/$1.log" 2>&1
}

run_one() {
	h=$1
	corpus=$fo/corpus/$h
	art=$fo/artifacts/$h
	rm -rf "$art" "$fo/logs/$h.log"
	mkdir -p "$corpus" "$art"
	cp "$fo/seeds/$h"/* "$corpus/"
	if [ -n "$(ls -A "$src/tests/fixtures/fuzz/$h" 2>/dev/null)" ]; then
		cp "$src/tests/fixtures/fuzz/$h"/* "$corpus/"
	fi
	end=$(($(date +%s) + time))
	runs=0
	while :; do
		fuzz_for "$h" $((end - $(date +%s)))
		rc=$?
		runs=$((runs + 1))
		# A crash ends a run; with FUZZ_KEEP_GOING the rest of the
		# time goes to a new one, on the corpus grown so far.
		[ "$rc" -ne 0 ] && [ "${FUZZ_KEEP_GOING:-0}" = 1 ] &&
			[ $((end - $(date +%s))) -gt 1 ] || break
	done
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		"$fo/logs/$h.log" | awk '{ n += $1 } END { print n + 0 }')
	cov=$(grep -o 'cov: [0-9]*' "$fo/logs/$h.log" | tail -1)
	found=$(find "$art" -type f | wc -l)
	echo "fuzz_$h: ${time}s in $runs run(s), $execs executions," \
		"${cov:-cov: ?}, $found finding(s), last exit $rc"
	[ "$found" -eq 0 ]
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
