#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# check.sh - will one CO-RE object load on 1,000 kernels? typegen check
# --batch over a generated btfhub tree, against what a shell loop of
# bpftool gen min_core_btf (which also resolves every relocation, and is
# what people loop over an archive today) takes for 50 of them.
#
# The object is tests/min/core_reads.bpf.c (every CO-RE relocation kind),
# compiled against a vmlinux.h of the kernel fixture. The kernels are
# VARIANTS (default 10) variants of the fixture (raw BTF, 5.5 MB): member
# and enumerator names the object reads renamed to same-length names
# (task_struct.__state, mm_struct.map_count, PIDTYPE_TGID...) so that
# relocations fail in different ways on different kernels; KERNELS
# (default 1000) kernel files are hard links to them in btfhub's layout,
# <distro>/<version>/<arch>/<release>.btf, read from the page cache by
# both tools. bpftool reads no archives: plain .btf for both.
#
#   typegen   typegen check OBJ --batch TREE        (both cores, all KERNELS)
#   bpftool   for the first LOOP (50) kernels: bpftool gen min_core_btf
#
# Wall time is hyperfine's median (RUNS runs, default 3, after a warm-up
# run), CPU time (user + system) its mean: on a busy machine the wall time
# of typegen's threads says less than its CPU time;
# peak RSS of one run each from GNU time. The target: typegen on KERNELS
# faster than bpftool on LOOP (PASS/FAIL; STRICT=1 fails the script on
# FAIL). The table is saved to $TG_BUILD/bench/check.txt.
set -euo pipefail
export LC_ALL=C

B=${TG_BUILD:-build}
KERNELS=${KERNELS:-1000}
LOOP=${LOOP:-50}
VARIANTS=${VARIANTS:-10}
RUNS=${RUNS:-3}
RESULTS=$B/bench/check.txt

. "$(dirname "$0")/core_obj.sh"

# The variants: whole strings of the string section renamed in place.
python3 - "$FIXTURE" "$W" "$VARIANTS" <<'EOF'
import struct, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = bytearray(open(src, "rb").read())
hdr_len, = struct.unpack_from("<I", data, 4)
str_off, str_len = struct.unpack_from("<II", data, 16)
s0 = 24 if hdr_len < 24 else hdr_len
s0 += str_off
names = [b"__state", b"map_count", b"PIDTYPE_TGID", b"mmap_base",
         b"tgid", b"utime", b"real_parent", b"exit_code", b"comm"]
def rename(buf, name):
    key = b"\0" + name + b"\0"
    i = buf.find(key, s0, s0 + str_len)
    if i >= 0:
        buf[i + len(name)] = ord("X")   # last letter: same length
for v in range(n):
    b = bytearray(data)
    for j, name in enumerate(names):
        if v & (1 << j) if v < 16 else (v + j) % 3 == 0:
            rename(b, name)
    open(f"{out}/v{v}.btf", "wb").write(b)
EOF

# The tree: KERNELS hard links over distros, versions and arches.
i=0
while [ "$i" -lt "$KERNELS" ]; do
	a=x86_64; [ $((i % 3)) -eq 2 ] && a=arm64
	d=$W/in/distro$((i % 5))/$((i / 5 % 20)).0/$a
	mkdir -p "$d"
	ln "$W/v$((i % VARIANTS)).btf" "$d/6.$((i / 100)).$i-generic.btf"
	i=$((i + 1))
done
(cd "$W/in" && find . -name '*.btf' | sort | head -n "$LOOP") > "$W/list"

cat > "$W/loop.sh" <<EOF
#!/bin/sh
# bpftool gen min_core_btf on LOOP kernels of the tree, one after another.
set -e
while read -r k; do
	bpftool gen min_core_btf "$W/in/\$k" "$W/out.btf" "$W/obj.bpf.o"
done < "$W/list"
EOF
chmod +x "$W/loop.sh"
TG_CMD="$TYPEGEN check $W/obj.bpf.o --batch $W/in"

# check's exit status is 1 when a kernel fails, as some do here.
hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$W/h.json" \
	-n typegen "$TG_CMD" -n bpftool "$W/loop.sh" >&2

"$TYPEGEN" check "$W/obj.bpf.o" --batch "$W/in" > "$W/summary" || true
grep -q "^1 object, $KERNELS kernels: " "$W/summary" ||
	die "typegen did not check $KERNELS kernels: $(head -1 "$W/summary")"
"$TIME" -f '%M' -o "$W/rss-tg" $TG_CMD > /dev/null || true
"$TIME" -f '%M' -o "$W/rss-bt" "$W/loop.sh"

mkdir -p "$(dirname "$RESULTS")"
python3 - "$W/h.json" "$KERNELS" "$LOOP" "$RUNS" \
	"$(tail -1 "$W/rss-tg")" "$(tail -1 "$W/rss-bt")" "$(nproc)" \
	"$(head -1 "$W/summary")" <<'EOF' | tee "$RESULTS"
import json, sys
h = json.load(open(sys.argv[1]))
k, loop, runs, rss_tg, rss_bt, cpus, summary = sys.argv[2:]
t = {r["command"]: r for r in h["results"]}
tg, bt = t["typegen"]["median"], t["bpftool"]["median"]
print(f"one object against kernels of 5.5 MB (plain .btf), {cpus} CPUs, "
      f"median of {runs} runs")
cpu = {n: t[n]["user"] + t[n]["system"] for n in t}
print(f"{'tool':<10}{'kernels':>8}{'wall s':>10}{'per kernel ms':>15}{'CPU s':>8}{'peak RSS KB':>13}")
print(f"{'typegen':<10}{k:>8}{tg:>10.3f}{tg / int(k) * 1000:>15.2f}{cpu['typegen']:>8.2f}{int(rss_tg):>13}")
print(f"{'bpftool':<10}{loop:>8}{bt:>10.3f}{bt / int(loop) * 1000:>15.2f}{cpu['bpftool']:>8.2f}{int(rss_bt):>13}")
ok = tg < bt
print(f"typegen check on {k} kernels takes {tg / bt:.2f} of bpftool's time "
      f"on {loop} (target < 1: {'PASS' if ok else 'FAIL'}); "
      f"{bt / int(loop) / (tg / int(k)):.1f}x per kernel")
print(f"typegen: {summary}")
open(sys.argv[1] + ".ok", "w").write("PASS" if ok else "FAIL")
EOF
if [ "${STRICT:-0}" = 1 ] && [ "$(cat "$W/h.json.ok")" != PASS ]; then
	exit 1
fi
