#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# check_kernels.sh - do the headers of Debian 12's own kernels compile for
# their machine, with every type's size and member offsets right?
#
# For amd64, arm64, armhf, i386, ppc64el and s390x, 6.1 (the release the
# linux-image-<flavour> metapackage names) and 6.12 where bookworm-security
# ships it: the kernel image is read (its BTF) where it has BTF, else the
# -dbg package's vmlinux (DWARF). Only the one file is taken out of each
# .deb (apt-get download, dpkg-deb --fsys-tarfile | tar -x), once, into
# $CACHE (default bench/.cache); downloading needs root.
#
# Per kernel: typegen's header and bpftool's (bpftool btf dump file X
# format c; for a DWARF-only kernel X is typegen's BTF of it), each
# compiled for the kernel's machine (clang --target=<triple>
# -fsyntax-only) followed by the _Static_asserts of
# $TG_BUILD/bench/layout_asserts on every named type's size and member
# offsets. Counted: failed assertions and other compile errors. The
# table goes to $TG_BUILD/bench/check_kernels.txt; STRICT=1 fails the
# script if typegen's header has any. ONLY="arm64 s390x" limits the
# architectures, VERSIONS="6.1" the releases.
set -euo pipefail
export LC_ALL=C

B=${TG_BUILD:-build}
CACHE=${CACHE:-bench/.cache}
CLANG=${CLANG:-clang-19}
TYPEGEN=$B/typegen
ASSERTS=$B/bench/layout_asserts
RESULTS=$B/bench/check_kernels.txt
ONLY=${ONLY:-amd64 arm64 armhf i386 ppc64el s390x}
VERSIONS=${VERSIONS:-6.1 6.12}

die() { echo "check-kernels: $*" >&2; exit 1; }
say() { echo "check-kernels: $*" >&2; }

# Debian's flavour of each architecture, and clang's triple for it.
flavour() {
	case $1 in
	armhf) echo armmp ;; i386) echo 686 ;; ppc64el) echo powerpc64le ;;
	*) echo "$1" ;;
	esac
}
triple() {
	case $1 in
	amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;;
	armhf) echo armv7a-linux-gnueabihf ;; i386) echo i686-linux-gnu ;;
	ppc64el) echo powerpc64le-linux-gnu ;; s390x) echo s390x-linux-gnu ;;
	esac
}

# The kernel release (uname -r) of version $2 on Debian architecture $1,
# or nothing where Debian 12 does not ship it.
release() {
	local arch=$1 ver=$2 fl pkg
	fl=$(flavour "$arch")
	if [ "$ver" = 6.1 ]; then
		pkg=$(apt-cache depends "linux-image-$fl:$arch" 2>/dev/null |
		      sed -n "s/^ *Depends: linux-image-\(6\.1\.0-[0-9]*-$fl\)\(:$arch\)\{0,1\}$/\1/p" |
		      head -1)
		echo "$pkg"
		return
	fi
	apt-cache search --names-only "^linux-image-${ver//./\\.}\.[0-9]+\+deb12-$fl\$" 2>/dev/null |
		awk '{print $1}' | sort -V | while read -r pkg; do
			if apt-cache show "$pkg:$arch" >/dev/null 2>&1; then
				echo "${pkg#linux-image-}"
			fi
		done | tail -1
}

