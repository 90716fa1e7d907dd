#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# corpus.sh BCC LIBBPF OUT - a corpus of real-world CO-RE programs for
# bench/for.sh (make bench-for CORPUS=OUT), kept out of the repository.
#
# BCC and LIBBPF are checkouts of github.com/iovisor/bcc and
# github.com/libbpf/libbpf, or their git directories (HEAD is read). OUT
# gets bcc's libbpf-tools/*.bpf.c and the headers beside them, and in
# OUT/include/bpf libbpf's BPF-side headers (bpf_helpers.h, bpf_tracing.h,
# bpf_core_read.h...): libbpf-tools use macros (BPF_UPROBE, bpf_ksym_exists)
# newer than the libbpf packaged by Debian 12, and for.sh puts
# OUT/include first in the include path for this corpus only.
set -euo pipefail

[ $# = 3 ] || { echo "usage: $0 BCC LIBBPF OUT" >&2; exit 2; }
BCC=$1 LIBBPF=$2 OUT=$3

# files DIR-or-GITDIR SUBDIR REGEX - the files of SUBDIR (not below it)
files() {
	if [ -d "$1/$2" ]; then
		(cd "$1/$2" && ls) | grep -E "$3" | sed "s|^|$2/|"
	else
		git --git-dir="$1" ls-tree --name-only HEAD "$2/" | grep -E "/[^/]*$3"
	fi
}

# copy DIR-or-GITDIR PATH DEST
copy() {
	if [ -d "$1/$(dirname "$2")" ]; then
		cp "$1/$2" "$3"
	else
		git --git-dir="$1" show "HEAD:$2" > "$3"
	fi
}

mkdir -p "$OUT/include/bpf"
n=0
for f in $(files "$BCC" libbpf-tools '\.(bpf\.c|h)$'); do
	copy "$BCC" "$f" "$OUT/$(basename "$f")"
	case $f in *.bpf.c) n=$((n + 1)) ;; esac
done
for h in bpf_helpers.h bpf_helper_defs.h bpf_core_read.h bpf_tracing.h \
	 bpf_endian.h usdt.bpf.h; do
	copy "$LIBBPF" "src/$h" "$OUT/include/bpf/$h"
done
echo "$OUT: $n programs, libbpf headers in $OUT/include/bpf"
