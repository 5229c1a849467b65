#!/bin/sh
# make demo: start a private mosquitto on a free loopback port, run the whole
# suite against it, print the report, stop the broker. It succeeds when the run
# completes, whatever the verdicts: those are the broker's.
set -u
build=${1:-build}
dir=$(mktemp -d "${TMPDIR:-/tmp}/mqttspec-demo.XXXXXX")
trap 'scripts/stop-broker.sh "$dir"; rm -rf "$dir"' EXIT INT TERM
port=$(scripts/start-broker.sh "$dir") || exit 2
echo "demo: mosquitto $(/usr/sbin/mosquitto -h 2>/dev/null | head -1 | awk '{print $3}') on 127.0.0.1:$port"
"$build/mqttspec" run --broker "mqtt://127.0.0.1:$port" --broker-name "local mosquitto" --json demo-report.json --junit demo-report.xml --html demo-report.html
rc=$?
echo "demo: reports written to demo-report.html (open it in a browser), demo-report.json and demo-report.xml (exit status $rc)"
[ "$rc" -le 1 ] || exit "$rc"
exit 0
