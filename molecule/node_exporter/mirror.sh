#!/bin/bash
# Runs inside the mirror container: packs Debian's node_exporter binary the way
# upstream releases are packed, adds a tampered copy next to the genuine
# checksum list, and serves both over HTTP.
set -euo pipefail
version=1.9.0
name=node_exporter-$version.linux-amd64
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-node-exporter >/dev/null
work=$(mktemp -d)
mkdir -p "$work/$name" /srv/release /srv/tampered
cp /usr/bin/prometheus-node-exporter "$work/$name/node_exporter"
cp /usr/share/doc/prometheus-node-exporter/copyright "$work/$name/LICENSE"
tar -C "$work" -czf "/srv/release/$name.tar.gz" "$name"
(cd /srv/release && sha256sum "$name.tar.gz" > sha256sums.txt)
cp /srv/release/sha256sums.txt /srv/tampered/
{ cat "/srv/release/$name.tar.gz"; echo tampered; } > "/srv/tampered/$name.tar.gz"
exec python3 -m http.server --directory /srv 8080
