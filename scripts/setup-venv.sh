#!/usr/bin/env bash
# Creates .venv with the pinned toolchain (requirements.txt) and .venv-checkov.
# uv installs them (pinned in requirements/uv.txt, bootstrapped with pip into
# .cache/uv): it resolves and unpacks in parallel, a fresh .venv takes seconds
# where pip took minutes. A stamp is written only after a complete install, so
# an interrupted or failed run is simply finished by the next one.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
uv_venv=.cache/uv
uv=$uv_venv/bin/uv
# uv does not read pip's configuration: the TLS-inspecting proxies pip is told
# about in pip.conf are told to uv through the bundle the system trusts.
export SSL_CERT_FILE=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}

fail() { echo "setup-venv: $* (is PyPI reachable?); run 'make setup' again once it is" >&2; exit 1; }

stamp_of() { cat "$@" | sha256sum | cut -c1-16; }
current() { [[ -f "$1" && $(cat "$1") == "$2" ]]; } # stamp sum: installed from these inputs

bootstrap_uv() {
  local stamp="$uv_venv/.installed" sum
  sum=$(stamp_of requirements/uv.txt)
  current "$stamp" "$sum" && return
  [[ -x "$uv_venv/bin/python" ]] || "$python" -m venv "$uv_venv"
  "$uv_venv/bin/pip" install -q --disable-pip-version-check -r requirements/uv.txt || fail "pip could not install uv"
  echo "$sum" > "$stamp"
}

install() { # venv requirements-file inputs...
  local venv=$1 req=$2 stamp="$1/.installed" sum
  shift
  sum=$(stamp_of "$@")
  current "$stamp" "$sum" && { echo "setup-venv: $venv is up to date"; return; }
  bootstrap_uv
  # --seed: pip stays in the venv for those who reach for it.
  [[ -x "$venv/bin/python" ]] || "$uv" venv -q --seed --python "$python" "$venv"
  echo "setup-venv: installing $req into $venv"
  VIRTUAL_ENV=$venv "$uv" pip install -q -r "$req" || fail "uv could not install $req"
  echo "$sum" > "$stamp"
}
install .venv requirements.txt requirements/tools.txt app/backend/requirements*.txt ecomops/pyproject.toml lab/pyproject.toml bench/pyproject.toml
install .venv-checkov requirements/checkov.txt
