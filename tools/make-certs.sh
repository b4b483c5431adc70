#!/usr/bin/env bash
# A certificate recipe for the gate network's TLS listener (openssl only).
#
#   tools/make-certs.sh DIR [HOST]
#
# makes in DIR: ca.key / ca.crt (a site CA, 10 years), server.key / server.crt (the
# broker, signed by the CA, for HOST (default: localhost) and 127.0.0.1) and client.key /
# client.crt (a device certificate for mutual TLS). Give devices ca.crt to verify the
# broker; give the broker folder the CA and its own pair:
#   conf/mosquitto/make_broker_files.py SITE DIR --tls-port 8883 --certs DIR
# Keys are written mode 0600. Existing files are kept: delete them to make new ones.
set -euo pipefail
dir=${1:?usage: tools/make-certs.sh DIR [HOST]}
host=${2:-localhost}
mkdir -p "$dir"
cd "$dir"
umask 077
if [ ! -f ca.key ]; then
  openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 3650 \
    -subj "/O=ftz-twin/CN=ftz-twin site CA" -keyout ca.key -out ca.crt 2>/dev/null
fi
make_pair() {  # name, subject CN, extensions
  [ -f "$1.key" ] && return 0
  openssl req -newkey rsa:2048 -sha256 -nodes -subj "/O=ftz-twin/CN=$2" \
    -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
    -sha256 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
make_pair server "$host" "subjectAltName=DNS:$host,DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
make_pair client "ftz-device" "extendedKeyUsage=clientAuth"
chmod 0644 ca.crt server.crt client.crt
echo "certificates in $PWD: ca.crt server.crt server.key client.crt client.key"
