#!/bin/sh
# The whole suite against a private mosquitto. Every clause must PASS, or FAIL
# only where docs/brokers/mosquitto-known-fails.txt records a real deviation of
# mosquitto (explained with the bytes in docs/brokers/mosquitto.md).
set -u
build=${1:-build}
dir=$(mktemp -d "${TMPDIR:-/tmp}/mqttspec-suite.XXXXXX")
trap 'scripts/stop-broker.sh "$dir"; rm -rf "$dir"' EXIT INT TERM
port=$(scripts/start-broker.sh "$dir") || exit 2
start=$(date +%s)
"$build/mqttspec" run --broker "mqtt://127.0.0.1:$port" --broker-name mosquitto --json "$dir/report.json" -q >"$dir/report.txt"
rc=$?
end=$(date +%s)
if [ "$rc" -ge 2 ]; then
	cat "$dir/report.txt"
	echo "test-suite: mqttspec failed to run (exit $rc)" >&2
	exit 1
fi
python3 - "$dir/report.json" docs/brokers/mosquitto-known-fails.txt <<'PY' || { cat "$dir/report.txt"; exit 1; }
import json, sys
r = json.load(open(sys.argv[1]))
# Ids qualified with their version (a bare id in the known-fails file is 3.1.1's):
# the ids of 3.1.1 and 5.0 look alike.
def qualify(i):
    return i if ':' in i else '3.1.1:' + i
known, timing = set(), set()
for line in open(sys.argv[2]):
    words = line.split('#')[0].split()
    if words:
        (timing if words[1:] == ['timing'] else known).add(qualify(words[0]))
fails = {c.get('protocol', '3.1.1') + ':' + c['id'] for c in r['clauses'] if c['verdict'] == 'FAIL'} - timing
inconclusive = [c['id'] for c in r['cases'] if c['verdict'] == 'INCONCLUSIVE']
ok = True
if fails - known:
    print('test-suite: unexpected FAIL:', ' '.join(sorted(fails - known)))
    ok = False
if known - fails:
    print('test-suite: recorded mosquitto deviations that no longer FAIL (update docs/brokers/):', ' '.join(sorted(known - fails)))
    ok = False
if inconclusive:
    print('test-suite: INCONCLUSIVE cases:', ' '.join(inconclusive))
    ok = False
s = r['summary']['clauses']
print('test-suite: %d cases, clauses: %s' % (len(r['cases']), ', '.join('%s %d' % (k, v) for k, v in s.items() if v)))
sys.exit(0 if ok else 1)
PY
echo "test-suite: whole suite against mosquitto took $((end - start)) s"
