#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# dwarf.sh - kernel types from DWARF: typegen against the kernel's own
# .BTF and against pahole, side by side, on Debian 12's 6.1 images.
#
# For each architecture of ARCHES (default "amd64 arm64"):
#  - the debug vmlinux of linux-image-$KVER-$FLAVOUR-dbg (amd64: the cloud
#    flavour; arm64: arm64), which carries both DWARF and the .BTF the
#    kernel build made with pahole 1.24: the reference;
#  - a module (amd64: kvm.ko, arm64: xfs.ko) from that debug package
#    (DWARF), against the same module's .BTF from the image package
#    (linux-image-$KVER-$FLAVOUR-unsigned), both split on the reference.
# Packages are downloaded once (apt-get download, as root) and unpacked
# into $CACHE/<package>/ (default bench/.cache), under flock on
# $CACHE/.lock so that concurrent runs share them. KVER defaults to the
# newest 6.1.0-N the apt sources offer.
#
#   typegen   typegen btf --from-dwarf -i vmlinux -o OUT
#   pahole    $PAHOLE -j --btf_encode_detached=OUT vmlinux  (all threads)
#
# PAHOLE is the pahole to time (default: pahole in PATH; the newest, built
# from source, is the one to beat). Wall time from hyperfine (N runs,
# default 3, after a warm-up that also fills the page cache), peak RSS
# from GNU time (one run each), same file, same run. Targets: typegen's
# wall time and peak RSS at most 0.6 of pahole's; typegen's BTF equal to
# the kernel's .BTF on every named type (array shape included), the set of
# function names, their linkage, the decl tags and the per-CPU variables
# (bench/dwarf_named), for vmlinux and the module. The table goes to
# $TG_BUILD/bench/dwarf.txt; STRICT=1 fails the script on a FAIL.
set -euo pipefail
export LC_ALL=C

B=${TG_BUILD:-build}
N=${N:-3}
CACHE=${CACHE:-bench/.cache}
ARCHES=${ARCHES:-amd64 arm64}
PAHOLE=${PAHOLE:-pahole}
TYPEGEN=$B/typegen
NAMED=$B/bench/dwarf_named
RESULTS=$B/bench/dwarf.txt

die() { echo "bench: $*" >&2; exit 1; }

[ -x "$TYPEGEN" ] || die "$TYPEGEN: not built (run make)"
[ -x "$NAMED" ] || die "$NAMED: not built (run make bench-dwarf)"
command -v "$PAHOLE" >/dev/null || die "$PAHOLE: no such pahole (apt-get install dwarves, or PAHOLE=path)"
command -v hyperfine >/dev/null || die "hyperfine is needed (apt-get install hyperfine)"
[ -x /usr/bin/time ] || die "GNU time is needed (apt-get install time)"
PAHOLE=$(command -v "$PAHOLE")

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
if [ -z "${KVER:-}" ]; then
	KVER=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-dbg$' |
	       awk '{print $1}' | sort -V | tail -1 | sed 's/^linux-image-//; s/-cloud-amd64-dbg$//')
	[ -n "$KVER" ] || die "no linux-image-6.1.0-*-cloud-amd64-dbg in the apt sources (Debian 12)"
fi

# fetch PACKAGE[:ARCH]: unpacked into $CACHE/PACKAGE once.
fetch() {
	local pkg=${1%%:*}
	[ -d "$CACHE/$pkg" ] && return 0
	[ "$(id -u)" = 0 ] || die "downloading $1 needs root (apt-get download)"
	echo "bench: downloading $1 into $CACHE" >&2
	flock "$CACHE/.lock" bash -c '
		set -e
		cd "$1"
		[ -d "$2" ] && exit 0
		apt-get download "$3" >&2
		rm -rf "$2.tmp"
		mkdir "$2.tmp"
		dpkg-deb -x "$2"_*.deb "$2.tmp"
		mv "$2.tmp" "$2"
		rm -f "$2"_*.deb' _ "$CACHE" "$pkg" "$1" ||
		die "could not download $1"
}

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$(dirname "$RESULTS")"
: > "$W/table"
STATUS=PASS

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

# compare LABEL A B [--base BASE]: dwarf_named's verdict; its lines in $W.
compare() {
	local label=$1 a=$2 b=$3
	shift 3
	if "$NAMED" "$@" --all "$a" "$b" > "$W/$label.cmp"; then
		echo "equal"
	else
		echo "DIFFERENT"
	fi
}

