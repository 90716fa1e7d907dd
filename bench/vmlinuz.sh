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
#
# Then, if a real kernel image is at hand (KERNEL_IMAGE=path, else the
# first x86 bzImage under /work/kernels or /boot; KERNEL_IMAGE=none skips
# it), REAL_N rounds (default N), interleaved, each under GNU time:
#
#   dump      typegen dump -i IMAGE -o OUT
#   unpack    the image's own decompressor alone (xz -dc, gzip -dc...) on
#             its payload, cut out of the image beforehand, output thrown
#             away: the issue's figure, which typegen must not exceed
#   probe     typegen probe -i IMAGE: it loads the image once, so about
#             the time of dump, not twice it
#
# with the median and min-max wall time, the median CPU time (user +
# system) and the peak RSS of each, and the ratios dump/unpack (target
# <= 1.00) and probe/dump, appended to the same results file.
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

# ---- a real kernel image ----------------------------------------------

# True if $1 is an x86 boot image (setup header "HdrS" at 0x202).
is_bzimage() {
	[ -f "$1" ] && [ "$(od -An -c -j 514 -N 4 "$1" 2>/dev/null | tr -d ' ')" = HdrS ]
}

find_image() {
	local f
	for f in /work/kernels/*/boot/vmlinuz-* /boot/vmlinuz-*; do
		if is_bzimage "$f"; then
			echo "$f"
			return
		fi
	done
}

# The payload of bzImage $1 into $2 (without the size the kernel appends
# after it); the command that decompresses it on stdout.
cut_payload() {
	python3 - "$1" "$2" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
sects = d[0x1f1] or 4
off = (sects + 1) * 512 + struct.unpack('<I', d[0x248:0x24c])[0]
ln = struct.unpack('<I', d[0x24c:0x250])[0]
p = d[off:off + ln - 4]
open(sys.argv[2], 'wb').write(p)
for magic, cmd in ((b'\xfd7zXZ\x00', 'xz -dc'), (b'\x1f\x8b', 'gzip -dc'),
		   (b'\x28\xb5\x2f\xfd', 'zstd -qdc'),
		   (b'\x02\x21\x4c\x18', 'lz4 -dc'), (b'BZh', 'bzip2 -dc'),
		   (b'\x89LZO', 'lzop -dc'), (b'\x5d\x00', 'xz --format=lzma -dc')):
	if p.startswith(magic):
		print(cmd)
		break
EOF
}

# timed NAME CMD...: one run under GNU time; "wall user sys maxrss_kb"
# appended to $W/real.NAME.
timed() {
	local name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -a -o "$W/real.$name" "$@"
}

# stats NAME: median and min-max wall time (ms), median CPU (ms), peak RSS (MB).
stats() {
	awk 'function med(a, n,   i, j, t) {
		for (i = 1; i <= n; i++)
			for (j = i + 1; j <= n; j++)
				if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{ w[NR] = $1 * 1000; c[NR] = ($2 + $3) * 1000; if ($4 > r) r = $4 }
	END {
		m = med(w, NR); cm = med(c, NR)
		printf "%8.0f %6.0f-%-6.0f %8.0f %8.1f\n", m, w[1], w[NR], cm, r / 1024
	}' "$W/real.$1"
}

median_of() { stats "$1" | awk '{ print $1 }'; }

real_image() {
	local img=$1 unpack rn i d u p r1 r2 v
	rn=${REAL_N:-$N}
	[ -x /usr/bin/time ] || die "GNU time is needed (apt-get install time)"
	unpack=$(cut_payload "$img" "$W/real.payload")
	[ -n "$unpack" ] || die "$img: no compressed payload this script knows"
	command -v "${unpack%% *}" >/dev/null || die "${unpack%% *} is needed for $img"
	# The same types both ways: from the image, and from its payload.
	$unpack "$W/real.payload" > "$W/real.vmlinux"
	"$TYPEGEN" btf -i "$img" -o "$W/real1.btf"
	"$TYPEGEN" btf -i "$W/real.vmlinux" -o "$W/real2.btf"
	cmp -s "$W/real1.btf" "$W/real2.btf" ||
		die "$img: typegen reads other types than its payload's"
	rm -f "$W/real.vmlinux"
	echo "real image: $img ($unpack), $rn rounds"
	# One untimed round: page cache.
	"$TYPEGEN" dump -i "$img" -o "$W/real.h"
	$unpack "$W/real.payload" > /dev/null
	for i in $(seq "$rn"); do
		printf '\rround %d/%d' "$i" "$rn"
		if [ $((i % 2)) = 1 ]; then
			timed dump "$TYPEGEN" dump -i "$img" -o "$W/real.h"
			timed unpack sh -c "$unpack '$W/real.payload' > /dev/null"
			timed probe sh -c "'$TYPEGEN' probe -i '$img' > '$W/probe.out'"
		else
			timed probe sh -c "'$TYPEGEN' probe -i '$img' > '$W/probe.out'"
			timed unpack sh -c "$unpack '$W/real.payload' > /dev/null"
			timed dump "$TYPEGEN" dump -i "$img" -o "$W/real.h"
		fi
	done
	echo
	d=$(median_of dump)
	u=$(median_of unpack)
	p=$(median_of probe)
	r1=$(awk -v a="$d" -v b="$u" 'BEGIN { printf "%.2f", a / b }')
	r2=$(awk -v a="$p" -v b="$d" 'BEGIN { printf "%.2f", a / b }')
	v=$(awk -v q="$r1" 'BEGIN { print q <= 1.00 ? "PASS" : "FAIL" }')
	{
		echo
		echo "real kernel image: $img ($(stat -c %s "$img") B, payload: $unpack), $rn rounds"
		printf '%-36s %8s %13s %8s %8s\n' "" "median" "min-max" "CPU" "peak RSS"
		printf '%-36s %8s %13s %8s %8s\n' "" "ms" "ms" "ms" "MB"
		printf '%-36s %s\n' "typegen dump -i IMAGE" "$(stats dump)"
		printf '%-36s %s\n' "$unpack PAYLOAD (alone)" "$(stats unpack)"
		printf '%-36s %s\n' "typegen probe -i IMAGE" "$(stats probe)"
		echo
		echo "typegen dump / $unpack alone: $r1 (target <= 1.00: $v)"
		echo "typegen probe / typegen dump: $r2 (probe loads the image once)"
	} | tee -a "$RESULTS"
	[ "$v" = PASS ] || verdict=FAIL
}

if [ "${KERNEL_IMAGE:-}" != none ]; then
	img=${KERNEL_IMAGE:-$(find_image)}
	if [ -n "$img" ]; then
		is_bzimage "$img" || die "$img: not an x86 boot image (bzImage)"
		real_image "$img"
	else
		echo "no real kernel image (KERNEL_IMAGE=path gives one): synthetic only" |
			tee -a "$RESULTS"
	fi
fi
echo "saved to $RESULTS"

if [ "${STRICT:-0}" = 1 ] && [ "$verdict" = FAIL ]; then
	exit 1
fi
exit 0
