#!/bin/sh
# Scores one of the brokers of docs/brokers/ the way its page records it: the
# same listener, credentials and flags, the reports written to OUTDIR, and the
# run compared with docs/brokers/NAME-baseline.json (what is new, what is fixed).
# The broker must already be running as its page describes; this script starts
# nothing, so that what runs is what the page says and nothing else.
#
#   scripts/score-broker.sh NAME OUTDIR [RUNS] [-- extra mqttspec run options]
#
# NAME is aedes, rabbitmq, ejabberd or mosca. RUNS (default 2) full runs are made;
# each writes OUTDIR/NAME-K.json and .html, and OUTDIR/NAME-K-baseline.json (its
# failures, for --baseline). Set MQTTSPEC to use another binary than build/mqttspec,
# and NAME_URL (e.g. AEDES_URL) to reach the broker elsewhere than on its page's port.
# Exit status: 0 when every run matched the recorded baseline (no regression, nothing
# fixed), 1 when one did not, 2 on a usage or set-up error.
set -u
usage() { echo "usage: $0 aedes|rabbitmq|ejabberd|mosca OUTDIR [RUNS] [-- mqttspec options]" >&2; exit 2; }
[ $# -ge 2 ] || usage
name=$1 out=$2
shift 2
runs=2
if [ $# -gt 0 ] && [ "$1" != "--" ]; then runs=$1; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
bin=${MQTTSPEC:-build/mqttspec}
here=$(cd "$(dirname "$0")/.." && pwd)
baseline="$here/docs/brokers/$name-baseline.json"

# The listener and credentials of each page; only loopback.
case $name in
aedes) url=${AEDES_URL:-mqtt://127.0.0.1:18841} label="aedes 1.2.0 (npm)" ;;
rabbitmq) url=${RABBITMQ_URL:-mqtt://127.0.0.1:18851} label="RabbitMQ 3.10.8 MQTT plugin (Debian 12)" ;;
ejabberd) url=${EJABBERD_URL:-mqtt://127.0.0.1:18861} label="ejabberd 23.01 mod_mqtt (Debian 12)" ;;
mosca) url=${MOSCA_URL:-mqtt://127.0.0.1:18871} label="mosca 2.8.3 (npm)" ;;
*) usage ;;
esac
case $runs in '' | *[!0-9]*) usage ;; esac
[ -x "$bin" ] || { echo "score-broker: $bin not built (make build/mqttspec)" >&2; exit 2; }
mkdir -p "$out" || exit 2

# ejabberd refuses a CONNECT without a user name and a non-empty password (CONNACK
# 0x05 in 3.1.1, 0x87 in 5.0); any pair will do (its page: anonymous login). The password goes by the environment,
# so no file is needed.
if [ "$name" = ejabberd ]; then
	set -- --username u "$@"
	MQTTSPEC_PASSWORD=${MQTTSPEC_PASSWORD:-secret}
	export MQTTSPEC_PASSWORD
fi
[ -f "$baseline" ] && set -- --baseline "$baseline" "$@"

status=0
k=1
while [ "$k" -le "$runs" ]; do
	base="$out/$name-$k"
	"$bin" run --broker "$url" --broker-name "$label" --json "$base.json" --html "$base.html" \
		--write-baseline "$base-baseline.json" "$@" >"$base.txt" 2>&1
	rc=$?
	[ "$rc" -ge 2 ] && { tail -n 5 "$base.txt" >&2; echo "score-broker: run $k: set-up error (exit $rc)" >&2; exit 2; }
	echo "run $k: $(grep -E '^  clauses:' "$base.txt" | sed 's/^ *//')"
	# A run of both versions also prints each version's clause counts (indented, "3.1.1: ..."):
	# those are the score lines the pages record.
	grep -E '^    [0-9][0-9.]*: ' "$base.txt" | sed 's/^ */       /'
	# The baseline block lists regressions and fixed entries; either means the page is stale.
	if grep -qE '^  (regression|fixed): ' "$base.txt"; then
		grep -E '^  (regression|fixed): ' "$base.txt"
		status=1
	fi
	k=$((k + 1))
done
exit $status
