"""Check 8: the lab's secrets appear nowhere but in root-only files on the hosts.

The lab's secrets are random 48-hex-digit markers made for this lab, so any
occurrence is a leak: on the hosts' file systems and command lines, and on the
control node in reports, inventory, caches and the deploy's own output.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
from ecomops.secrets import REQUIRED_SECRETS
from ecomops_lab.probe import REPO, LabView

pytestmark = pytest.mark.e2e

# Prints each file holding a marker (patterns on stdin) and who can read it:
# root only, a daemon through its own system group, a group with members, or anyone.
FIND_ON_HOST = r"""
set -eu
patterns=$(mktemp); cat > "$patterns"
grep -rlF -f "$patterns" / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev \
  2>/dev/null | grep -vxF "$patterns" | while read -r f; do
  who=root-only
  if runuser -u nobody -- test -r "$f"; then who=world-readable
  else
    perm=$(stat -c %A "$f")
    group=$(stat -c %G "$f")
    if [ "$group" != root ] && [ "${perm:4:1}" = r ]; then
      # A service's own group (system gid, no members) is how a daemon reads its secret.
      entry=$(getent group "$group")
      if [ "$(echo "$entry" | cut -d: -f3)" -lt 1000 ] && [ -z "$(echo "$entry" | cut -d: -f4)" ]
      then who="service-$group"; else who="group-$group"; fi
    fi
  fi
  echo "$who $f"
done
cmdlines=$(cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' ' | grep -cF -f "$patterns" || true)
echo "cmdlines $cmdlines"
rm -f "$patterns"
"""


@pytest.fixture(scope="module")
def markers(view: LabView) -> list[str]:
    values = [view.env[var] for var in REQUIRED_SECRETS]
    assert all(len(v) >= 32 for v in values)
    return values


@pytest.mark.parametrize("role", ["app_servers", "monitoring", "bastions"])
def test_secrets_are_only_in_root_only_files_on_the_hosts(
    view: LabView, markers: list[str], role: str
) -> None:
    section = view.outputs[role]
    hosts = [section["name"]] if isinstance(section, dict) else [h["name"] for h in section]
    command = f"sudo bash -c {shlex.quote(FIND_ON_HOST)}"
    for host in hosts:
        run = subprocess.run(
            ["ssh", "-F", str(view.lab.ssh_config), host, command],
            input="\n".join(markers) + "\n", text=True, capture_output=True, timeout=600,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        lines = run.stdout.splitlines()
        assert lines[-1] == "cmdlines 0", f"{host}: a secret is on a command line"
        exposed = [line for line in lines[:-1] if not line.startswith(("root-only ", "service-"))]
        assert exposed == [], f"{host}: secrets readable by non-root users: {exposed}"


def test_secrets_are_nowhere_on_the_control_node_but_the_labs_env_file(
    view: LabView, markers: list[str]
) -> None:
    places = [REPO / "reports", REPO / "inventories", REPO / ".cache", REPO / ".lab"]
    hits = []
    for root in places:
        for path in (p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
            if path == view.lab.env:
                continue
            data = path.read_bytes()
            hits += [str(path) for m in markers if m.encode() in data]
    assert hits == []
    assert Path(view.lab.env).stat().st_mode & 0o077 == 0
