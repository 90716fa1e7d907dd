#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# dwarf.sh - kernel types from DWARF: typegen against pahole, side by side.
#
# The input is a real kernel debug image: Debian 12's
# linux-image-6.1.0-N-amd64-dbg (the newest N the apt sources offer),
# downloaded once with apt-get download (as root) into $CACHE (default
# bench/.cache; VMLINUX=path skips the download). Its vmlinux carries both
# DWARF and the .BTF the kernel build made with pahole, which is the
# reference for the named types.
#
#   typegen   typegen btf --from-dwarf -i vmlinux -o OUT
#   pahole    pahole -j --btf_encode_detached=OUT vmlinux  (all threads)
#
# Wall time from hyperfine (N runs, default 3, after a warm-up that also
# fills the page cache), peak RSS from GNU time (one run each). Targets:
# typegen's wall time below pahole's, its peak RSS at most 0.75 of
# pahole's, and its named structs, unions, enums and typedefs equal to
# the image's own .BTF (bench/dwarf_named; arrays compared by element
# count, as pahole flattens int a[2][3]). The table goes to
# $TG_BUILD/bench/dwarf.txt; STRICT=1 fails the script on a FAIL.
set -euo pipefail
export LC_ALL=C

B=${TG_BUILD:-build}
N=${N:-3}
CACHE=${CACHE:-bench/.cache}
TYPEGEN=$B/typegen
NAMED=$B/bench/dwarf_named
RESULTS=$B/bench/dwarf.txt

die() { echo "bench: $*" >&2; exit 1; }

[ -x "$TYPEGEN" ] || die "$TYPEGEN: not built (run make)"
[ -x "$NAMED" ] || die "$NAMED: not built (run make bench-dwarf)"
command -v pahole >/dev/null || die "pahole is needed (apt-get install dwarves)"
command -v hyperfine >/dev/null || die "hyperfine is needed (apt-get install hyperfine)"
[ -x /usr/bin/time ] || die "GNU time is needed (apt-get install time)"

if [ -z "${VMLINUX:-}" ]; then
	mkdir -p "$CACHE"
	VMLINUX=$(find "$CACHE/root/usr/lib/debug/boot" -name 'vmlinux-*' 2>/dev/null | sort -V | tail -1)
	if [ -z "$VMLINUX" ]; then
		PKG=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-dbg$' |
		      awk '{print $1}' | sort -V | tail -1)
		[ -n "$PKG" ] || die "no linux-image-6.1.0-*-amd64-dbg in the apt sources (Debian 12)"
		[ "$(id -u)" = 0 ] || die "downloading $PKG needs root (apt-get download), or set VMLINUX="
		echo "bench: downloading $PKG (about 900 MB) into $CACHE" >&2
		(cd "$CACHE" && apt-get download "$PKG")
		mkdir -p "$CACHE/root"
		dpkg-deb --fsys-tarfile "$CACHE/${PKG}"_*.deb |
			tar -x -C "$CACHE/root" --wildcards './usr/lib/debug/boot/vmlinux-*'
		VMLINUX=$(find "$CACHE/root/usr/lib/debug/boot" -name 'vmlinux-*' | sort -V | tail -1)
	fi
fi
[ -r "$VMLINUX" ] || die "$VMLINUX: not readable"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$(dirname "$RESULTS")"

# The reference: the image's own .BTF, read as is.
"$TYPEGEN" btf -i "$VMLINUX" -o "$W/ref.btf"

hyperfine --warmup 1 --runs "$N" --export-json "$W/wall.json" \
	-n typegen "$TYPEGEN btf --from-dwarf -i $VMLINUX -o $W/typegen.btf" \
	-n pahole "pahole -j --btf_encode_detached=$W/pahole.btf $VMLINUX" >&2

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
RSS_T=$(rss "$TYPEGEN" btf --from-dwarf -i "$VMLINUX" -o "$W/typegen.btf")
RSS_P=$(rss pahole -j --btf_encode_detached="$W/pahole.btf" "$VMLINUX")

NAMED_T=$("$NAMED" "$W/typegen.btf" "$W/ref.btf" | tail -1) && EQ_T=PASS || EQ_T=FAIL
NAMED_P=$("$NAMED" "$W/pahole.btf" "$W/ref.btf" | tail -1) || true
count() { bpftool btf dump file "$1" 2>/dev/null | grep -c "] $2 '" || true; }

python3 - "$W/wall.json" "$RSS_T" "$RSS_P" "$EQ_T" "$VMLINUX" \
	"$(nproc)" "$NAMED_T" "$NAMED_P" \
	"$(count "$W/typegen.btf" FUNC)" "$(count "$W/pahole.btf" FUNC)" \
	"$(count "$W/ref.btf" FUNC)" \
	"$(count "$W/typegen.btf" VAR)" "$(count "$W/pahole.btf" VAR)" \
	"$(count "$W/ref.btf" VAR)" > "$RESULTS" <<'PY'
import json, sys, os
(wall, rss_t, rss_p, eq, vml, cpus, named_t, named_p,
 f_t, f_p, f_r, v_t, v_p, v_r) = sys.argv[1:]
r = {x['command']: x for x in json.load(open(wall))['results']}
t, p = r['typegen']['median'], r['pahole']['median']
rt, rp = int(rss_t), int(rss_p)
wall_ok = 'PASS' if t < p else 'FAIL'
rss_ok = 'PASS' if rt <= 0.75 * rp else 'FAIL'
print(f"input: {vml} ({os.path.getsize(vml) / 2**20:.0f} MiB), {cpus} CPUs")
print(f"{'':10} {'wall (median)':>14} {'peak RSS':>12}")
print(f"{'typegen':10} {t:13.2f}s {rt / 1024:10.0f} MiB")
print(f"{'pahole -j':10} {p:13.2f}s {rp / 1024:10.0f} MiB")
print(f"ratio      {t / p:14.2f} {rt / rp:12.2f}")
print(f"wall time below pahole's:          {wall_ok}")
print(f"peak RSS at most 0.75 of pahole's: {rss_ok}")
print(f"named types equal to the .BTF:     {eq} (typegen: {named_t})")
print(f"   pahole against the .BTF:        {named_p}")
print(f"FUNC: typegen {f_t}, pahole {f_p}, .BTF {f_r}; VAR: typegen {v_t}, pahole {v_p}, .BTF {v_r}")
PY
cat "$RESULTS"
if [ "${STRICT:-0}" = 1 ] && grep -q FAIL "$RESULTS"; then
	exit 1
fi
