#!/bin/sh
# Prove the suite's checks can fail: run it through build/fault-proxy in front
# of a private mosquitto, once per fault, and compare the clauses that FAIL
# with the fault's pin. Each run has a mosquitto of its own: runs that share
# one broker can reach each other through its state (mosquitto 2.0.11 was
# seen to stop publishing delayed Wills for the rest of a shared run).
#
#   scripts/test-faults.sh BUILD_DIR [FAULT...]     (default: every pin)
#
# tests/faults/NAME.txt pins fault NAME in the format scripts/pins.sh
# describes: the clauses that must FAIL (or WARN, for a SHOULD), and those
# that may ('?': the comment says why). A run speaks one version:
# tests/faults/NAME.txt runs the 3.1.1 cases (--protocol 3.1.1), and
# tests/faults/5.0/NAME.txt (FAULT "5.0/NAME", bare ids of 5.0) the 5.0 cases.
# Any other FAIL is a mismatch, except what mosquitto FAILs on its own, which
# a fault may leave failing or hide (by breaking a case's set-up). That
# baseline is measured: fault `none` of each version runs first, and its FAILs
# (which must be those docs/brokers/mosquitto-known-fails.txt records) are
# tolerated in every other run of that version, so one stale line there shows
# as one mismatch, not fifty.
# The run's exit status must be 1 exactly when some clause FAILs.
#
# FAULT_JOBS (default 8) runs go at once: each mostly waits on its windows.
# BASELINE=FILE replaces the known-fails file. KEEP=1 keeps the work
# directory (reports, proxy logs). MIN_CLAUSES (default 10): how many distinct
# clauses the pins must show broken, all together.
set -u
export LC_ALL=C
build=${1:-build}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.." || exit 2
. scripts/pins.sh
jobs=${FAULT_JOBS:-8}
min_clauses=${MIN_CLAUSES:-10}
baseline=${BASELINE:-docs/brokers/mosquitto-known-fails.txt}
for f in "$build/mqttspec" "$build/fault-proxy"; do
	[ -x "$f" ] || { echo "test-faults: $f is missing (make $f)" >&2; exit 2; }
