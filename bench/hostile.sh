#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# hostile.sh - what hostile inputs cost: peak memory (max RSS) and time of
# typegen on each, and, side by side in the same run, of a baseline build
# (BASELINE=path/to/an/older/typegen; each of its runs is cut at TIMEOUT
# seconds, default 120). The inputs are made here:
#
#   zeros.zst     4 GiB of zeros in 200 KB of zstd (1 MiB frames)
#   elf.zst       an ELF header, then zeros: 4 GiB
#   btf.zst       the kernel fixture's BTF header, then zeros: 4 GiB
#   bombs.tar     20 copies of zeros.zst in a tar
#   sparse        a 2 GiB sparse file
#   enum.btf      two enums of 65,535 enumerators named alike (dump)
#   names.vmlinuz a 2 MB boot image of gzip headers whose name never ends
#
# The table goes to stdout and $TG_BUILD/bench/hostile.txt.
set -euo pipefail
export LC_ALL=C

B=${TG_BUILD:-build}
TYPEGEN=$B/typegen
FIXTURE=$B/fixtures/vmlinux-6.18.44.btf
OBJ=$B/fixtures/load_basic.bpf.o
TIMEOUT=${TIMEOUT:-120}
RESULTS=$B/bench/hostile.txt

die() { echo "bench: $*" >&2; exit 1; }

[ -x "$TYPEGEN" ] || die "$TYPEGEN: not built (run make)"
[ -r "$FIXTURE" ] && [ -r "$OBJ" ] || die "fixtures missing (run make fixtures)"
[ -x /usr/bin/time ] || die "/usr/bin/time is needed (apt-get install time)"
command -v zstd >/dev/null || die "zstd is needed"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

python3 - "$W" "$OBJ" "$FIXTURE" <<'PY'
import struct, subprocess, sys
w, obj, fixture = sys.argv[1:]
M = 1 << 20
def z(b):
    return subprocess.run(["zstd", "-q", "-19", "-c"], input=b,
                          capture_output=True, check=True).stdout
zero = z(b"\0" * M)
for name, head in (("zeros", b""), ("elf", open(obj, "rb").read()[:64]),
                   ("btf", open(fixture, "rb").read()[:24])):
    open(f"{w}/{name}.zst", "wb").write(z(head + b"\0" * (M - len(head))) +
                                        zero * 4095)
strs = b"\0E\0F\0X\0"
types = b""
for k in range(2):
    types += struct.pack("<III", 1 + 2 * k, (6 << 24) | 0xffff, 4)
    types += b"".join(struct.pack("<Ii", 5, i) for i in range(0xffff))
hdr = struct.pack("<HBBIIIII", 0xeb9f, 1, 0, 24, 0, len(types), len(types),
                  len(strs))
open(f"{w}/enum.btf", "wb").write(hdr + types + strs)
img = bytearray(1024)
img[0x1f1] = 1
img[0x1fe:0x200] = b"\x55\xaa"
img[0x202:0x206] = b"HdrS"
img[0x206:0x208] = struct.pack("<H", 0x206)
gz = bytes([0x1f, 0x8b, 8, 8] + [0xff] * 6)
img += (gz * (2 * M // 10 + 1))[:2 * M] + b"\1\1\1\1" + bytes(512)
open(f"{w}/names.vmlinuz", "wb").write(img)
PY
mkdir "$W/bombs"
for i in $(seq 20); do cp "$W/zeros.zst" "$W/bombs/b$i.btf.zst"; done
tar -C "$W/bombs" -cf "$W/bombs.tar" .
truncate -s 2G "$W/sparse"

# run BIN CMD ARGS...: "seconds KiB" of one run, "-" if cut at TIMEOUT.
run() {
	local bin=$1 rc=0
	shift
	/usr/bin/time -o "$W/time" -f '%e %M' timeout "$TIMEOUT" "$bin" "$@" \
		>/dev/null 2>&1 || rc=$?
	if [ "$rc" = 124 ]; then
		echo "- -"
	else
		tail -1 "$W/time"
	fi
}

mkdir -p "$(dirname "$RESULTS")"
{
	printf '%-14s %10s %10s   %10s %10s\n' input "s" "MiB" "base s" "base MiB"
	for c in zeros.zst elf.zst btf.zst bombs.tar sparse enum.btf names.vmlinuz; do
		cmd=(btf -i "$W/$c" -o "$W/out")
		[ "$c" = enum.btf ] && cmd=(dump -i "$W/$c" -o "$W/out.h")
		read -r s k <<<"$(run "$TYPEGEN" "${cmd[@]}")"
		bs=-; bk=-
		if [ -n "${BASELINE:-}" ]; then
			read -r bs bk <<<"$(run "$BASELINE" "${cmd[@]}")"
		fi
		mib() { [ "$1" = - ] && echo - || echo $(( $1 / 1024 )); }
		printf '%-14s %10s %10s   %10s %10s\n' "$c" "$s" "$(mib "$k")" \
			"$bs" "$(mib "$bk")"
	done
} | tee "$RESULTS"
