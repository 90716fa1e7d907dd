#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# vmlinuz.sh - the cost of reading a compressed kernel image.
#
# Builds a vmlinuz the way the kernel's build makes one: an ELF file
# carrying the kernel fixture's .BTF (5.5 MB) is compressed with the
# kernel's xz options (--check=crc32 --x86, 32 MiB dictionary) into the
# payload of an x86 boot image (setup header "HdrS", payload_offset and
# payload_length, the uncompressed size appended). Then, N rounds
# (default 15), interleaved:
#
#   typegen   typegen btf -i vmlinuz -o OUT
#   xz+read   xz -dc PAYLOAD > vmlinux (the payload already cut out of the
#             image, which the user's way, extract-vmlinux, also has to do),
#             then typegen btf -i vmlinux -o OUT
#
# and reports the medians and typegen's ratio to xz+read; the target is a
# ratio of at most 1.00 (PASS/FAIL; STRICT=1 fails the script on FAIL). The
# table is saved to $TG_BUILD/bench/vmlinuz.txt.
set -euo pipefail
export LC_ALL=C

B=${TG_BUILD:-build}
N=${N:-15}
FIXTURE=$B/fixtures/vmlinux-6.18.44.btf
TYPEGEN=$B/typegen
RESULTS=$B/bench/vmlinuz.txt
OBJCOPY=${OBJCOPY:-llvm-objcopy-19}

die() { echo "bench: $*" >&2; exit 1; }

[ -r "$FIXTURE" ] || die "$FIXTURE: missing (run make fixtures)"
[ -x "$TYPEGEN" ] || die "$TYPEGEN: not built (run make)"
command -v xz >/dev/null || die "xz is needed (apt-get install xz-utils)"
command -v "$OBJCOPY" >/dev/null || die "$OBJCOPY is needed (apt-get install llvm-19)"
command -v python3 >/dev/null || die "python3 is needed"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# The kernel ELF: a small object with the fixture as its .BTF section.
echo 'int tg_bench_marker;' > "$W/marker.c"
cc -c "$W/marker.c" -o "$W/marker.o"
"$OBJCOPY" --add-section .BTF="$FIXTURE" "$W/marker.o" "$W/vmlinux.elf"
# As the kernel's Makefile.lib compresses its image (cmd_xzkern).
xz --check=crc32 --x86 --lzma2=dict=32MiB -c "$W/vmlinux.elf" > "$W/payload.xz"

# The boot image: one setup sector, the payload 256 bytes into the
# protected-mode code, its uncompressed size after it.
python3 - "$W/payload.xz" "$W/vmlinux.elf" "$W/vmlinuz" <<'EOF'
import os, struct, sys
payload = open(sys.argv[1], 'rb').read()
payload += struct.pack('<I', os.path.getsize(sys.argv[2]))
hdr = bytearray(1024 + 256)
hdr[0:2] = b'MZ'
hdr[0x1f1] = 1
hdr[0x1fe:0x200] = b'\x55\xaa'
hdr[0x202:0x206] = b'HdrS'
hdr[0x206:0x208] = struct.pack('<H', 0x020f)
hdr[0x248:0x24c] = struct.pack('<I', 256)
hdr[0x24c:0x250] = struct.pack('<I', len(payload))
open(sys.argv[3], 'wb').write(bytes(hdr) + payload + b'\0' * 4096)
EOF

# Both ways must give the kernel's BTF, byte for byte.
"$TYPEGEN" btf -i "$W/vmlinuz" -o "$W/out.btf"
cmp -s "$W/out.btf" "$FIXTURE" || die "typegen btf -i vmlinuz: not the fixture's BTF"
xz -dc "$W/payload.xz" > "$W/vmlinux"
"$TYPEGEN" btf -i "$W/vmlinux" -o "$W/out2.btf"
cmp -s "$W/out2.btf" "$FIXTURE" || die "typegen btf -i vmlinux: not the fixture's BTF"

# now - microseconds from bash's clock.
now() { echo "${EPOCHREALTIME/./}"; }

run_typegen() {
	local s e
	s=$(now)
	"$TYPEGEN" btf -i "$W/vmlinuz" -o "$W/out.btf"
	e=$(now)
	echo $((e - s)) >> "$W/typegen"
}

run_xz_read() {
	local s m e
	s=$(now)
	xz -dc "$W/payload.xz" > "$W/vmlinux"
	m=$(now)
	"$TYPEGEN" btf -i "$W/vmlinux" -o "$W/out2.btf"
	e=$(now)
	echo $((m - s)) >> "$W/xz"
	echo $((e - m)) >> "$W/read"
	echo $((e - s)) >> "$W/xz_read"
}

median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f\n", m / 1000 }'
}

echo "vmlinuz: $(stat -c %s "$W/vmlinuz") bytes (xz payload of a $(stat -c %s "$W/vmlinux.elf")-byte ELF), $N rounds"
# One untimed round: page cache.
run_typegen
run_xz_read
rm -f "$W/typegen" "$W/xz" "$W/read" "$W/xz_read"
for i in $(seq "$N"); do
	printf '\rround %d/%d' "$i" "$N"
	if [ $((i % 2)) = 1 ]; then
		run_typegen
		run_xz_read
	else
		run_xz_read
		run_typegen
	fi
done
echo

t=$(median "$W/typegen")
x=$(median "$W/xz")
r=$(median "$W/read")
xr=$(median "$W/xz_read")
ratio=$(awk -v a="$t" -v b="$xr" 'BEGIN { printf "%.2f", a / b }')
verdict=$(awk -v q="$ratio" 'BEGIN { print q <= 1.00 ? "PASS" : "FAIL" }')

mkdir -p "$(dirname "$RESULTS")"
{
	echo "typegen benchmark: opening a compressed vmlinuz"
	echo "kernel $(uname -r), $(nproc) CPUs, $N rounds, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(xz --version | head -1)"
	echo "vmlinuz $(stat -c %s "$W/vmlinuz") B: xz payload of the kernel fixture's .BTF ($(stat -c %s "$FIXTURE") B) in an ELF"
	echo "wall time, median (ms):"
	echo
	printf '%-40s %8s\n' "typegen btf -i vmlinuz" "$t"
	printf '%-40s %8s\n' "xz -dc payload > vmlinux" "$x"
	printf '%-40s %8s\n' "typegen btf -i vmlinux" "$r"
	printf '%-40s %8s\n' "xz -dc + typegen btf -i vmlinux" "$xr"
	echo
	echo "typegen / (xz -d + read): $ratio"
	echo "target: typegen on the vmlinuz <= xz -d + reading the ELF: $ratio -> $verdict"
} | tee "$RESULTS"
echo "saved to $RESULTS"

if [ "${STRICT:-0}" = 1 ] && [ "$verdict" = FAIL ]; then
	exit 1
fi
exit 0
