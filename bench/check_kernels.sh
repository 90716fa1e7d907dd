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
dbg_of() { fetch "linux-image-$1-dbg" "$2" "/usr/lib/debug/boot/vmlinux-$1"; }

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
