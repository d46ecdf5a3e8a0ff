#!/usr/bin/env bash
# Installs the Debian packages the control node needs, only when some are
# missing, so that a second `make setup` does not touch apt at all.
set -euo pipefail

packages=(
  docker.io          # the engine behind the lab, Molecule and image builds
  debootstrap        # lab base image without any registry
  openssh-client     # ProxyJump to the lab and to AWS
  chromium           # real-browser end-to-end tests (Playwright drives it)
  curl               # the README's and `lab up`'s checks of the running shop
  wrk                # load generator for bench/
  default-jre-headless  # Java for CodeNarc, the Jenkinsfile's linter (make lint-jenkinsfile)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && { echo "setup-packages: all ${#packages[@]} Debian packages present"; exit 0; }

if [[ $EUID -ne 0 ]]; then
  echo "setup-packages: missing ${missing[*]}; run 'sudo make setup' (apt needs root)" >&2
  exit 1
fi
echo "setup-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! apt-get update -qq >"$log" 2>&1 || ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
  tail -n 5 "$log" >&2
  echo "setup-packages: apt-get failed (is the Debian archive reachable?); nothing was changed that a re-run cannot finish: fix the cause and run 'make setup' again" >&2
  exit 1
fi
rm -f "$log"