done
pins=$(ls tests/faults/*.txt tests/faults/5.0/*.txt 2>/dev/null)
if [ $# -eq 0 ]; then
	for pin in $pins; do
		n=${pin#tests/faults/}
		set -- "$@" "${n%.txt}"
	done
fi
for name; do
	[ -f "tests/faults/$name.txt" ] || { echo "test-faults: no pin tests/faults/$name.txt" >&2; exit 2; }
done
# A mistyped id would pass silently as '?' or fail confusingly as a plain line.
bad=$(pin_syntax_errors $pins)
[ -z "$(pin_syntax_errors tests/faults/unpinned.list)" ] || bad="$bad $(pin_syntax_errors tests/faults/unpinned.list)"
[ -z "$bad" ] || { echo "test-faults: not in the pin format: $bad" >&2; exit 2; }
for id in $(for p in $pins tests/fakes/5.0/*.txt; do pin_ids "$p"; done | sort -u); do
	in_catalog "$id" ||
		{ echo "test-faults: $id (in tests/faults/) is not in the clause catalog of its version" >&2; exit 2; }
done
for p in $(ws_bridge_pins); do
	for id in $(ws_bridge_clauses "$p"); do
		in_catalog "$id" || { echo "test-faults: $id (in $p) is not in the clause catalog of its version" >&2; exit 2; }
	done
done
if [ "${CLAIMS:-1}" = 1 ]; then
	{
		# The fake broker's pins, run by scripts/test-fakes.sh.
		for p in $pins tests/variants/*.txt tests/fakes/5.0/*.txt; do
			[ -f "$p" ] && { firm "$p"; warn_firm "$p"; }
		done
		# The WebSocket front's pins of every version, run by scripts/test-transports.sh.
		for p in $(ws_bridge_pins); do ws_bridge_clauses "$p"; done
	} | sort -u >"${TMPDIR:-/tmp}/mqttspec-pinned.$$"
	claimed_clauses cases >"${TMPDIR:-/tmp}/mqttspec-claimed.$$"
	# The exceptions, each with its reason (tests/faults/unpinned.list).
	pin_lines tests/faults/unpinned.list | awk '{ print $1 }' | sort -u >"${TMPDIR:-/tmp}/mqttspec-exempt.$$"
	comm -23 "${TMPDIR:-/tmp}/mqttspec-claimed.$$" "${TMPDIR:-/tmp}/mqttspec-pinned.$$" >"${TMPDIR:-/tmp}/mqttspec-open.$$"
	unpinned=$(comm -23 "${TMPDIR:-/tmp}/mqttspec-open.$$" "${TMPDIR:-/tmp}/mqttspec-exempt.$$" | tr '\n' ' ')
	stale=$(comm -13 "${TMPDIR:-/tmp}/mqttspec-open.$$" "${TMPDIR:-/tmp}/mqttspec-exempt.$$" | tr '\n' ' ')
	exempt=$(tr '\n' ' ' <"${TMPDIR:-/tmp}/mqttspec-exempt.$$")
	nclaimed=$(wc -l <"${TMPDIR:-/tmp}/mqttspec-claimed.$$" | tr -d ' ')
	nexempt=$(wc -l <"${TMPDIR:-/tmp}/mqttspec-exempt.$$" | tr -d ' ')
	rm -f "${TMPDIR:-/tmp}/mqttspec-pinned.$$" "${TMPDIR:-/tmp}/mqttspec-claimed.$$" \
		"${TMPDIR:-/tmp}/mqttspec-exempt.$$" "${TMPDIR:-/tmp}/mqttspec-open.$$"
	if [ -n "$unpinned" ]; then
		echo "test-faults: clauses claimed by cases that no pin shows FAIL (or WARN): $unpinned" >&2
		echo "test-faults: add a fault that breaks each, or drop the check (a MAY cannot fail)" >&2
		exit 1
	fi
	if [ -n "$stale" ]; then
		echo "test-faults: tests/faults/unpinned.list lists clauses now pinned or no longer claimed: $stale" >&2
		exit 1
	fi
	echo "test-faults: $((nclaimed - nexempt)) of the $nclaimed clauses the cases check are pinned to FAIL (or WARN) by a fault or a variant"
	[ -n "$exempt" ] && echo "test-faults: not pinned yet, each with its reason in tests/faults/unpinned.list: $exempt"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/mqttspec-faults.XXXXXX")
cleanup() {
	for p in "$dir"/*/proxy.pid "$dir"/*/*/proxy.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	for b in "$dir"/*/broker "$dir"/*/*/broker; do
		[ -d "$b" ] && scripts/stop-broker.sh "$b"
	done
	if [ "${KEEP:-0}" = 1 ]; then echo "test-faults: kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# One fault (NAME or 5.0/NAME): its proxy, one run through it in the pin's
# version, the verdict in $d/result (first line OK or MISMATCH, then
# details). Runs in the background.
run_fault() {
	name=$1
	d=$dir/$name
	ver=$(pin_version "tests/faults/$name.txt")
	none=${name%"${name##*/}"}none # none of the same version
	if ! port=$(scripts/start-broker.sh "$d/broker" 2>"$d/broker.err"); then
		{ echo "MISMATCH"; echo "    mosquitto did not start:"; sed 's/^/      /' "$d/broker.err"; } >"$d/result"
		return
	fi
	"$build/fault-proxy" --upstream "127.0.0.1:$port" --fault "${name##*/}" --port-file "$d/port" \
		>/dev/null 2>"$d/proxy.err" &
	echo $! >"$d/proxy.pid"
	i=0
	while [ ! -s "$d/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if [ ! -s "$d/port" ]; then
		{ echo "MISMATCH"; echo "    the proxy did not start:"; sed 's/^/      /' "$d/proxy.err"; } >"$d/result"
		scripts/stop-broker.sh "$d/broker"
		return
	fi
	"$build/mqttspec" run --broker "mqtt://127.0.0.1:$(cat "$d/port")" --protocol "$ver" --json "$d/report.json" -q \
		>"$d/report.txt" 2>&1
	rc=$?
	kill "$(cat "$d/proxy.pid")" 2>/dev/null
	wait
	rm -f "$d/proxy.pid"
	scripts/stop-broker.sh "$d/broker"
	if [ "$rc" -ge 2 ] || [ ! -s "$d/report.json" ]; then
		{ echo "MISMATCH"; echo "    mqttspec exited $rc:"; tail -n 5 "$d/report.txt" | sed 's/^/      /'; } >"$d/result"
		return
	fi
	{
		[ -f "$baseline" ] && clauses "$baseline"
		[ "$name" != "$none" ] && cat "$dir/$none/result.got" 2>/dev/null
	} | sort -u >"$d/may-fail"
	if [ "$name" = "$none" ]; then
		verdicts "$d/report.json" WARN # none's WARNs are the baseline
	else
		cat "$dir/$none/result.wgot" 2>/dev/null
	fi >"$d/may-warn"
	compare_pin "tests/faults/$name.txt" "$d/report.json" "$rc" "$d/may-fail" "$d/may-warn" "$d/result"
}

# Print finished faults in the order given, as far as they are finished.
flush() {
	for n; do
		[ -f "$dir/$n/printed" ] && continue
		[ -f "$dir/$n/done" ] || return 0
		r=$(head -n 1 "$dir/$n/result")
		printf '%-28s %-8s (%s pinned)\n' "$n" "$r" "$(wc -l <"$dir/$n/result.want" 2>/dev/null | tr -d ' ')"
		tail -n +2 "$dir/$n/result"
		[ "$r" = OK ] || echo "$n" >>"$dir/mismatches"
		: >"$dir/$n/printed"
	done
}

start=$(date +%s)
# Each version's `none` first, alone: its FAILs are the measured baseline of
# the others of its version.
names=$*
set -- none
[ -f tests/faults/5.0/none.txt ] && set -- none 5.0/none
nones=$*
for name in $names; do
	case " $nones " in *" $name "*) ;; *) set -- "$@" "$name" ;; esac
