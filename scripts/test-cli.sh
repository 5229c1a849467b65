#!/bin/sh
# Set-up errors are exit status 2 with a clear message, never a run of
# INCONCLUSIVE verdicts: unreachable, refusing and silent brokers, bad case
# files (refused before any connection), usage errors, a run cut short.
set -u
build=${1:-build}
bin=$build/mqttspec
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mqttspec-cli.XXXXXX")
silent_pid=
cleanup() {
	[ -n "$silent_pid" ] && kill "$silent_pid" 2>/dev/null
	scripts/stop-broker.sh "$tmp/refuse"
	scripts/stop-broker.sh "$tmp/ok"
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fails=0
# expect NAME STATUS PATTERN -- command...: the status and a line of stderr/stdout matching PATTERN.
expect() {
	name=$1 want=$2 pat=$3
	shift 4
	"$@" >"$tmp/out" 2>&1
	got=$?
	# "nonzero": 1 or 2 both fit (a run cut short exits 1 if something already FAILed).
	if { [ "$want" = nonzero ] && [ "$got" != 1 ] && [ "$got" != 2 ]; } ||
		{ [ "$want" != nonzero ] && [ "$got" != "$want" ]; } || ! grep -q -- "$pat" "$tmp/out"; then
		echo "test-cli: FAIL $name: exit $got (want $want), output:"
		sed 's/^/    /' "$tmp/out" | head -20
		fails=$((fails + 1))
	else
		echo "test-cli: ok   $name"
	fi
}

free_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect unreachable 2 "pre-flight: connect to mqtt://127.0.0.1:$free_port: Connection refused" -- \
	"$bin" run --broker "mqtt://127.0.0.1:$free_port" -q

MQTTSPEC_BROKER_ANONYMOUS=false scripts/start-broker.sh "$tmp/refuse" >/dev/null || exit 1
rport=$(cat "$tmp/refuse/port")
expect refusing 2 "refused a plain CONNECT with return code 0x05" -- \
	"$bin" run --broker "mqtt://127.0.0.1:$rport" -q

# A listener that accepts and never answers.
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' >"$tmp/silent.port" &
silent_pid=$!
i=0
while [ ! -s "$tmp/silent.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
sport=$(cat "$tmp/silent.port")
expect silent 2 "did not answer CONNECT within 1000 ms" -- \
	"$bin" run --broker "mqtt://127.0.0.1:$sport" --time-scale 0.2 -q

# A bad case file stops the run before any connection: the broker here is unreachable,
# so a pre-flight message would mean the broker was touched first.
mkdir -p "$tmp/cases/x"
cp -R cases/clauses "$tmp/cases/"
printf '{"id": "bad", "title": "t", "clients": {"a": {}}, "steps": [{"client": "a", "expect": {"type": "PUBACK", "packet_id": 1}, "checks": ["MQTT-0.0.0-0"]}]}\n' >"$tmp/cases/x/bad.json"
expect bad-case 2 "bad.json: steps\[0\].checks\[0\]: unknown clause \"MQTT-0.0.0-0\"" -- \
	"$bin" run --broker "mqtt://127.0.0.1:$free_port" --cases "$tmp/cases" -q
expect bad-json 2 "line 1, column" -- sh -c "printf '{\"id\": ' >'$tmp/cases/x/bad.json'; '$bin' list cases --cases '$tmp/cases'"
expect usage 2 "unknown command" -- "$bin" frobnicate
expect no-broker 2 "run needs --broker" -- "$bin" run
expect bad-jobs 2 "-j: expected an integer" -- "$bin" run --broker mqtt://127.0.0.1:1 -j 0
expect only-nothing 2 "selects no case" -- "$bin" run --broker "mqtt://127.0.0.1:$free_port" --only MQTT-99.*

scripts/start-broker.sh "$tmp/ok" >/dev/null || exit 1
oport=$(cat "$tmp/ok/port")
# --only by section: 3.1 must not pick 3.10 cases.
"$bin" run --broker "mqtt://127.0.0.1:$oport" --only 3.1 --dry-run >"$tmp/dry" 2>&1
if grep -q '3.10-unsub' "$tmp/dry" || ! grep -q '3.1-connect' "$tmp/dry"; then
	echo "test-cli: FAIL only-section: --only 3.1 selected the wrong cases"; fails=$((fails + 1))
else
	echo "test-cli: ok   only-section"
fi
# A run cut short still writes its reports, marked incomplete, and never exits 0.
expect deadline nonzero "cut short" -- "$bin" run --broker "mqtt://127.0.0.1:$oport" --deadline 1 -q --json "$tmp/cut.json" --junit "$tmp/cut.xml"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["incomplete"] and len(d["clauses"]) > 100 else 1)' "$tmp/cut.json" &&
	xmllint --noout "$tmp/cut.xml"; then
	echo "test-cli: ok   deadline-reports"
else
	echo "test-cli: FAIL deadline-reports: reports missing or not marked incomplete"; fails=$((fails + 1))
fi
[ "$fails" = 0 ] || { echo "test-cli: $fails failed"; exit 1; }
echo "test-cli: all passed"
