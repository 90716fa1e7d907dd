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
# libraries hold libFuzzer and the sanitizers for make fuzz; hyperfine and
# GNU time measure make bench and bench-hostile. The cross gccs give gcc's
# DWARF of 32-bit machines' layouts, and lld links objects of machines
# whose relocatable DWARF libdw cannot read (test_cross_arch).
TEST_PKGS="$BUILD_PKGS libcmocka-dev clang-19 llvm-19 bpftool python3 man-db
	xz-utils zstd bzip2 lz4 lzop gzip tar dwarves dwz
	linux-headers-amd64 cmake libclang-rt-19-dev hyperfine time
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

# Another apt or dpkg (unattended-upgrades, a second build) may hold the
# lock: wait for it, polling every DEPS_LOCK_POLL seconds (default 5), up to
# DEPS_LOCK_TIMEOUT seconds (default 600), rather than fail at once.
lock_timeout=${DEPS_LOCK_TIMEOUT:-600}
lock_poll=${DEPS_LOCK_POLL:-5}

# apt_get ARG...: apt-get, tried again while another process holds a lock.
apt_get() {
	waited=0
	while :; do
		if out=$(apt-get -o DPkg::Lock::Timeout="$lock_timeout" "$@" 2>&1); then
			[ -n "$out" ] && printf '%s\n' "$out" >&2
			return 0
		fi
		case $out in
		*"Could not get lock"* | *"Unable to acquire"* | *"Unable to lock"*) ;;
		*)
			printf '%s\n' "$out" >&2
			return 1
			;;
		esac
		if [ "$waited" -ge "$lock_timeout" ]; then
			printf '%s\n' "$out" >&2
			echo "deps: apt still locked by another process after ${waited}s; giving up" >&2
			return 1
		fi
		echo "deps: apt is locked by another process; waiting (${waited}s of ${lock_timeout}s)" >&2
		sleep "$lock_poll"
		waited=$((waited + lock_poll))
	done
}

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt_get update -qq
	# shellcheck disable=SC2086
	apt_get install -y -qq --no-install-recommends $missing
	exit 0
fi

echo "typegen: missing Debian packages:$missing" >&2
echo "install them with: sudo apt-get install$missing" >&2
exit 1
