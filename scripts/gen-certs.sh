#!/bin/sh
# Test-time TLS material, made with the openssl command into DIR:
#   ca.crt/key         the test CA
#   server.crt/key     CN localhost, SAN localhost and 127.0.0.1 (not ::1: for the wrong-name test)
#   client.crt/key     a client certificate from the test CA, for mutual TLS
set -eu
dir=${1:?usage: gen-certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
q() { "$@" >/dev/null 2>&1 || { echo "gen-certs: failed: $*" >&2; exit 1; }; }
q openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mqttspec test CA" -keyout ca.key -out ca.crt
q openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
q openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.crt
q openssl req -newkey rsa:2048 -nodes -subj "/CN=mqttspec client" -keyout client.key -out client.csr
printf 'extendedKeyUsage=clientAuth\n' >client.ext
q openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext -out client.crt
chmod 644 ./*.key
