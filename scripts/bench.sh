#!/bin/sh
# The benchmark (`make bench`): the whole suite against a private mosquitto,
# once with -j 1 and once with the default concurrency, then each protocol
# version alone, side by side; then the codec's throughput over the packets
# of the default run (tests/tools/bench_codec.c).
#
#   scripts/bench.sh BUILD_DIR
#
# Printed per run: wall time (the process, start to exit), the longest case
# (duration_ms in the JSON report), wall / longest (the floor is 1: a run
# cannot be shorter than its longest case; the aim is <= 1.3), mqttspec's CPU
# time (user + sys, from wait4) and its peak memory (GNU time when installed).
# docs/performance.md records the figures.
set -u
export LC_ALL=C
build=${1:-build}
cd "$(dirname "$0")/.." || exit 2
for f in "$build/mqttspec" "$build/bench-codec"; do
	[ -x "$f" ] || { echo "bench: $f is missing (make bench builds it)" >&2; exit 2; }
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/mqttspec-bench.XXXXXX")
trap 'scripts/stop-broker.sh "$dir/broker"; rm -rf "$dir"' EXIT
trap 'exit 2' HUP INT PIPE TERM
port=$(scripts/start-broker.sh "$dir/broker") || exit 2
url=mqtt://127.0.0.1:$port

run() {
	name=$1
	shift
	python3 scripts/measure.py "$dir/$name.measure" -- "$build/mqttspec" run --broker "$url" -q \
		--json "$dir/$name.json" "$@" >/dev/null 2>"$dir/$name.err"
	rc=$?
	if [ "$rc" -ge 2 ] || [ ! -s "$dir/$name.json" ]; then
		echo "bench: the $name run failed (exit $rc):" >&2
		cat "$dir/$name.err" >&2
		exit 1
	fi
}
echo "bench: mosquitto $("$(command -v mosquitto || echo /usr/sbin/mosquitto)" -h 2>/dev/null | sed -n 's/^mosquitto version //p'), $(nproc) CPUs, $(uname -m)"
run j1 -j 1
run jdef
run v311 --protocol 3.1.1
run v5 --protocol 5.0

python3 - "$dir" <<'PY'
import json, os, sys
d = sys.argv[1]
rows = []
for name, label in (("j1", "-j 1"), ("jdef", "default -j"), ("v311", "3.1.1 only"), ("v5", "5.0 only")):
    m = json.load(open(os.path.join(d, name + ".measure")))
    r = json.load(open(os.path.join(d, name + ".json")))
    longest = max(r["cases"], key=lambda c: c.get("duration_ms") or 0)
    cpu = m["user_s"] + m["sys_s"]
    rows.append((label, {
        "cases": "%d" % sum(1 for c in r["cases"] if c.get("selected", True)),
        "wall time": "%.2f s" % m["wall_s"],
        "  of which the cases": "%.2f s" % (r["duration_ms"] / 1000),
        "longest case": "%.2f s" % (longest["duration_ms"] / 1000),
        "  (its id)": longest["id"],
        "wall / longest": "%.2f" % (m["wall_s"] * 1000 / longest["duration_ms"]),
        "CPU user+sys": "%.2f s (%.1f%% of wall)" % (cpu, 100 * cpu / m["wall_s"]),
        "peak RSS": "%.1f MB%s" % (m["maxrss_kb"] / 1024, "" if m["maxrss_exact"] else " (upper bound)"),
    }))
keys = list(rows[0][1])
w = max(len(k) for k in keys) + 2
cw = max(max(len(v[k]) for _, v in rows) for k in keys) + 3
print("%-*s " % (w, "") + "".join("%-*s" % (cw, label) for label, _ in rows))
for k in keys:
    print("%-*s " % (w, k) + "".join("%-*s" % (cw, v[k]) for _, v in rows))
PY
for v in 3.1.1 5.0; do
	"$build/bench-codec" --protocol $v "$dir/jdef.json" 1
	"$build/bench-codec" --protocol $v - 1 | tail -n +2 | sed 's/^codec /codec (synthetic mix) /'
done
