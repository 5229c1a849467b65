#!/bin/sh
# The 5.0 features no broker here offers, proven against a small fake broker
# (tests/tools/auth_broker.c: enhanced authentication, spec 4.12), done right
# and done wrong: one run per mode, compared with its pin.
#
#   scripts/test-fakes.sh BUILD_DIR [MODE...]     (default: every pin)
#
# tests/fakes/5.0/MODE.txt pins `auth-broker --mode MODE` in the format
# scripts/pins.sh describes: `PASS case` (the case runs and passes), a clause
# that must FAIL (`MQTT-4.12.0-5 auth5-exchange-declared`: in that case).
# Each run selects the cases of sections 4.12 and 3.15 (--only 5.0:4.12,5.0:3.15), with the
# exchange the fake speaks declared (tests/fakes/auth.json); the fake routes
# no messages, so the rest of the suite is not for it. Every other FAIL is a
# mismatch.
set -u
export LC_ALL=C
build=${1:-build}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.." || exit 2
. scripts/pins.sh
for f in "$build/mqttspec" "$build/auth-broker"; do
	[ -x "$f" ] || { echo "test-fakes: $f is missing (make $f)" >&2; exit 2; }
done
if [ $# -eq 0 ]; then
	for pin in tests/fakes/5.0/*.txt; do
		n=${pin##*/}
		set -- "$@" "${n%.txt}"
	done
fi
bad=$(pin_syntax_errors tests/fakes/5.0/*.txt)
[ -z "$bad" ] || { echo "test-fakes: not in the pin format: $bad" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/mqttspec-fakes.XXXXXX")
cleanup() {
	for p in "$dir"/*/broker.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	if [ "${KEEP:-0}" = 1 ]; then echo "test-fakes: kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM
: >"$dir/none"

run_mode() {
	mode=$1
	d=$dir/$mode
	mkdir -p "$d"
	[ -f "tests/fakes/5.0/$mode.txt" ] || { echo "MISMATCH: no pin tests/fakes/5.0/$mode.txt" >"$d/result"; return; }
	"$build/auth-broker" --mode "$mode" --port-file "$d/port" 2>"$d/broker.err" &
	echo $! >"$d/broker.pid"
	i=0
	while [ ! -s "$d/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if [ ! -s "$d/port" ]; then
		{ echo "MISMATCH"; echo "    the fake broker did not start:"; sed 's/^/      /' "$d/broker.err"; } >"$d/result"
		return
	fi
	"$build/mqttspec" run --broker "mqtt://127.0.0.1:$(cat "$d/port")" --protocol 5.0 --only 5.0:4.12,5.0:3.15 \
		--auth tests/fakes/auth.json --json "$d/report.json" -q >"$d/report.txt" 2>&1
	rc=$?
	kill "$(cat "$d/broker.pid")" 2>/dev/null
	rm -f "$d/broker.pid"
	if [ "$rc" -ge 2 ] || [ ! -s "$d/report.json" ]; then
		{ echo "MISMATCH"; echo "    mqttspec exited $rc:"; tail -n 5 "$d/report.txt" | sed 's/^/      /'; } >"$d/result"
		return
	fi
	compare_pin "tests/fakes/5.0/$mode.txt" "$d/report.json" "$rc" "$dir/none" "$dir/none" "$d/result"
}

start=$(date +%s)
for mode; do
	run_mode "$mode" &
done
wait
status=0
for mode; do
	r=$(head -n 1 "$dir/$mode/result")
	printf '%-28s %s\n' "$mode" "$r"
	tail -n +2 "$dir/$mode/result"
	[ "$r" = OK ] || status=1
done
echo "test-fakes: $# fake-broker modes in $(($(date +%s) - start)) s"
exit $status
