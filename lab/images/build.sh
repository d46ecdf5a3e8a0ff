#!/usr/bin/env bash
# Builds the lab images without any registry: a Debian trixie root made with
# debootstrap and `docker import`, then small Dockerfiles on top of it.
# Every image carries the hash of its recipe in a label; an image whose label
# matches the current recipe is never rebuilt.
#
# Usage: lab/images/build.sh [IMAGE...]   (default: every image)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
prefix=${ECOMOPS_IMAGE_PREFIX:-ecomops}
suite=trixie
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
host_ca=/etc/ssl/certs/ca-certificates.crt
label=org.ecomops.recipe

die() { echo "build-images: $*" >&2; exit 1; }
say() { echo "build-images: $*"; }

recipe_hash() { # files... -> sha256 of their names and contents
  local f
  for f in "$@"; do printf '%s\n' "${f#"$here"/}"; cat "$f"; done | sha256sum | cut -c1-16
}

current_hash() { # image -> recipe label, empty when absent
  docker image inspect -f "{{ index .Config.Labels \"$label\" }}" "$1" 2>/dev/null || true
}

build_root() {
  local image="$prefix/$suite-minbase" hash
  hash=$( (echo "$suite"; recipe_hash "$here/minbase.packages" "$host_ca") | sha256sum | cut -c1-16)
  if [[ $(current_hash "$image") == "$hash" ]]; then
    say "$image is up to date" >&2; echo "$hash"; return
  fi
  command -v debootstrap >/dev/null || die "debootstrap is missing: run 'make setup'"
  [[ $EUID -eq 0 ]] || die "building $image needs root (debootstrap): run 'sudo make setup'"
  local root packages
  root=$(mktemp -d /var/tmp/ecomops-rootfs.XXXXXX)
  # A half-made root must never survive a failure or an interrupt.
  trap 'rm -rf "$root"' EXIT
  packages=$(grep -v '^#' "$here/minbase.packages" | paste -sd, -)
  say "debootstrap $suite into $root (about 40 s)" >&2
  debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" \
    > "$root.log" 2>&1 || die "debootstrap failed (is $mirror reachable?): see $root.log"
  rm -f "$root.log"
  # TLS from inside the lab goes through the host's proxy: trust what the host trusts.
  install -m 0644 "$host_ca" "$root/usr/local/share/ca-certificates/ecomops-host-bundle.crt"
  chroot "$root" update-ca-certificates >/dev/null 2>&1
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import \
    -c "LABEL $label=$hash" \
    -c 'ENV LANG=C.UTF-8 PIP_CERT=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt' \
    -c 'CMD ["/bin/bash"]' - "$image:latest" >/dev/null
  rm -rf "$root"; trap - EXIT
  say "built $image" >&2
  echo "$hash"
}

# An image derives from the debootstrap root unless its folder names another
# lab image in a file called `parent`; its hash covers its parent's.
declare -A hash_of=() parent_of=() children=()
plan() { # name root_hash: the image's recipe hash, and its place under its parent
  local name=$1 parent_name=$suite-minbase parent_hash=$2
  [[ -n ${hash_of[$name]:-} ]] && return
  if [[ -f "$here/$name/parent" ]]; then
    parent_name=$(<"$here/$name/parent")
    plan "$parent_name" "$2"
    parent_hash=${hash_of[$parent_name]}
  fi
  hash_of[$name]=$(printf '%s\n' "$parent_hash" "$(recipe_hash "$here/$name"/*)" | sha256sum | cut -c1-16)
  parent_of[$name]=$parent_name
  children[$parent_name]+=" $name"
}

build_derived() { # name
  local name=$1 image="$prefix/$1" hash=${hash_of[$1]} log
  if [[ $(current_hash "$image") == "$hash" ]]; then say "$image is up to date"; return; fi
  say "building $image"
  log=$(mktemp)
  docker build -q --label "$label=$hash" --build-arg "BASE_IMAGE=$prefix/${parent_of[$name]}:latest" \
    -t "$image:latest" "$here/$name" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; die "docker build of $image failed"; }
  rm -f "$log"
  say "built $image"
}

# An image waits for its parent only: most of a build is apt waiting on the
# mirror, so every image whose parent is ready builds side by side.
build_tree() { # parent: build its children, each then its own, in parallel
  local name pid pids=() failed=0
  for name in ${children[$1]:-}; do
    { build_derived "$name"; build_tree "$name"; } & pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return $failed
}

docker info >/dev/null 2>&1 || die "no Docker engine answers: run 'make setup'"
known=$(cd "$here" && ls -d -- */Dockerfile | cut -d/ -f1 | paste -sd' ')
wanted=("$@"); [[ ${#wanted[@]} -gt 0 ]] || read -ra wanted <<<"$known"
root_hash=$(build_root | tail -n1)
for name in "${wanted[@]}"; do
  [[ -f "$here/$name/Dockerfile" ]] || die "unknown image '$name' (known: $known)"
  plan "$name" "$root_hash"
done
build_tree "$suite-minbase"
