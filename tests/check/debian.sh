#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# debian.sh - typegen check on real Debian 12 kernels (make check-debian;
# not part of make test: it downloads kernel packages once).
#
# The kernel packages in PKGS (amd64, cloud-amd64 and arm64 builds of
# Debian 12's 6.1 kernel by default: the arm64 one as its -dbg package,
# whose vmlinux is ELF with .BTF, as arm64 boot images are not read here)
# are fetched with apt-get download into CACHE (default build/kernels) and
# unpacked there once; their types go into a btfhub tree as
# debian/12/<arch>/<release>.btf (raw, by typegen btf) and .btf.tar.xz. tests/min/core_reads.bpf.c (compiled
# against the kernel fixture's vmlinux.h, a 6.18 kernel) is checked on all
# of them in one run: every kernel must load it, the pre-5.14 flavor of
# task_struct poisoned as dead code, the x86-64 and arm64 kernels in one
# group; and the JSON must say the same. Exit 0 when all holds.
set -euo pipefail
export LC_ALL=C

B=${TG_BUILD:-build}
CACHE=${CACHE:-$B/kernels}
CLANG=${CLANG:-clang-19}
TYPEGEN=$(realpath "$B/typegen")
FIXTURE=$B/fixtures/vmlinux-6.18.44.btf
PKGS=${PKGS:-"linux-image-6.1.0-57-amd64-unsigned:amd64 linux-image-6.1.0-57-cloud-amd64-unsigned:amd64 linux-image-6.1.0-57-arm64-dbg:arm64"}

die() { echo "check-debian: $*" >&2; exit 1; }

[ -x "$TYPEGEN" ] || die "$TYPEGEN: not built (run make)"
[ -r "$FIXTURE" ] || die "$FIXTURE: missing (run make fixtures)"
mkdir -p "$CACHE"
CACHE=$(realpath "$CACHE")

# Fetch and unpack each package once; two runs at a time wait on a lock.
fetch() {
	local pkg=${1%%:*} dir=$CACHE/${1%%:*}

	[ -d "$dir" ] && return 0
	[ "$(id -u)" = 0 ] || die "downloading $pkg needs root (apt-get download)"
	flock "$CACHE/.lock" sh -c "
		[ -d '$dir' ] && exit 0
		cd '$CACHE' && apt-get download '$1' >/dev/null &&
		dpkg-deb -x ${pkg}_*.deb '$dir.tmp' && mv '$dir.tmp' '$dir' &&
		rm -f ${pkg}_*.deb"
}

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

n=0
for p in $PKGS; do
	fetch "$p"
	for z in "$CACHE/${p%%:*}"/boot/vmlinuz-* \
		 "$CACHE/${p%%:*}"/usr/lib/debug/boot/vmlinux-*; do
		[ -e "$z" ] || continue
		rel=${z##*/vmlinu[xz]-}
		case ${p##*:} in
		arm64) arch=arm64 ;;
		*) arch=x86_64 ;;
		esac
		d=$W/hub/debian/12/$arch
		mkdir -p "$d"
		"$TYPEGEN" btf -i "$z" -o "$d/$rel.btf"
		# One archived as btfhub ships them, one plain.
		if [ $((n % 2)) = 1 ]; then
			tar -C "$d" -cJf "$d/$rel.btf.tar.xz" "$rel.btf"
			rm "$d/$rel.btf"
		fi
		n=$((n + 1))
	done
done
[ "$n" -ge 3 ] || die "only $n kernels unpacked under $CACHE"

"$TYPEGEN" dump -i "$FIXTURE" -o "$W/vmlinux.h"
"$CLANG" -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$W" \
	-c tests/min/core_reads.bpf.c -o "$W/core_reads.bpf.o"

"$TYPEGEN" check "$W/core_reads.bpf.o" --batch "$W/hub" | tee "$W/out" ||
	die "typegen check says core_reads does not load on every kernel"
grep -q "^1 object, $n kernels: 0 load, $n load with poisoned dead code, 0 fail, 0 unreadable$" "$W/out" ||
	die "unexpected summary"
grep -q "struct task_struct___old.state missing .*: dead code, guarded by field_exists task_struct___old.state" "$W/out" ||
	die "the pre-5.14 task_struct flavor is not dead code"
grep -q "^  group 1: $n kernels: loads (poisoned dead code)$" "$W/out" ||
	die "the kernels are not in one group"
grep -q "^    debian 12 arm64: " "$W/out" && grep -q "^    debian 12 x86_64: " "$W/out" ||
	die "arm64 and x86_64 not both listed"
"$TYPEGEN" -j check "$W/core_reads.bpf.o" --batch "$W/hub" > "$W/json"
python3 - "$W/json" "$n" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert j["summary"]["kernels"] == n and j["summary"]["loads_dead"] == n, j["summary"]
assert {k["arch"] for k in j["kernels"]} == {"x86_64", "arm64"}
for k in j["kernels"]:
    assert k["objects"][0]["programs"]["core_reads"] == "loads (poisoned dead code)", k
    assert all(p["dead"] for p in k["problems"]), k["problems"]
print(f"check-debian: {n} Debian kernels, JSON consistent")
EOF
