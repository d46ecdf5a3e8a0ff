#!/usr/bin/env bash
# Creates .venv with the pinned toolchain (requirements.txt) and .venv-checkov.
# A stamp is written only after a complete install, so an interrupted or
# failed run is simply finished by the next one.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
install() { # venv requirements-file inputs...
  local venv=$1 req=$2 stamp="$1/.installed" sum
  shift
  sum=$(cat "$@" | sha256sum | cut -c1-16)
  [[ -f "$stamp" && $(cat "$stamp") == "$sum" ]] && { echo "setup-venv: $venv is up to date"; return; }
  [[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
  echo "setup-venv: installing $req into $venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --upgrade pip >/dev/null
  if ! "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"; then
    echo "setup-venv: pip could not install $req (is PyPI reachable?); run 'make setup' again once it is" >&2
    exit 1
  fi
  echo "$sum" > "$stamp"
}
install .venv requirements.txt requirements/tools.txt app/backend/requirements*.txt ecomops/pyproject.toml lab/pyproject.toml bench/pyproject.toml
install .venv-checkov requirements/checkov.txt
