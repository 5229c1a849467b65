#!/bin/sh
# Prove the suite's checks can fail: run it through build/fault-proxy in front
# of a private mosquitto, once per fault, and compare the clauses that FAIL
# with the fault's pin.
#
#   scripts/test-faults.sh BUILD_DIR [FAULT...]     (default: every pin)
#
# tests/faults/NAME.txt pins fault NAME: one clause id per line, '#' starts a
# comment. Expected FAIL set = the pin + docs/brokers/mosquitto-known-fails.txt
# (what mosquitto breaks on its own), so a pin lists only what its fault adds;
# the run must exit 1 when that set is non-empty and 0 when it is empty.
# FAULT_JOBS (default 3) runs go at once; each mostly waits on windows.
# BASELINE=FILE replaces the known-fails file (to try pins against another list).
# KEEP=1 keeps the work directory (reports, proxy logs) for a look afterwards.
set -u
build=${1:-build}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.." || exit 2
jobs=${FAULT_JOBS:-3}
min_clauses=${MIN_CLAUSES:-10}
baseline=${BASELINE:-docs/brokers/mosquitto-known-fails.txt}
for f in "$build/mqttspec" "$build/fault-proxy"; do
	[ -x "$f" ] || { echo "test-faults: $f is missing (make $f)" >&2; exit 2; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/mqttspec-faults.XXXXXX")
cleanup() {
	for p in "$dir"/*/proxy.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	scripts/stop-broker.sh "$dir/broker"
	if [ "${KEEP:-0}" = 1 ]; then echo "test-faults: kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM
port=$(scripts/start-broker.sh "$dir/broker") || exit 2

if [ $# -eq 0 ]; then
	set --
	for pin in tests/faults/*.txt; do
		n=${pin##*/}
		set -- "$@" "${n%.txt}"
	done
fi

# Clause ids of a pin or list file: comments and blank lines dropped, sorted.
ids() {
	sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$@" | sort -u
}

# The ids of every clause whose verdict is FAIL in a JSON report. python3
# when there is one; else awk over cJSON's layout (a clause's keys at three
# tabs inside the top-level "clauses" array).
fails() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json, sys
for c in json.load(open(sys.argv[1]))["clauses"]:
    if c["verdict"] == "FAIL": print(c["id"])' "$1"
	else
		awk '/^\t"clauses":\t\[/ { on = 1; next }
		     on && /^\t[^\t]/ { on = 0 }
		     on && /^\t\t\t"id":/ { id = $2; gsub(/[",]/, "", id) }
		     on && /^\t\t\t"verdict":\t"FAIL"/ { print id }' "$1"
	fi | sort -u
}

# For unexpected clauses: which case and check failed, and how (python3 only).
explain() {
	command -v python3 >/dev/null 2>&1 || return 0
	python3 -c 'import json, sys
want = set(sys.argv[2:])
for case in json.load(open(sys.argv[1]))["cases"]:
    for k in case.get("checks", []):
        hit = want.intersection(k["clauses"])
        if k["outcome"] == "fail" and hit:
            print("      %s in %s: %s" % (",".join(sorted(hit)), case["id"], (k.get("actual") or "")[:300]))' "$@"
}

# One fault, in the background: its proxy, one run through it, the verdict
# in $d/result (first line OK or MISMATCH).
run_fault() {
	name=$1
	d=$dir/$name
	mkdir -p "$d"
	"$build/fault-proxy" --upstream "127.0.0.1:$port" --fault "$name" --port-file "$d/port" \
		>/dev/null 2>"$d/proxy.err" &
	echo $! >"$d/proxy.pid"
	i=0
	while [ ! -s "$d/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if [ ! -s "$d/port" ]; then
		{ echo "MISMATCH"; echo "    the proxy did not start:"; sed 's/^/      /' "$d/proxy.err"; } >"$d/result"
		return
	fi
	"$build/mqttspec" run --broker "mqtt://127.0.0.1:$(cat "$d/port")" --json "$d/report.json" -q \
		>"$d/report.txt" 2>&1
	rc=$?
	kill "$(cat "$d/proxy.pid")" 2>/dev/null
	wait
	rm -f "$d/proxy.pid"
	{ ids "tests/faults/$name.txt"; [ -f "$baseline" ] && ids "$baseline"; } | sort -u >"$d/want"
	if [ "$rc" -ge 2 ] || [ ! -s "$d/report.json" ]; then
		{ echo "MISMATCH"; echo "    mqttspec exited $rc:"; tail -n 5 "$d/report.txt" | sed 's/^/      /'; } >"$d/result"
		return
	fi
	fails "$d/report.json" >"$d/got"
	missing=$(comm -23 "$d/want" "$d/got" | tr '\n' ' ')
	unexpected=$(comm -13 "$d/want" "$d/got" | tr '\n' ' ')
	want_rc=0
	[ -s "$d/want" ] && want_rc=1
	{
		if [ -z "$missing$unexpected" ] && [ "$rc" = "$want_rc" ]; then
			echo "OK"
		else
			echo "MISMATCH"
			[ -n "$missing" ] && echo "    missing:    $missing"
			[ -n "$unexpected" ] && echo "    unexpected: $unexpected" &&
				explain "$d/report.json" $unexpected
			[ "$rc" != "$want_rc" ] && echo "    exit status $rc, expected $want_rc"
		fi
	} >"$d/result"
}

# Print a finished fault's line, in the order the faults were given.
report() {
	r=$(head -n 1 "$dir/$1/result")
	n=$(wc -l <"$dir/$1/want" | tr -d ' ')
	printf '%-24s %-8s (%s clauses)\n' "$1" "$r" "$n"
	tail -n +2 "$dir/$1/result"
	[ "$r" = OK ] || echo "$1" >>"$dir/mismatches"
}

start=$(date +%s)
pending=""
running=0
for name in "$@"; do
	if [ ! -f "tests/faults/$name.txt" ]; then
		echo "test-faults: no pin tests/faults/$name.txt" >&2
		exit 2
	fi
	run_fault "$name" &
	pending="$pending $!:$name"
	running=$((running + 1))
	# A pool of $jobs: wait for the oldest (runs take about as long as each other).
	if [ $running -ge "$jobs" ]; then
		first=${pending# }
		first=${first%% *}
		pending=${pending# }
		pending=${pending#"$first"}
		wait "${first%%:*}"
		report "${first#*:}"
		running=$((running - 1))
	fi
done
for job in $pending; do
	wait "${job%%:*}"
	report "${job#*:}"
done
end=$(date +%s)

total=$(for p in tests/faults/*.txt; do ids "$p"; done | sort -u | wc -l | tr -d ' ')
echo "test-faults: $# faults, $total distinct clauses pinned (at least $min_clauses needed), $((end - start)) s"
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
