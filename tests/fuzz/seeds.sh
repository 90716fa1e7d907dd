#!/bin/sh
# seeds.sh OUT - the fuzzers' seed corpora, made from the test fixtures:
# OUT/<harness>/ for each harness in tests/fuzz. Needs the normal build
# (TG_BUILD: the typegen CLI and build/fixtures), clang-19, gcc, pahole
# and the compressors the test suite already installs.
set -eu

out=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${TG_BUILD:-build}
clang=${CLANG:-clang-19}
typegen=$build/typegen
kernel=$build/fixtures/vmlinux-6.18.44.btf
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rm -rf "$out"
for h in raw_btf elf container split dwarf min emit btf_ext names; do
	mkdir -p "$out/$h"
done

# Raw BTF of each fixture object, in both byte orders; the emitter gets
# the same inputs.
for obj in "$build"/fixtures/*.bpf.o; do
	name=$(basename "$obj" .bpf.o)
	"$typegen" btf -i "$obj" -o "$out/raw_btf/$name.btf"
	"$typegen" btf -i "$obj" --endian big -o "$out/raw_btf/$name.be.btf"
	cp "$obj" "$out/elf/"
done
cp "$out"/raw_btf/* "$out/emit/"
# Objects with CO-RE records; names, NUL-separated, as the harness splits.
cp "$build"/fixtures/dwarf_cases.bpf.o "$out/btf_ext/"
printf 'task_struct\0pid\0TASK_RUNNING\0pid_t\0rcu' > "$out/names/kernel"
printf '\0\0A\0_t\0percpu' > "$out/names/anon"
"$clang" -g -O2 -target bpfeb -c "$src/tests/fixtures/load_basic.c" \
	-o "$out/elf/load_basic.bpfeb.o"

# DWARF as gcc and clang write it: versions 4 and 5, type units,
# compressed sections; dwz's rewrite of a linked file.
for f in dwarf_cases emit_cases; do
	c=$src/tests/fixtures/$f.c
	gcc -w -g -gdwarf-4 -c "$c" -o "$out/dwarf/$f.gcc4.o"
	gcc -w -g -gdwarf-5 -c "$c" -o "$out/dwarf/$f.gcc5.o"
	"$clang" -g -gdwarf-5 -c "$c" -o "$out/dwarf/$f.clang5.o"
done
c=$src/tests/fixtures/dwarf_cases.c
gcc -g -gdwarf-4 -fdebug-types-section -c "$c" -o "$out/dwarf/types.gcc4.o"
gcc -g -gz=zlib -c "$c" -o "$out/dwarf/gz.gcc5.o"
gcc -g -shared -fPIC "$c" -o "$work/dwz.so"
dwz "$work/dwz.so" 2>/dev/null && cp "$work/dwz.so" "$out/dwarf/dwz.so"
cp "$out/dwarf/dwarf_cases.gcc5.o" "$out/elf/dwarf_only.o"

# A module's split BTF on the suite's kernel, as pahole writes it.
for m in module_a module_b; do
	gcc -g -c "$src/tests/fixtures/$m.c" -o "$work/$m.o"
	pahole --btf_base "$kernel" --btf_encode_detached="$out/split/$m.btf" \
		"$work/$m.o"
	"$typegen" btf -i "$out/split/$m.btf" --base "$kernel" --endian big \
		-o "$out/split/$m.be.btf"
done

# Every wrapper of a small BTF and a small ELF file.
raw=$out/raw_btf/load_basic.btf
elf=$build/fixtures/load_basic.bpf.o
gzip -9c "$raw" > "$out/container/btf.gz"
xz -c "$raw" > "$out/container/btf.xz"
xz --format=lzma -c "$elf" > "$out/container/elf.lzma"
zstd -q -c "$elf" > "$out/container/elf.zst"
bzip2 -c "$raw" > "$out/container/btf.bz2"
lz4 -q -l -c "$elf" > "$out/container/elf.lz4l"
lz4 -q -c "$raw" > "$out/container/btf.lz4"
lzop -c "$raw" > "$out/container/btf.lzo"
cp "$raw" "$work/6.1.0-test.btf"
tar -C "$work" -cf "$out/container/btf.tar" 6.1.0-test.btf
xz -c "$out/container/btf.tar" > "$out/container/btf.tar.xz"
# An x86 boot image (protocol 2.15) around an xz'ed ELF, laid out as
# tests/support/inputs.c does.
python3 - "$out/container/elf.xz" "$out/container/vmlinuz" "$elf" <<'PY'
import lzma, struct, sys
elf = open(sys.argv[3], 'rb').read()
payload = lzma.compress(elf, check=lzma.CHECK_CRC32)
open(sys.argv[1], 'wb').write(payload)
setup, offset = 1024, 256
img = bytearray(setup + offset)
img[0:2] = b'MZ'
img[0x1f1] = setup // 512 - 1
img[0x1fe:0x200] = b'\x55\xaa'
img[0x202:0x206] = b'HdrS'
img[0x206:0x208] = struct.pack('<H', 0x20f)
img[0x248:0x250] = struct.pack('<II', offset, len(payload) + 4)
img += payload + struct.pack('<I', len(elf)) + bytes(512)
open(sys.argv[2], 'wb').write(img)
PY

# BPF objects with CO-RE relocations, compiled against the suite's kernel
# through headers of only what each needs: against the whole header, each
# object's .BTF would be 650 KB, too big to mutate quickly.
for s in "$src"/tests/min/*.bpf.c "$src"/tests/for/*.bpf.c; do
	name=$(basename "$s" .c)
	mkdir -p "$work/$name"
	"$typegen" dump -i "$kernel" --for "$s" -o "$work/$name/vmlinux.h" \
		-- -D__TARGET_ARCH_x86 -I"$src/include"
	"$clang" -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$work/$name" \
		-I"$src/include" -c "$s" -o "$out/min/$name.o"
done
cp "$build"/fixtures/min_moved.bpf.o "$out/min/"
