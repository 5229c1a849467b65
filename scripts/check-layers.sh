#!/bin/sh
# The dependency rule of the layers (README, "How it works"): each folder may
# include headers of the folders listed for it and of its own, nothing else; and
# a private header (NAME_int.h) only from files of its own module (NAME*.c/.h).
# Prints every #include that breaks the rule; exit 1 if there is one.
set -eu
cd "$(dirname "$0")/.."

allowed() {
	case $1 in
	codec)   echo "codec" ;;
	util)    echo "util" ;;
	net)     echo "net util" ;;
	case)    echo "case codec util" ;;
	result)  echo "result case codec util" ;;
	engine)  echo "engine net case result codec util" ;;
	reports) echo "reports result case codec util" ;;
	cli)     echo "cli engine reports net case result codec util" ;;
	esac
}

bad=0
for layer in codec util net case result engine reports cli; do
	ok=$(allowed "$layer")
	for f in "$layer"/*.c "$layer"/*.h; do
		[ -e "$f" ] || continue
		# Our own headers: "dir/name.h", and <dir/name.h> where dir is a layer
		# (-I. finds those too); other <...> headers are the system's.
		for inc in $(sed -n -e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' \
			-e 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/<\1/p' "$f"); do
			case $inc in
			"<"*)
				inc=${inc#<}
				case ${inc%%/*} in
				codec | util | net | case | result | engine | reports | cli | tests) ;;
				*) continue ;;
				esac ;;
			esac
			dir=${inc%%/*}
			[ "$dir" = "$inc" ] && dir=$layer
			hit=0
			for a in $ok; do [ "$a" = "$dir" ] && hit=1; done
			if [ $hit = 0 ]; then
				echo "check-layers: $f includes $inc: $layer may use only: $ok"
				bad=1
			fi
			base=${inc##*/}
			case $base in
			*_int.h)
				mod=${base%_int.h}
				case ${f##*/} in
				"$mod"*) [ "$dir" = "$layer" ] || { echo "check-layers: $f includes $inc, private to $dir/$mod*"; bad=1; } ;;
				*) echo "check-layers: $f includes $inc, private to $dir/$mod*"; bad=1 ;;
				esac ;;
			esac
		done
	done
done
[ $bad = 0 ] && echo "check-layers: every #include follows the layer rule"
exit $bad
