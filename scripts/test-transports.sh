#!/bin/sh
# Transports and identities against one private mosquitto with five kinds of
# listener on loopback: plain TCP (IPv4 and [::1]), TLS, mutual TLS, WebSocket,
# and TCP with a password. Certificates are made now with the openssl command.
#  1. The suite over each (and over wss://) gets the same verdict for every clause as over plain TCP,
#     and so does a "cluster" of two endpoints (the TCP and WebSocket listeners).
#  2. The failures users hit are set-up errors (exit 2, a clear message, no FAIL):
#     an untrusted certificate, a wrong host name, a missing client certificate,
#     a wrong password, an HTTP endpoint that does not upgrade to WebSocket.
#     Chapter 6 (WebSocket) is the exception: NOT APPLICABLE unless every endpoint
#     is ws:// or wss://; over them mosquitto's chapter-6 verdicts are pinned,
#     for the 3.1.1 and the 5.0 clauses each.
#  3. A WebSocket front that breaks chapter 6 gets FAIL for exactly the clause it
#     breaks: MQTT-6.0.0-4 (no sub-protocol), -6.0.0-1 (text frames), -6.0.0-2
#     (one packet per frame assumed), in a run of each version.
#  4. The password never appears in any output.
set -u
. scripts/pins.sh # the pin format of tests/faults/, and where the ws_bridge pins are
build=${1:-build}
bin=$build/mqttspec
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mqttspec-tls.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	[ -f "$tmp/pid" ] && kill "$(cat "$tmp/pid")" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fails=0
ok() { echo "test-transports: ok   $1"; }
bad() { echo "test-transports: FAIL $1"; fails=$((fails + 1)); }

