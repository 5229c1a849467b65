#!/bin/sh
# The whole suite against mosquitto in other configurations, each pinned.
#
#   scripts/test-variants.sh BUILD_DIR [VARIANT...]   (default: every variant)
#
# tests/variants/NAME.conf holds mosquitto.conf lines that scripts/start-broker.sh
# appends to its own (MQTTSPEC_BROKER_CONF_EXTRA); tests/variants/NAME.txt pins
# the run in the format of scripts/pins.sh. A configuration the spec permits
# says PERMITTED and pins nothing: it may FAIL only what the default
# configuration FAILs (docs/brokers/mosquitto-known-fails.txt; one may
# disappear), WARN only what the default run WARNs, and no case may end
# INCONCLUSIVE. A configuration that breaks the spec pins its exact FAILs.
# The default configuration runs as variant `default`, alongside the others:
# its WARNs are the baseline of theirs.
#
# VARIANT_JOBS (default 6: all of them) runs go at once: each suite run
# mostly waits on its windows, so six take 10 s on 2 cores, three 18 s.
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
	# The variants' pins are 3.1.1's; the 5.0 suite in these configurations
	# is not pinned in them yet.
	"$build/mqttspec" run --broker "mqtt://127.0.0.1:$port" --broker-name "mosquitto ($1)" --protocol 3.1.1 \
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
for name; do
	judge "$name"
	r=$(head -n 1 "$dir/$name/result")
	kind=breaks
	permitted "tests/variants/$name.txt" && kind=permitted && npermitted=$((npermitted + 1))
	printf '%-28s %-9s %-8s (%s pinned)\n' "$name" "$kind" "$r" "$(wc -l <"$dir/$name/result.want" 2>/dev/null | tr -d ' ')"
	tail -n +2 "$dir/$name/result"
	[ "$r" = OK ] || { mismatches="$mismatches $name"; status=1; }
done
if [ -z "$mismatches" ]; then
	echo "test-variants: all $# mosquitto configurations match their pins ($npermitted permitted by the spec, $(($# - npermitted)) breaking it), $((end - start)) s"
else
	echo "test-variants: $# mosquitto configurations ($npermitted permitted, $(($# - npermitted)) breaking the spec), $((end - start)) s; MISMATCH in:$mismatches"
fi
exit $status