for arch in $ARCHES; do
	case $arch in
	amd64)	flavour=cloud-amd64 mod=arch/x86/kvm/kvm.ko sfx="" ;;
	arm64)	flavour=arm64 mod=fs/xfs/xfs.ko sfx=:arm64 ;;
	*)	die "ARCHES: $arch is not amd64 or arm64" ;;
	esac
	dbg=linux-image-$KVER-$flavour-dbg
	img=linux-image-$KVER-$flavour-unsigned
	fetch "$dbg$sfx"
	fetch "$img$sfx"
	vmlinux=$CACHE/$dbg/usr/lib/debug/boot/vmlinux-$KVER-$flavour
	mdbg=$CACHE/$dbg/usr/lib/debug/lib/modules/$KVER-$flavour/kernel/$mod
	mimg=$CACHE/$img/lib/modules/$KVER-$flavour/kernel/$mod
	for f in "$vmlinux" "$mdbg" "$mimg"; do
		[ -r "$f" ] || die "$f: not readable"
	done
	a=$W/$arch
	mkdir -p "$a"

	# The references: the image's .BTF and the module's, read as they are.
	"$TYPEGEN" btf -i "$vmlinux" -o "$a/ref.btf"
	"$TYPEGEN" btf -i "$mimg" --base "$a/ref.btf" -o "$a/mod-ref.btf"

	hyperfine --warmup 1 --runs "$N" --export-json "$a/wall.json" \
		-n typegen "$TYPEGEN btf --from-dwarf -i $vmlinux -o $a/typegen.btf" \
		-n pahole "$PAHOLE -j --btf_encode_detached=$a/pahole.btf $vmlinux" >&2
	rss_t=$(rss "$TYPEGEN" btf --from-dwarf -i "$vmlinux" -o "$a/typegen.btf")
	rss_p=$(rss "$PAHOLE" -j --btf_encode_detached="$a/pahole.btf" "$vmlinux")
	"$TYPEGEN" btf --from-dwarf -i "$mdbg" --base "$a/ref.btf" -o "$a/mod.btf"

	eq_k=$(compare "$arch-vmlinux" "$a/typegen.btf" "$a/ref.btf")
	eq_m=$(compare "$arch-module" "$a/mod.btf" "$a/mod-ref.btf" --base "$a/ref.btf")
	[ "$eq_k $eq_m" = "equal equal" ] || STATUS=FAIL
	"$NAMED" "$a/pahole.btf" "$a/ref.btf" > "$W/$arch-pahole.cmp" || true

	python3 - "$a/wall.json" "$rss_t" "$rss_p" "$vmlinux" "$eq_k" \
		"$(basename "$mod")" "$eq_m" >> "$W/table" <<'PY'
import json, sys, os
wall, rss_t, rss_p, vml, eq_k, mod, eq_m = sys.argv[1:]
r = {x['command']: x for x in json.load(open(wall))['results']}
t, p = r['typegen']['median'], r['pahole']['median']
rt, rp = int(rss_t), int(rss_p)
ok = lambda x: 'PASS' if x <= 0.6 else 'FAIL'
print(f"{os.path.basename(vml)} ({os.path.getsize(vml) / 2**20:.0f} MiB)")
print(f"  {'':10} {'wall (median)':>14} {'peak RSS':>12}")
print(f"  {'typegen':10} {t:13.2f}s {rt / 1024:10.0f} MiB")
print(f"  {'pahole -j':10} {p:13.2f}s {rp / 1024:10.0f} MiB")
print(f"  {'ratio':10} {t / p:14.2f} {rt / rp:12.2f}")
print(f"  wall time at most 0.6 of pahole's:  {ok(t / p)}")
print(f"  peak RSS at most 0.6 of pahole's:   {ok(rt / rp)}")
print(f"  vmlinux from DWARF against its .BTF: {eq_k}")
print(f"  {mod} from DWARF against its .BTF:   {eq_m}")
PY
	grep -q FAIL "$W/table" && STATUS=FAIL
	{
		echo "  vmlinux, typegen against the .BTF:"
		sed 's/^/    /' "$W/$arch-vmlinux.cmp"
		echo "  $(basename "$mod"), typegen against the .BTF:"
		sed 's/^/    /' "$W/$arch-module.cmp"
		echo "  vmlinux, $("$PAHOLE" --version) against the .BTF (for information):"
		sed 's/^/    /' "$W/$arch-pahole.cmp"
	} >> "$W/table"
done

{
	echo "typegen $("$TYPEGEN" --version 2>/dev/null | head -1), $PAHOLE $("$PAHOLE" --version), $(nproc) CPUs, kernel $KVER"
	cat "$W/table"
	echo "overall: $STATUS"
} > "$RESULTS"
cat "$RESULTS"
if [ "${STRICT:-0}" = 1 ] && [ "$STATUS" = FAIL ]; then
	exit 1
fi