# Path $3 (a glob) out of package $1 of architecture $2, downloaded once:
# prints the file's path in the cache.
fetch() {
	local pkg=$1 arch=$2 glob=$3 dir out tmp
	dir=$CACHE/debian/${pkg}_$arch
	out=$(find "$dir" -type f -name "$(basename "$glob")" 2>/dev/null | head -1 || true)
	if [ -n "$out" ]; then
		echo "$out"
		return
	fi
	[ "$(id -u)" = 0 ] || die "downloading $pkg:$arch needs root (apt-get download)"
	mkdir -p "$dir"
	# Another run (or helper) may be fetching the same package.
	exec 9>"$CACHE/.lock"
	flock 9
	out=$(find "$dir" -type f -name "$(basename "$glob")" | head -1)
	if [ -n "$out" ]; then
		flock -u 9
		echo "$out"
		return
	fi
	tmp=$(mktemp -d "$CACHE/debian/.dl.XXXXXX")
	say "downloading $pkg:$arch into $CACHE"
	(cd "$tmp" && apt-get download -q "$pkg:$arch" >&2) ||
		{ rm -rf "$tmp"; die "apt-get download $pkg:$arch failed"; }
	dpkg-deb --fsys-tarfile "$tmp"/*.deb |
		tar -x -C "$tmp" --wildcards ".$glob" ||
		{ rm -rf "$tmp"; die "$pkg:$arch has no $glob"; }
	out=$(find "$tmp" -type f -path "*$glob" | head -1)
	[ -n "$out" ] || { rm -rf "$tmp"; die "$pkg:$arch has no $glob"; }
	mv "$out" "$dir/"
	rm -rf "$tmp"
	flock -u 9
	find "$dir" -type f -name "$(basename "$glob")" | head -1
}

image_of() { fetch "linux-image-$1" "$2" "/boot/vmlinu[xz]-$1"; }
dbg_of() {
	# Also a package unpacked whole in the cache (dpkg-deb -x).
	local x=$CACHE/linux-image-$1-dbg/usr/lib/debug/boot/vmlinux-$1
	if [ -r "$x" ]; then
		echo "$x"
		return
	fi
	fetch "linux-image-$1-dbg" "$2" "/usr/lib/debug/boot/vmlinux-$1"
}

mkdir -p "$CACHE/debian"
if [ "${1:-}" = fetch ]; then
	# Only download (for a slow network, ahead of the check).
	for arch in $ONLY; do
		for ver in $VERSIONS; do
			r=$(release "$arch" "$ver")
			[ -n "$r" ] || continue
			image_of "$r" "$arch"
			if [ "${2:-}" = dbg ]; then
				dbg_of "$r" "$arch"
			fi
		done
	done
	exit 0
fi

[ -x "$TYPEGEN" ] || die "$TYPEGEN: not built (run make)"
[ -x "$ASSERTS" ] || die "$ASSERTS: not built (run make check-kernels)"
command -v "$CLANG" >/dev/null || die "$CLANG is needed (apt-get install clang-19)"
command -v bpftool >/dev/null || die "bpftool is needed (apt-get install bpftool)"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$(dirname "$RESULTS")"

# "failed asserts/other errors" of compiling header $1 then asserts $2;
# errors on names with a ___N suffix are counted apart: bpftool numbers
# duplicate names in another order than typegen, whose names the asserts
# use, so there they say nothing of the layout.
check() {
	local hdr=$1 asserts=$2 triple=$3 log=$4 failed errors dup
	"$CLANG" --target="$triple" -fsyntax-only -ferror-limit=0 -w \
		-include "$hdr" "$asserts" > "$log" 2>&1 || true
	grep 'error:' "$log" > "$log.errors" || true
	dup=$(grep -c '___[0-9]' "$log.errors" || true)
	grep -v '___[0-9]' "$log.errors" > "$log.own" || true
	failed=$(grep -c 'static assertion failed' "$log.own" || true)
	errors=$(grep -vc 'static assertion failed' "$log.own" || true)
	if [ "$dup" -gt 0 ]; then
		echo "$failed/$errors (+$dup ___N)"
	else
		echo "$failed/$errors"
	fi
}

ROWS=()
for arch in $ONLY; do
	for ver in $VERSIONS; do
		r=$(release "$arch" "$ver")
		if [ -z "$r" ]; then
			say "$arch $ver: not in Debian 12"
			continue
		fi
		triple=$(triple "$arch")
		img=$(image_of "$r" "$arch")
		d=$W/$arch-$ver
		mkdir -p "$d"
		# The image's BTF where it has some, else the -dbg vmlinux's DWARF.
		input=$img
		from="image, BTF"
		if ! "$TYPEGEN" btf -i "$img" -o "$d/types.btf" 2> "$d/err"; then
			grep -q 'without BTF' "$d/err" || die "$(cat "$d/err")"
			input=$(dbg_of "$r" "$arch")
			from="-dbg vmlinux, DWARF"
			"$TYPEGEN" btf -i "$input" -o "$d/types.btf"
		fi
		"$TYPEGEN" dump -i "$input" -o "$d/typegen.h"
		# The machine the header is for, as its second line says.
		tarch=$(sed -n '2s|^/\* Machine: \([^ ;]*\).*|\1|p' "$d/typegen.h")
		say "$arch $r: $from, $tarch"
		bpftool btf dump file "$d/types.btf" format c > "$d/bpftool.h"
		"$ASSERTS" "$d/types.btf" --arch "$arch" > "$d/asserts.c"
		n=$(sed -n 's|^/\* \([0-9]*\) asserts.*|\1|p' "$d/asserts.c")
		t=$(check "$d/typegen.h" "$d/asserts.c" "$triple" "$d/typegen.log")
		b=$(check "$d/bpftool.h" "$d/asserts.c" "$triple" "$d/bpftool.log")
		ROWS+=("$arch|$r|$from|$tarch|$n|$t|$b")
		if [ -n "${KEEP:-}" ]; then
			mkdir -p "$KEEP" && cp -r "$d" "$KEEP/"
		fi
	done
done

{
	echo "Debian 12 kernels: header + _Static_asserts of every named type's size and"
	echo "member offsets, compiled with $CLANG --target=<triple> -fsyntax-only."
	echo "Cells: failed asserts / other compile errors; (+N ___N): errors on"
	echo "duplicate names bpftool numbers in another order than typegen."
	echo
	printf '| %-7s | %-26s | %-19s | %-10s | %7s | %-7s | %-20s |\n' \
		arch kernel "types from" "header for" asserts typegen "bpftool 7.1"
	printf '|%s|\n' "---------|----------------------------|---------------------|------------|---------|---------|----------------------"
	for row in "${ROWS[@]}"; do
		IFS='|' read -r a r f ta n t b <<< "$row"
		printf '| %-7s | %-26s | %-19s | %-10s | %7s | %-7s | %-20s |\n' \
			"$a" "$r" "$f" "$ta" "$n" "$t" "$b"
	done
} > "$RESULTS"
cat "$RESULTS"
if [ "${STRICT:-0}" = 1 ]; then
	for row in "${ROWS[@]}"; do
		IFS='|' read -r a r f ta n t b <<< "$row"
		[ "$t" = 0/0 ] || exit 1
	done
fi
