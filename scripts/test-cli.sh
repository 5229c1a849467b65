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

# setup_reports NAME PATTERN -- command...: a set-up error still writes every report asked
# for, saying why: JSON valid against the schema with setup_error, JUnit with one error
# testcase, HTML and Markdown with the message; the status stays 2.
setup_reports() {
	name=$1 pat=$2
	shift 3
	rm -f "$tmp/se.json" "$tmp/se.xml" "$tmp/se.html" "$tmp/se.md"
	"$@" --json "$tmp/se.json" --junit "$tmp/se.xml" --html "$tmp/se.html" --markdown "$tmp/se.md" >"$tmp/out" 2>&1
	got=$? why=
	[ "$got" = 2 ] || why="exit $got (want 2)"
	python3 - "$tmp/se.json" docs/report.schema.json "$pat" <<'PY' >>"$tmp/out" 2>&1 || why="$why; JSON report"
import json, re, sys
import jsonschema
d = json.load(open(sys.argv[1]))
jsonschema.validate(d, json.load(open(sys.argv[2])))
assert d["setup_error"] and re.search(sys.argv[3], d["setup_error"]), d["setup_error"]
assert d["clauses"] == [] and d["cases"] == []
PY
	{ xmllint --noout "$tmp/se.xml" && [ "$(grep -c '<testcase ' "$tmp/se.xml")" = 1 ] &&
		grep -q '<error message="set-up error: ' "$tmp/se.xml" && grep -q -- "$pat" "$tmp/se.xml"; } >>"$tmp/out" 2>&1 ||
		why="$why; JUnit report"
	grep -q 'SET-UP ERROR' "$tmp/se.html" && grep -q -- "$pat" "$tmp/se.html" || why="$why; HTML report"
	grep -q 'SET-UP ERROR' "$tmp/se.md" && grep -q -- "$pat" "$tmp/se.md" || why="$why; Markdown summary"
	if [ -n "$why" ]; then
		echo "test-cli: FAIL $name-reports: ${why#; }, output:"
		sed 's/^/    /' "$tmp/out" | head -20
		fails=$((fails + 1))
	else
		echo "test-cli: ok   $name-reports"
	fi
}

free_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect unreachable 2 "pre-flight: connect to mqtt://127.0.0.1:$free_port: Connection refused" -- \
	"$bin" run --broker "mqtt://127.0.0.1:$free_port" -q
setup_reports unreachable "Connection refused" -- "$bin" run --broker "mqtt://127.0.0.1:$free_port" -q

MQTTSPEC_BROKER_ANONYMOUS=false scripts/start-broker.sh "$tmp/refuse" >/dev/null || exit 1
rport=$(cat "$tmp/refuse/port")
expect refusing 2 "refused a plain CONNECT with return code 0x05" -- \
	"$bin" run --broker "mqtt://127.0.0.1:$rport" -q
setup_reports refusing "return code 0x05" -- "$bin" run --broker "mqtt://127.0.0.1:$rport" -q

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
setup_reports silent "did not answer CONNECT" -- "$bin" run --broker "mqtt://127.0.0.1:$sport" --time-scale 0.2 -q

# A bad case file stops the run before any connection: the broker here is unreachable,
# so a pre-flight message would mean the broker was touched first. The folder holds
# only case files: the catalog is the tool's.
mkdir -p "$tmp/cases/x"
printf '{"id": "bad", "title": "t", "clients": {"a": {}}, "steps": [{"client": "a", "expect": {"type": "PUBACK", "packet_id": 1}, "checks": ["MQTT-0.0.0-0"]}]}\n' >"$tmp/cases/x/bad.json"
expect bad-case 2 "bad.json: steps\[0\].checks\[0\]: unknown 3.1.1 clause \"MQTT-0.0.0-0\"" -- \
	"$bin" run --broker "mqtt://127.0.0.1:$free_port" --cases "$tmp/cases" -q
setup_reports bad-case 'unknown 3.1.1 clause' -- "$bin" run --broker "mqtt://127.0.0.1:$free_port" --cases "$tmp/cases" -q
# A case names clauses of its own version: qualified with it, or bare.
mkdir -p "$tmp/qcases/x"
printf '{"id": "q", "title": "t", "clients": {"a": {}}, "steps": [{"client": "a", "expect": {"type": "PUBACK", "packet_id": 1}, "checks": ["3.1.1:MQTT-3.1.2-3"]}]}\n' >"$tmp/qcases/x/q.json"
expect case-qualified-own 0 "^q  .* 3.1.1: MQTT-3.1.2-3$" -- "$bin" list cases --cases "$tmp/qcases"
printf '{"id": "q", "title": "t", "clients": {"a": {}}, "steps": [{"client": "a", "expect": {"type": "PUBACK", "packet_id": 1}, "checks": ["5.0:MQTT-3.1.2-3"]}]}\n' >"$tmp/qcases/x/q.json"
expect case-qualified-other 2 "\"5.0:MQTT-3.1.2-3\": a 3.1.1 case names 3.1.1 clauses only" -- "$bin" list cases --cases "$tmp/qcases"
expect bad-json 2 "line 1, column" -- sh -c "printf '{\"id\": ' >'$tmp/cases/x/bad.json'; '$bin' list cases --cases '$tmp/cases'"
expect usage 2 "unknown command" -- "$bin" frobnicate
expect no-broker 2 "run needs --broker" -- "$bin" run
expect bad-jobs 2 "-j: expected an integer" -- "$bin" run --broker mqtt://127.0.0.1:1 -j 0
expect only-nothing 2 "selects no case" -- "$bin" run --broker "mqtt://127.0.0.1:$free_port" --only MQTT-99.*
expect bad-protocol 2 "--protocol: expected 3.1.1, 5.0 or all" -- "$bin" run --broker mqtt://127.0.0.1:1 --protocol 3
# Clause ids are qualified with their version (both have MQTT-3.1.2-3); a bare id matches both.
expect only-bad-version 2 "--only \"4.0:MQTT-3.1.2-3\": qualify with 3.1.1: or 5.0:" -- \
	"$bin" run --broker mqtt://127.0.0.1:1 --only 4.0:MQTT-3.1.2-3 --dry-run
