#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# min.sh - minimized BTF for one CO-RE object against many kernels:
# typegen's batch mode against a shell loop of bpftool gen min_core_btf.
#
# The object is tests/min/core_reads.bpf.c (every CO-RE relocation kind),
# compiled against a vmlinux.h of the kernel fixture. The kernels are
# KERNELS (default 50) copies of the kernel fixture (raw BTF, 5.5 MB each)
# in btfhub's layout, <distro>/<version>/x86_64/<release>.btf. Both tools
# read the same plain .btf files (bpftool reads no archives) and write one
# minimized file per kernel into a tree of the same shape:
#
#   typegen   typegen min OBJ --batch IN -o OUT --force  (both cores)
#   bpftool   for each kernel: bpftool gen min_core_btf KERNEL OUT OBJ
#
# --force makes typegen redo every kernel on every run, as the loop does.
# Wall time is hyperfine's (RUNS runs, default 10, after a warm-up run);
# peak RSS of one run each from GNU time. The target is typegen at least 3x
# faster (PASS/FAIL; STRICT=1 fails the script on FAIL). The table is saved
# to $TG_BUILD/bench/min.txt.
set -euo pipefail
export LC_ALL=C

B=${TG_BUILD:-build}
KERNELS=${KERNELS:-50}
RUNS=${RUNS:-10}
RESULTS=$B/bench/min.txt

. "$(dirname "$0")/core_obj.sh"

# The kernel tree: KERNELS copies over a few distros and versions.
i=0
while [ "$i" -lt "$KERNELS" ]; do
	d=$W/in/distro$((i % 5))/$((i / 5 % 10)).0/x86_64
	mkdir -p "$d"
	cp "$FIXTURE" "$d/6.18.$i-generic.btf"
	i=$((i + 1))
done
(cd "$W/in" && find . -name '*.btf' | sort) > "$W/list"

cat > "$W/loop.sh" <<EOF
#!/bin/sh
# bpftool gen min_core_btf on every kernel of the tree, one after another.
set -e
while read -r k; do
	mkdir -p "$W/out-bpftool/\$(dirname "\$k")"
	bpftool gen min_core_btf "$W/in/\$k" "$W/out-bpftool/\$k" "$W/obj.bpf.o"
done < "$W/list"
EOF
chmod +x "$W/loop.sh"
TG_CMD="$TYPEGEN min $W/obj.bpf.o --batch $W/in -o $W/out-typegen --force"

hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$W/h.json" \
	-n typegen "$TG_CMD" -n bpftool "$W/loop.sh" >&2

# Both wrote every kernel; the same relocations (checked by test_min), so
# compare sizes.
n_tg=$(find "$W/out-typegen" -name '*.btf' | wc -l)
n_bt=$(find "$W/out-bpftool" -name '*.btf' | wc -l)
[ "$n_tg" -eq "$KERNELS" ] || die "typegen wrote $n_tg of $KERNELS kernels"
[ "$n_bt" -eq "$KERNELS" ] || die "bpftool wrote $n_bt of $KERNELS kernels"
sz_tg=$(find "$W/out-typegen" -name '*.btf' -printf '%s\n' | awk '{ s += $1 } END { print s }')
sz_bt=$(find "$W/out-bpftool" -name '*.btf' -printf '%s\n' | awk '{ s += $1 } END { print s }')
sz_in=$(( $(stat -c %s "$FIXTURE") * KERNELS ))

"$TIME" -f '%M' -o "$W/rss-tg" $TG_CMD > /dev/null
"$TIME" -f '%M' -o "$W/rss-bt" "$W/loop.sh"

mkdir -p "$(dirname "$RESULTS")"
python3 - "$W/h.json" "$KERNELS" "$RUNS" "$sz_in" "$sz_tg" "$sz_bt" \
	"$(tail -1 "$W/rss-tg")" "$(tail -1 "$W/rss-bt")" "$(nproc)" <<'EOF' | tee "$RESULTS"
import json, sys
h = json.load(open(sys.argv[1]))
k, runs, sz_in, sz_tg, sz_bt, rss_tg, rss_bt, cpus = sys.argv[2:]
t = {r["command"]: r for r in h["results"]}
tg, bt = t["typegen"]["median"], t["bpftool"]["median"]
ratio = bt / tg
print(f"minimized BTF: one object, {k} kernels of {int(sz_in) // int(k)} bytes "
      f"(plain .btf), {cpus} CPUs, median of {runs} runs")
print(f"{'tool':<10}{'wall s':>10}{'per kernel ms':>15}{'out bytes':>12}{'peak RSS KB':>13}")
print(f"{'typegen':<10}{tg:>10.3f}{tg / int(k) * 1000:>15.1f}{int(sz_tg):>12}{int(rss_tg):>13}")
print(f"{'bpftool':<10}{bt:>10.3f}{bt / int(k) * 1000:>15.1f}{int(sz_bt):>12}{int(rss_bt):>13}")
print(f"typegen is {ratio:.2f}x faster (target >= 3x: {'PASS' if ratio >= 3 else 'FAIL'}); "
      f"output {int(sz_tg) / int(sz_bt):.2f} of bpftool's size")
open(sys.argv[1] + ".ok", "w").write("PASS" if ratio >= 3 else "FAIL")
EOF
if [ "${STRICT:-0}" = 1 ] && [ "$(cat "$W/h.json.ok")" != PASS ]; then
	exit 1
fi
