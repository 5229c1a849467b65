#!/bin/sh
# Install what mqttspec needs to build and test, on Debian/Ubuntu.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -eu
pkgs="gcc make pkg-config libcjson-dev libssl-dev check mosquitto openssl python3 python3-jsonschema libxml2-utils"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: everything is installed"
	exit 0
fi
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing
else
	echo "deps: missing packages:$missing" >&2
	echo "deps: run:  sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
