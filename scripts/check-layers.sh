#!/bin/sh
# check-layers.sh [SRC [OBJ]] - the concerns of libtypegen depend on each
# other one way only, bottom to top in the order below.
#
# SRC (default libtypegen) holds one folder per concern; OBJ (default
# build/libtypegen) the objects built from it, folder for folder. A concern
# depends on another when one of its files #includes a header of the other
# ("btf/btf.h") or when one of its objects leaves undefined a symbol that
# an object of the other defines (nm). Every such edge must go down the
# order; an edge up (so any cycle between two concerns) fails, naming the
# file and the header or symbol. Also fails on a file outside the
# concerns' folders, on a folder not in the order, and on two sources of
# one name (ar keeps one member per name: the other would be lost).
#
# LAYERS (environment) replaces the order, bottom first.
LAYERS=${LAYERS:-"util btf dwarf input c kernel core"}
src=${1:-libtypegen}
obj=${2:-build/libtypegen}

fail=0
err() {
	echo "check-layers: $*" >&2
	fail=1
}

# rank CONCERN: its place in the order (1 = bottom), or nothing.
rank() {
	i=1
	for l in $LAYERS; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
}

[ -d "$src" ] || { err "$src: no such directory"; exit 1; }
for f in "$src"/*; do
	[ -e "$f" ] || continue
	if [ -d "$f" ]; then
		[ -n "$(rank "${f##*/}")" ] ||
			err "$f: a folder that is not a concern (LAYERS: $LAYERS)"
	else
		err "$f: outside the concerns' folders"
	fi
done
dups=$(ls "$src"/*/*.c 2>/dev/null | sed 's|.*/||' | sort | uniq -d)
[ -z "$dups" ] || err "sources of the same name in two folders: $dups"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Edges "FROM TO WHERE WHAT", one a line.
for f in "$src"/*/*.[ch]; do
	[ -e "$f" ] || continue
	from=${f#"$src"/}
	from=${from%%/*}
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
	while read -r h; do
		case $h in
		*/*) to=${h%%/*} ;;
		*) [ -e "${f%/*}/$h" ] && to=$from || to=- ;;
		esac
		# "typegen.h" and the like: outside libtypegen.
		[ "$to" = - ] && [ ! -e "$src/$h" ] && continue
		[ "$to" = - ] && to="(top)"
		echo "$from $to ${f#"$src"/} #include \"$h\""
	done
done >"$tmp/edges"

if [ -d "$obj" ]; then
	for o in "$obj"/*/*.o; do
		# Objects of sources no longer there are stale, not code.
		c=${o#"$obj"/}
		[ -e "$src/${c%.o}.c" ] || continue
		c=${c%%/*}
		nm --defined-only -g "$o" | awk -v c="$c" -v o="${o#"$obj"/}" \
			'NF == 3 { print $3, c, o }'
	done | sort -k1,1 >"$tmp/defs"
	for o in "$obj"/*/*.o; do
		# Objects of sources no longer there are stale, not code.
		c=${o#"$obj"/}
		[ -e "$src/${c%.o}.c" ] || continue
		c=${c%%/*}
		nm -u "$o" | awk -v c="$c" -v o="${o#"$obj"/}" \
			'{ print $NF, c, o }'
	done | sort -k1,1 >"$tmp/uses"
	join "$tmp/uses" "$tmp/defs" |
		awk '$2 != $4 { print $2, $4, $3, "calls " $1 " (" $5 ")" }' \
		>>"$tmp/edges"
	[ -s "$tmp/defs" ] || err "$obj: no objects (build the library first)"
else
	err "$obj: no objects (build the library first)"
fi

# The pairs of concerns that depend on each other, each pair once.
awk '$1 != $2 { print $1, $2 }' "$tmp/edges" | sort -u >"$tmp/pairs"
while read -r a b; do
	[ "$a" \< "$b" ] && grep -qx "$b $a" "$tmp/pairs" &&
		err "cycle: $a and $b depend on each other"
done <"$tmp/pairs"

while read -r from to where what; do
	[ "$from" = "$to" ] && continue
	rf=$(rank "$from")
	rt=$(rank "$to")
	[ -n "$rf" ] || continue	# reported above
	if [ -z "$rt" ]; then
		err "$where: $what: $to is not a concern"
	elif [ "$rt" -gt "$rf" ]; then
		err "$where: $what: $from uses $to, above it"
	fi
done <"$tmp/edges"

[ $fail = 0 ] && echo "check-layers: $LAYERS: one way, no cycle"
exit $fail