nbare=$("$bin" run --broker mqtt://127.0.0.1:1 --only MQTT-3.1.2-3 --protocol 3.1.1 --dry-run 2>&1 | tail -n 1)
expect only-qualified 0 "^$nbare\$" -- "$bin" run --broker mqtt://127.0.0.1:1 --only 3.1.1:MQTT-3.1.2-3 --dry-run
expect only-other-version 0 "^connect5-reserved-flag-closes " -- "$bin" run --broker mqtt://127.0.0.1:1 --only 5.0:MQTT-3.1.2-3 --dry-run
expect explain-qualified 0 "^3.1.1:MQTT-3.1.2-3  MUST" -- "$bin" explain 3.1.1:MQTT-3.1.2-3
expect explain-bad-version 2 "qualify the id with 3.1.1: or 5.0:" -- "$bin" explain 4.0:MQTT-3.1.2-3
expect list-protocol 0 "^MQTT 3.1.1 (" -- "$bin" list clauses --protocol 3.1.1
expect decode-protocol 2 "expected 3.1.1 or 5.0" -- "$bin" decode --protocol 4 e0 00
expect decode-5 0 "rc=0x04(Disconnect with Will Message)" -- "$bin" decode --protocol 5.0 e0 01 04
expect decode-5-bad 1 "breaks MQTT-3.15.1-1" -- "$bin" decode --protocol 5.0 f1 00
# --protocol selects the cases of one version (5.0's ship with the tool too).
expect protocol-5 0 "cases selected" -- "$bin" run --broker "mqtt://127.0.0.1:$free_port" --protocol 5.0 --dry-run
expect protocol-311 0 "cases selected" -- "$bin" run --broker "mqtt://127.0.0.1:$free_port" --protocol 3.1.1 --dry-run

scripts/start-broker.sh "$tmp/ok" >/dev/null || exit 1
oport=$(cat "$tmp/ok/port")
# --only by section: 3.1 must not pick 3.10 cases.
"$bin" run --broker "mqtt://127.0.0.1:$oport" --only 3.1 --dry-run >"$tmp/dry" 2>&1
if grep -q '3.10-unsub' "$tmp/dry" || ! grep -q '3.1-connect' "$tmp/dry"; then
	echo "test-cli: FAIL only-section: --only 3.1 selected the wrong cases"; fails=$((fails + 1))
else
	echo "test-cli: ok   only-section"
fi
# TLS spoken to a plain listener: the handshake fails, a set-up error.
expect bad-tls 2 "set-up error" -- "$bin" run --broker "mqtts://127.0.0.1:$oport" --insecure -q
setup_reports bad-tls "TLS" -- "$bin" run --broker "mqtts://127.0.0.1:$oport" --insecure -q

# Users' own cases: folders holding only case files, given more than once; they
# replace the built-in suite, and an id in two folders is an error naming both files.
mkdir -p "$tmp/u1/deep" "$tmp/u2"
cp cases/mqtt-3.1.1/3.12-pingreq/*.json "$tmp/u1/deep/"
cp cases/mqtt-3.1.1/3.14-disconnect/*.json "$tmp/u2/"
n1=$(ls "$tmp"/u1/deep/*.json "$tmp"/u2/*.json | wc -l)
# Retained messages are a MUST: a profile cannot declare them away.
echo '{"retain": false}' >"$tmp/noretain.json"
expect profile-retain-false 2 "false is not allowed: keeping retained messages is a MUST" -- \
	"$bin" run --broker "mqtt://127.0.0.1:$oport" --profile "$tmp/noretain.json"
expect user-cases 0 "^$n1 of $n1 cases selected" -- \
	"$bin" run --broker "mqtt://127.0.0.1:$oport" --cases "$tmp/u1" --cases "$tmp/u2" --dry-run
"$bin" run --broker "mqtt://127.0.0.1:$oport" --cases "$tmp/u1" --cases "$tmp/u2" -q --json "$tmp/u.json" >/dev/null 2>&1
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
# Every run also reports the built-in pre-flight case.
files = [c["file"] for c in d["cases"] if c["id"] != "preflight"]
sys.exit(0 if len(files) == int(sys.argv[2]) and [c["id"] for c in d["cases"]].count("preflight") == 1 and all("/u1/" in f or "/u2/" in f for f in files) and len(d["clauses"]) > 100 else 1)
' "$tmp/u.json" "$n1"; then
	echo "test-cli: ok   user-cases-run"
else
	echo "test-cli: FAIL user-cases-run: the JSON report does not hold exactly the cases of both folders"; fails=$((fails + 1))
fi
dup=$(ls "$tmp"/u2/*.json | head -1)
cp "$dup" "$tmp/u1/"
expect user-cases-duplicate 2 "$dup: \$.id: \".*\" is also the id of $tmp/u1/$(basename "$dup")" -- \
	"$bin" run --broker "mqtt://127.0.0.1:$oport" --cases "$tmp/u1" --cases "$tmp/u2" --dry-run

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