mqbin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
scripts/gen-certs.sh "$tmp/certs" || exit 1
c=$tmp/certs
: >"$tmp/pw"
mosquitto_passwd -b "$tmp/pw" alice 'Pa55-w0rd-of-alice' || exit 1
set -- $(python3 -c 'import socket
ss=[socket.socket() for _ in range(7)]
[s.bind(("127.0.0.1",0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])')
tcp=$1 tls=$2 mtls=$3 ws=$4 pw=$5 tls12=$6 wss=$7
tlsconf="cafile $c/ca.crt
certfile $c/server.crt
keyfile $c/server.key"
cat >"$tmp/mosquitto.conf" <<CONF
per_listener_settings true
persistence false
log_dest file $tmp/log
listener $tcp 127.0.0.1
allow_anonymous true
listener $tcp ::1
allow_anonymous true
listener $tls 127.0.0.1
allow_anonymous true
$tlsconf
listener $tls ::1
allow_anonymous true
$tlsconf
listener $mtls 127.0.0.1
allow_anonymous true
$tlsconf
require_certificate true
listener $ws 127.0.0.1
protocol websockets
socket_domain ipv4
allow_anonymous true
listener $pw 127.0.0.1
allow_anonymous false
password_file $tmp/pw
listener $tls12 127.0.0.1
allow_anonymous true
$tlsconf
tls_version tlsv1.2
listener $wss 127.0.0.1
protocol websockets
socket_domain ipv4
allow_anonymous true
$tlsconf
CONF
[ "$(id -u)" = 0 ] && echo "user root" >>"$tmp/mosquitto.conf"
"$mqbin" -c "$tmp/mosquitto.conf" >"$tmp/stdout" 2>&1 &
echo $! >"$tmp/pid"
i=0
until bash -c "exec 3<>/dev/tcp/127.0.0.1/$pw" 2>/dev/null || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
[ $i -lt 50 ] || { echo "test-transports: mosquitto did not start"; cat "$tmp/stdout" "$tmp/log"; exit 1; }

# 1. Same verdicts everywhere.
run() { # NAME ARGS...: a whole run, JSON in $tmp/NAME.json
	name=$1
	shift
	"$bin" run -q --json "$tmp/$name.json" "$@" >"$tmp/$name.txt" 2>&1
	echo $? >"$tmp/$name.rc"
}
# (wait with pids: a bare wait would also wait for mosquitto)
run tcp --broker "mqtt://127.0.0.1:$tcp" &
j1=$!
run ipv6 --broker "mqtt://[::1]:$tcp" &
j2=$!
run tls --broker "mqtts://localhost:$tls" --cafile "$c/ca.crt" &
j3=$!
wait $j1 $j2 $j3
run mtls --broker "mqtts://127.0.0.1:$mtls" --cafile "$c/ca.crt" --cert "$c/client.crt" --key "$c/client.key" &
j1=$!
run ws --broker "ws://127.0.0.1:$ws" &
j2=$!
run wss --broker "wss://localhost:$wss/mqtt" --cafile "$c/ca.crt" &
j4=$!
MQTTSPEC_PASSWORD='Pa55-w0rd-of-alice' run password --broker "mqtt://127.0.0.1:$pw" --username alice &
j3=$!
wait $j1 $j2 $j3 $j4
run cluster --broker "mqtt://127.0.0.1:$tcp" --broker "ws://127.0.0.1:$ws/mqtt" --propagation-ms 200 &
j1=$!
run prefix --broker "mqtt://127.0.0.1:$tcp" --client-prefix Al1ce --topic-prefix tenant/alice &
j2=$!
run stay --broker "mqtt://127.0.0.1:$tcp" --stay-in-prefix &
j3=$!
wait $j1 $j2 $j3
for name in ipv6 tls mtls ws wss password cluster prefix; do
	if python3 - "$tmp/tcp.json" "$tmp/$name.json" docs/brokers/mosquitto-known-fails.txt <<'PY'; then ok "same-verdicts-$name"; else bad "same-verdicts-$name"; fi
import json, sys
# Ids qualified with their version: both versions have an MQTT-3.1.2-3.
q = lambda i, v='3.1.1': i if ':' in i else v + ':' + i
timing = {q(l.split()[0]) for l in open(sys.argv[3]) if l.split()[1:2] == ['timing']}
a, b = (json.load(open(p)) for p in sys.argv[1:3])
# Chapter 6 depends on the transport: checked on its own below.
skip = lambda c: q(c['id'], c.get('protocol', '3.1.1')) in timing or c['id'].startswith('MQTT-6.')
va = {q(c['id'], c.get('protocol', '3.1.1')): c['verdict'] for c in a['clauses'] if not skip(c)}
vb = {q(c['id'], c.get('protocol', '3.1.1')): c['verdict'] for c in b['clauses'] if not skip(c)}
diff = {k: (va[k], vb.get(k)) for k in va if va[k] != vb.get(k)}
for k, (x, y) in sorted(diff.items()):
    print('    %s: %s over plain TCP, %s here' % (k, x, y))
sys.exit(1 if diff else 0)
PY
done
grep -q "ws://127.0.0.1:$ws" "$tmp/ws.json" && ok ws-used || bad ws-used
# Chapter 6: NOT APPLICABLE without WebSocket (a cluster mixing mqtt:// and ws://
# included); over ws:// and wss:// mosquitto 2.0.11 answers with sub-protocol
# "mqtt" and copes with packets split over frames and sharing one (PASS), but
# keeps the connection open on a text frame (FAIL of MQTT-6.0.0-1). Its
# WebSocket layer is below MQTT, so both versions' clauses get the same verdicts.
ch6() { # NAME VERSION VERDICT-1 VERDICT-2 VERDICT-4
	if python3 - "$tmp/$1.json" "$2" "$3" "$4" "$5" <<'PY'; then ok "chapter6-$1-$2"; else bad "chapter6-$1-$2"; fi
import json, sys
d = json.load(open(sys.argv[1]))
got = {c['id']: c['verdict'] for c in d['clauses'] if c.get('protocol', '3.1.1') == sys.argv[2]}
want = dict(zip(['MQTT-6.0.0-1', 'MQTT-6.0.0-2', 'MQTT-6.0.0-4'], sys.argv[3:6]))
diff = {k: (v, got.get(k)) for k, v in want.items() if got.get(k) != v}
for k, (w, g) in sorted(diff.items()):
    print('    %s:%s: %s here, pinned %s' % (sys.argv[2], k, g, w))
sys.exit(1 if diff else 0)
PY
}
for v in 3.1.1 5.0; do
	for name in tcp ipv6 tls mtls password cluster prefix; do ch6 "$name" "$v" "NOT APPLICABLE" "NOT APPLICABLE" "NOT APPLICABLE"; done
	for name in ws wss; do ch6 "$name" "$v" FAIL PASS PASS; done
done
# TLS 1.2 as well as 1.3 (the listener above speaks only 1.2).
"$bin" run -q --only pingreq-pingresp,connack-accepts-valid-connect --broker "mqtts://localhost:$tls12" \
	--cafile "$c/ca.crt" >"$tmp/tls12.out" 2>&1 && ok tls-1.2 || { bad tls-1.2; head -5 "$tmp/tls12.out"; }
# Shared brokers: every client id and topic under the user's prefixes; the cases
# that need topics outside them are left out with --stay-in-prefix, nothing else changes.
outside=$(grep -rl '"outside_prefix"' cases/mqtt-* | wc -l)
if python3 - "$tmp/prefix.json" "$tmp/stay.json" "$tmp/tcp.json" "$outside" <<'PY'; then ok shared-broker-prefixes; else bad shared-broker-prefixes; fi
import json, re, sys
p, stay, tcp = (json.load(open(f)) for f in sys.argv[1:4])
want_out = int(sys.argv[4])
bad = []
left_out = {c['id'] for c in stay['cases'] if not c['selected']}
for c in p['cases']:
    if c['id'] in left_out:
        continue  # cases marked outside_prefix may use other topics
    for cl in c['clients']:
        if not cl['client_id'].startswith('Al1ce') and cl['client_id'] != '':
            bad.append('client id ' + cl['client_id'])
    for w in c['wire']:
        if w['dir'] != 'tx':
            continue
        for t in re.findall(r'(?:topic|filters)=\[?"([^"]*)"', w.get('text', '')):
            if t and not t.startswith('tenant/alice/') and not t.startswith('$tenant/alice/') and not t.startswith('+/alice/'):
                bad.append('topic ' + t)
changed = {c['id'] for c in stay['clauses']} and {
    a['id'] for a, b in zip(tcp['clauses'], stay['clauses'])
    if a['verdict'] != b['verdict'] and b['verdict'] != 'NOT SELECTED' and a['id'] != 'MQTT-3.1.2-24'}
if len(left_out) != want_out:
    bad.append('--stay-in-prefix left out %d cases, expected the %d marked outside_prefix' % (len(left_out), want_out))
if changed:
    bad.append('--stay-in-prefix changed ' + ' '.join(sorted(changed)))
for b in bad[:10]:
    print('   ', b)
sys.exit(1 if bad else 0)
PY

# 2. Set-up errors: exit 2, the message, and no clause FAIL printed.
setup_error() { # NAME PATTERN ARGS...
	name=$1 pat=$2
	shift 2
	"$bin" run -q "$@" >"$tmp/$name.out" 2>&1
	rc=$?
	if [ $rc = 2 ] && grep -q -- "$pat" "$tmp/$name.out" && ! grep -q ' FAIL ' "$tmp/$name.out"; then
		ok "$name"
	else
		bad "$name (exit $rc)"
		sed 's/^/    /' "$tmp/$name.out" | head -5
	fi
}
setup_error untrusted-certificate "is not trusted" --broker "mqtts://localhost:$tls"
setup_error wrong-host-name "the name in the URL is not in the certificate" --broker "mqtts://[::1]:$tls" --cafile "$c/ca.crt"
setup_error missing-client-certificate "certificate required" --broker "mqtts://127.0.0.1:$mtls" --cafile "$c/ca.crt"
MQTTSPEC_PASSWORD=wrong setup_error wrong-password "refused a plain CONNECT with return code 0x05" \
	--broker "mqtt://127.0.0.1:$pw" --username alice
setup_error no-credentials "it wants credentials" --broker "mqtt://127.0.0.1:$pw"
python3 -m http.server --bind 127.0.0.1 0 >"$tmp/http.out" 2>&1 &
pids="$pids $!"
i=0
while ! grep -q 'port' "$tmp/http.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
hport=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$tmp/http.out" | head -1)
setup_error ws-not-mqtt "instead of upgrading to WebSocket" --broker "ws://127.0.0.1:$hport/mqtt"

# 3. Chapter 6 checks can fail, each alone, in each version.
# The modes and their clauses are pinned in tests/transports/ws-bridge.txt
# (3.1.1) and tests/transports/5.0/ws-bridge.txt (5.0), found by ws_bridge_pins
# (scripts/pins.sh), as scripts/test-faults.sh finds them for its claim check.
# One bridge per mode serves a run of each version; the runs go at once (the
# frame-aligned ones wait out a window), then are judged. Each run takes the
# chapter-6 cases and the PINGREQ case of its version (MQTT-3.12.4-1), whose
# transport finding must be charged to chapter 6 too.
bridge_pins=$(ws_bridge_pins)
for m in $(for p in $bridge_pins; do ws_bridge_modes "$p"; done | sed 's/:.*//' | sort -u); do
	python3 tests/tools/ws_bridge.py --upstream "$tcp" --mode "$m" --port-file "$tmp/$m.port" >/dev/null 2>&1 &
	pids="$pids $!"
done
runs=""
for p in $bridge_pins; do
	v=$(pin_version "$p")
	for mode in $(ws_bridge_modes "$p"); do
		m=${mode%%:*}
		i=0
		while [ ! -s "$tmp/$m.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		{
			"$bin" run -q --protocol "$v" --only 6,MQTT-3.12.4-1 --json "$tmp/$m-$v.json" \
				--broker "ws://127.0.0.1:$(cat "$tmp/$m.port")/mqtt" >/dev/null 2>&1
			echo $? >"$tmp/$m-$v.rc"
		} &
		runs="$runs $!"
	done
done
wait $runs
for p in $bridge_pins; do
	v=$(pin_version "$p")
	for mode in $(ws_bridge_modes "$p"); do
		m=${mode%%:*} clause=${mode#*:}
		rc=$(cat "$tmp/$m-$v.rc")
		# Exactly the pinned clause of this version FAILs, nothing else of either version.
		if [ "$rc" = 1 ] && python3 - "$tmp/$m-$v.json" "$v:$clause" <<'PY'; then ok "ws-$m-$v-fails-$clause"; else bad "ws-$m-$v-fails-$clause (exit $rc)"; fi
import json, sys
d = json.load(open(sys.argv[1]))
got = {c.get('protocol', '3.1.1') + ':' + c['id'] for c in d['clauses'] if c['verdict'] == 'FAIL'}
if got != {sys.argv[2]}:
    print('    FAIL here: %s' % (' '.join(sorted(got)) or 'none'))
sys.exit(0 if got == {sys.argv[2]} else 1)
PY
	done
done

# 4. The password never shows.
if grep -r -l -a 'Pa55-w0rd-of-alice' "$tmp"/*.json "$tmp"/*.txt "$tmp"/*.out 2>/dev/null; then bad password-masked; else ok password-masked; fi
if grep -q '2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a' "$tmp/password.json"; then ok password-bytes-masked; else bad password-bytes-masked; fi

[ "$fails" = 0 ] || { echo "test-transports: $fails failed"; exit 1; }
echo "test-transports: all passed"
