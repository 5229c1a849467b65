#!/bin/sh
# The whole suite, both versions (3.1.1 and 5.0), against mosquitto in other
# configurations, each pinned.
#
#   scripts/test-variants.sh BUILD_DIR [VARIANT...]   (default: every variant)
#
# tests/variants/NAME.conf holds mosquitto.conf lines that scripts/start-broker.sh
# appends to its own (MQTTSPEC_BROKER_CONF_EXTRA); tests/variants/NAME.txt pins
# the run in the format of scripts/pins.sh. Every id is qualified with its
# version (a bare id in a pin or in the known-fails file is 3.1.1's, a 5.0 one
# is written 5.0:MQTT-...), so the clauses of the two versions never mix. A
# configuration the spec permits says PERMITTED and pins nothing: it may FAIL
# only what the default configuration FAILs (docs/brokers/mosquitto-known-fails.txt,
# both versions; one may disappear), WARN only what the default run WARNs, and
# no case of either version may end INCONCLUSIVE. One the spec permits in one
# version only (a 5.0 broker announces Maximum Packet Size or Retain Available
# 0 in its CONNACK, a 3.1.1 one has no way to) says 5.0:PERMITTED: its 5.0 run
# is held to that, and its 3.1.1 FAILs are pinned. A configuration that breaks
# the spec pins its exact FAILs, in each version.
# The default configuration runs as variant `default`, alongside the others:
# its WARNs are the baseline of theirs.
#
# VARIANT_JOBS (default 6) runs go at once: each suite run mostly waits on its
# windows, so the eight variants, both versions each, take about 25 s on 2 cores.
# KEEP=1 keeps the work directory.
set -u
export LC_ALL=C
build=${1:-build}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.." || exit 2
. scripts/pins.sh
jobs=${VARIANT_JOBS:-6}
baseline=docs/brokers/mosquitto-known-fails.txt
[ -x "$build/mqttspec" ] || { echo "test-variants: $build/mqttspec is missing (make $build/mqttspec)" >&2; exit 2; }
if [ $# -eq 0 ]; then
	for pin in tests/variants/*.txt; do
		n=${pin##*/}
		set -- "$@" "${n%.txt}"
	done
fi
for name; do
	[ -f "tests/variants/$name.txt" ] && [ -f "tests/variants/$name.conf" ] ||
		{ echo "test-variants: tests/variants/$name.txt or .conf is missing" >&2; exit 2; }
done
bad=$(pin_syntax_errors tests/variants/*.txt)
[ -z "$bad" ] || { echo "test-variants: not in the pin format: $bad" >&2; exit 2; }
for id in $(for p in tests/variants/*.txt; do pin_ids "$p"; done | sort -u); do
	in_catalog "$id" ||
		{ echo "test-variants: $id (in tests/variants/) is not in the clause catalog of its version" >&2; exit 2; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/mqttspec-variants.XXXXXX")
cleanup() {
	for b in "$dir"/*/broker; do
		[ -d "$b" ] && scripts/stop-broker.sh "$b"
	done
	if [ "${KEEP:-0}" = 1 ]; then echo "test-variants: kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# One variant: its own broker, one run of the suite; the report in $d.
run_variant() {
	d=$dir/$1
	if ! port=$(MQTTSPEC_BROKER_CONF_EXTRA="tests/variants/$1.conf" scripts/start-broker.sh "$d/broker" 2>"$d/broker.err"); then
		{ echo "MISMATCH"; echo "    mosquitto did not start:"; sed 's/^/      /' "$d/broker.err"; } >"$d/result"
		return
	fi
	# Both versions in one run: the 3.1.1 and the 5.0 suite, each clause
	# reported (and pinned) with its version.
	"$build/mqttspec" run --broker "mqtt://127.0.0.1:$port" --broker-name "mosquitto ($1)" --protocol all \
		--json "$d/report.json" -q >"$d/report.txt" 2>&1
	echo $? >"$d/rc"
	scripts/stop-broker.sh "$d/broker"
}

# Compare a finished variant with its pin (after `default`, whose WARNs count).
judge() {
	d=$dir/$1
	[ -f "$d/result" ] && return # it did not run
	rc=$(cat "$d/rc")
	if [ "$rc" -ge 2 ] || [ ! -s "$d/report.json" ]; then
		{ echo "MISMATCH"; echo "    mqttspec exited $rc:"; tail -n 5 "$d/report.txt" | sed 's/^/      /'; } >"$d/result"
		return
	fi
	clauses "$baseline" | sort -u >"$d/may-fail"
	if [ -s "$dir/default/result.wgot" ]; then cat "$dir/default/result.wgot"; else verdicts "$d/report.json" WARN; fi >"$d/may-warn"
	[ "$1" = default ] && verdicts "$d/report.json" WARN >"$d/may-warn"
	compare_pin "tests/variants/$1.txt" "$d/report.json" "$rc" "$d/may-fail" "$d/may-warn" "$d/result"
}

start=$(date +%s)
names=$*
set -- default
for name in $names; do [ "$name" = default ] || set -- "$@" "$name"; done
for name; do
	while [ "$(find "$dir" -name running | wc -l)" -ge "$jobs" ]; do sleep 0.2; done
	mkdir -p "$dir/$name"
	: >"$dir/$name/running"
	(run_variant "$name"; rm -f "$dir/$name/running") &
done
wait
end=$(date +%s)

status=0
mismatches=
npermitted=0
nhalf=0
for name; do
	judge "$name"
	r=$(head -n 1 "$dir/$name/result")
	# permitted (both versions), 5.0-only or 3.1.1-only, or breaks (both).
	kind=$(permitted_versions "tests/variants/$name.txt" | tr '\n' ' ')
	case $kind in
	'3.1.1 5.0 ') kind=permitted npermitted=$((npermitted + 1)) ;;
	'') kind=breaks ;;
	*) kind="${kind% }-only" nhalf=$((nhalf + 1)) ;;
	esac
	printf '%-28s %-10s %-8s (%s pinned)\n' "$name" "$kind" "$r" "$(wc -l <"$dir/$name/result.want" 2>/dev/null | tr -d ' ')"
	tail -n +2 "$dir/$name/result"
	[ "$r" = OK ] || { mismatches="$mismatches $name"; status=1; }
done
counts="$npermitted permitted by the spec, $nhalf in one version only, $(($# - npermitted - nhalf)) breaking it in both"
if [ -z "$mismatches" ]; then
	echo "test-variants: all $# mosquitto configurations match their pins ($counts), $((end - start)) s"
else
	echo "test-variants: $# mosquitto configurations ($counts), $((end - start)) s; MISMATCH in:$mismatches"
fi
exit $status