done
for name in $nones; do
	mkdir -p "$dir/$name"
	run_fault "$name"
	: >"$dir/$name/done"
done
for name; do
	case " $nones " in *" $name "*) continue ;; esac
	# A pool of $jobs: start the next run as soon as any has finished.
	while [ "$(find "$dir" -name running | wc -l)" -ge "$jobs" ]; do
		sleep 0.2
		flush "$@"
	done
	mkdir -p "$dir/$name"
	: >"$dir/$name/running"
	(run_fault "$name"; : >"$dir/$name/done"; rm -f "$dir/$name/running") &
done
wait
flush "$@"
end=$(date +%s)

total=$(for p in $pins; do firm "$p"; warn_firm "$p"; done | sort -u | wc -l | tr -d ' ')
by_version=$(for p in $pins; do firm "$p"; warn_firm "$p"; done | sort -u | awk -F: '{ n[$1]++ } END { for (v in n) { printf "%s%s %d", sep, v, n[v]; sep = ", " } }')
echo "test-faults: $# faults, $total distinct clauses shown broken ($by_version; at least $min_clauses needed), $((end - start)) s"
status=0
if [ -s "$dir/mismatches" ]; then
	echo "test-faults: MISMATCH in: $(tr '\n' ' ' <"$dir/mismatches")"
	status=1
fi
if [ "$total" -lt "$min_clauses" ]; then
	echo "test-faults: only $total distinct clauses are shown broken; at least $min_clauses are needed"
	status=1
fi
exit $status
