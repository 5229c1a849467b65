#!/bin/sh
# Start a private mosquitto on a free loopback port, in the background.
#   scripts/start-broker.sh DIR   -> writes DIR/mosquitto.conf, DIR/port, DIR/pid, DIR/log
# Stop it with scripts/stop-broker.sh DIR. Exits non-zero if it cannot start.
# MQTTSPEC_BROKER_ANONYMOUS=false makes it refuse every CONNECT (CONNACK 5).
# MQTTSPEC_BROKER_CONF_EXTRA=FILE appends FILE's lines to the configuration,
# after the listener (so listener options such as max_qos apply to it):
# scripts/test-variants.sh runs the suite in other configurations that way.
set -eu
dir=${1:?usage: start-broker.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bin=$(command -v mosquitto 2>/dev/null || true)
[ -n "$bin" ] || for p in /usr/sbin/mosquitto /usr/local/sbin/mosquitto; do [ -x "$p" ] && bin=$p && break; done
if [ -z "$bin" ]; then
	echo "start-broker: mosquitto is not installed (run scripts/deps.sh)" >&2
	exit 1
fi
# A free port: ask the kernel for one, then hand it to mosquitto. Retry if another process races us.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
		awk 'BEGIN{srand(); print 20000+int(rand()*30000)}'
}
for attempt in 1 2 3 4 5; do
	port=$(free_port)
	cat >"$dir/mosquitto.conf" <<CONF
# Written by scripts/start-broker.sh for one test run.
listener $port 127.0.0.1
allow_anonymous ${MQTTSPEC_BROKER_ANONYMOUS:-true}
persistence false
log_dest file $dir/log
log_type error
log_type warning
log_type notice
CONF
	# Started as root, mosquitto would switch to the mosquitto user.
	if [ "$(id -u)" = 0 ]; then echo "user root" >>"$dir/mosquitto.conf"; fi
	if [ -n "${MQTTSPEC_BROKER_CONF_EXTRA:-}" ]; then
		cat "$MQTTSPEC_BROKER_CONF_EXTRA" >>"$dir/mosquitto.conf"
	fi
	: >"$dir/log"
	"$bin" -c "$dir/mosquitto.conf" >"$dir/stdout" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 50 ]; do
		if ! kill -0 "$pid" 2>/dev/null; then break; fi
		if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null || \
		   bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
			echo "$port" >"$dir/port"
			echo "$pid" >"$dir/pid"
			echo "$port"
			exit 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	kill "$pid" 2>/dev/null || true
done
echo "start-broker: mosquitto did not start; see $dir/log and $dir/stdout" >&2
cat "$dir/stdout" >&2 || true
exit 1
