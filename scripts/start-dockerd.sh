#!/usr/bin/env bash
# Makes sure a Docker engine answers. On hosts without systemd (CI, this lab
# machine) it starts dockerd in the background, logging to .cache/dockerd.log.
set -euo pipefail

log=${DOCKERD_LOG:-$(cd "$(dirname "$0")/.." && pwd)/.cache/dockerd.log}
timeout=${DOCKERD_TIMEOUT:-60}

docker info >/dev/null 2>&1 && { echo "start-dockerd: a Docker engine answers"; exit 0; }

command -v dockerd >/dev/null || { echo "start-dockerd: dockerd is not installed: run 'make setup'" >&2; exit 1; }
[[ $EUID -eq 0 ]] || { echo "start-dockerd: no Docker engine answers and starting one needs root: run 'sudo make setup' or start Docker yourself" >&2; exit 1; }

if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
  systemctl start docker
else
  # A stale pid file from a killed engine stops the next one from starting.
  if [[ -f /var/run/docker.pid ]] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  mkdir -p "$(dirname "$log")"
  echo "start-dockerd: starting dockerd in the background (log: $log)"
  nohup setsid dockerd >>"$log" 2>&1 </dev/null &
fi

for ((i = 0; i < timeout; i++)); do
  docker info >/dev/null 2>&1 && { echo "start-dockerd: engine up after ${i}s"; exit 0; }
  sleep 1
done
tail -n 5 "$log" >&2 || true
echo "start-dockerd: the Docker engine did not answer within ${timeout}s: see $log" >&2
exit 1
