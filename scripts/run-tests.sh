#!/bin/sh
# run-tests.sh TEST... - run each cmocka test binary (all of them, even
# after a failure), then print one line summing their results. Fails if any
# binary failed or crashed.
passed=0
failed=0
skipped=0
bad_bins=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$@"; do
	name=$(basename "$t")
	echo "== $name"
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
	if [ "$rc" -ne 0 ]; then
		bad_bins="$bad_bins $name"
		# A crash prints no cmocka summary: count it as a failure.
		[ -z "$f" ] && failed=$((failed + 1))
	fi
done

echo
[ -n "$bad_bins" ] && echo "failing test programs:$bad_bins"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ -z "$bad_bins" ]
