#!/bin/sh
# Stop a broker started by scripts/start-broker.sh DIR.
dir=${1:?usage: stop-broker.sh DIR}
[ -f "$dir/pid" ] || exit 0
pid=$(cat "$dir/pid")
kill "$pid" 2>/dev/null || exit 0
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 "$pid" 2>/dev/null || true
rm -f "$dir/pid"
