#!/bin/sh
# deps.sh build|test - make sure the Debian packages typegen needs are here.
# As root with apt-get, missing packages are installed; otherwise the exact
# list is printed and the script fails.
set -eu

BUILD_PKGS="gcc make pkg-config libbpf-dev libelf-dev libdw-dev zlib1g-dev
	liblzma-dev libzstd-dev libbz2-dev liblz4-dev liblzo2-dev"
# The compressors and tar make the test fixtures of every input format;
# a kernel's headers (Debian's, amd64) and cmake test the build-system
# integration (the headers method, the CMake module); clang's runtime
# libraries hold libFuzzer and the sanitizers for make fuzz. The cross gccs
# give gcc's DWARF of 32-bit machines' layouts, and lld links objects of
# machines whose relocatable DWARF libdw cannot read (test_cross_arch).
TEST_PKGS="$BUILD_PKGS libcmocka-dev clang-19 llvm-19 bpftool python3 man-db
	xz-utils zstd bzip2 lz4 lzop gzip tar dwarves dwz
	linux-headers-amd64 cmake libclang-rt-19-dev
	gcc-i686-linux-gnu gcc-arm-linux-gnueabihf lld"

case "${1:-build}" in
build) want=$BUILD_PKGS ;;
test) want=$TEST_PKGS ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
	exit 0
fi

echo "typegen: missing Debian packages:$missing" >&2
echo "install them with: sudo apt-get install$missing" >&2
exit 1
