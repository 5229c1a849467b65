#!/bin/sh
# Functions short enough to read at once: every function of the product
# (codec util net case result engine reports cli) has at most LIMIT lines, from
# its signature to its closing brace (default 80; the aim is 60). Prints the ten
# longest; exit 1 if one is over the limit. Functions are written as this code
# base writes them: the name at the start of a line, `{` alone at column 0, `}`
# alone at column 0 ending it.
set -eu
cd "$(dirname "$0")/.."
LIMIT=${1:-80}
list=$(for f in codec/*.c util/*.c net/*.c case/*.c result/*.c engine/*.c reports/*.c cli/*.c; do
	[ -e "$f" ] || continue
	awk -v file="$f" '
	function begin(at) { infn = 1; start = at }
	/^[A-Za-z_].*\(/ { if (!infn) { sig = NR; name = $0 } }
	# A function opened on its signature line: int f(void) {
	/^[A-Za-z_][^=;]*\)[ \t]*\{[ \t]*$/ { if (!infn) { name = $0; begin(NR); next } }
	/^\{/ { if (!infn) begin(sig ? sig : NR) }
	/^\}/ { if (infn) {
		n = NR - start + 1
		fn = name; sub(/\(.*/, "", fn); k = split(fn, w, /[ *]+/); fn = w[k]
		printf "%d %s:%d %s\n", n, file, start, fn
		infn = 0; sig = 0 } }
	/^[^ \t{}#\/]/ && !/\(/ && !infn { sig = 0 }
	# A function whose closing brace is not at column 0 would never end here.
	END { if (infn) printf "99999 %s:%d %s (no closing brace at column 0)\n", file, start, name }
	' "$f"
done | sort -rn)
if [ -z "$list" ]; then
	echo "check-functions: found no function at all: the script no longer reads this code" >&2
	exit 1
fi
echo "check-functions: the ten longest functions (lines, where, name):"
echo "$list" | head -10 | sed 's/^/  /'
over=$(echo "$list" | awk -v l="$LIMIT" '$1 > l' | wc -l | tr -d ' ')
if [ "$over" != 0 ]; then
	echo "check-functions: $over function(s) over $LIMIT lines:" >&2
	echo "$list" | awk -v l="$LIMIT" '$1 > l' | sed 's/^/  /' >&2
	exit 1
fi
echo "check-functions: every function has at most $LIMIT lines"
