"""An inventory as Ansible itself reads it (`ansible-inventory --list`), so that the
generated hosts.yml, a hand-written one and a dynamic plugin (inventories/aws_ec2)
answer `--limit`, `status` and `history` alike."""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecomops.errors import EcomopsError, ExitCode
from ecomops.secrets import split_secrets

# A plugin that queries an API (aws_ec2) takes a few seconds; a hung one must not hang us.
TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Inventory:
    path: Path
    # Each group's hosts, its children's included, in the inventory's order.
    groups: dict[str, list[str]]
    hostvars: dict[str, dict[str, Any]]

    @classmethod
    def read(cls, project_dir: Path, path: Path, limit: str | None = None) -> Inventory:
        """Ask Ansible for the inventory at `path` (only the hosts `limit` selects)."""
        if not path.exists():
            raise EcomopsError(
                f"no inventory at {path}: build an environment's with "
                "`ecomops inventory --env NAME --from terraform` (or --from aws / --from file), "
                "then pass --env NAME"
            )
        command = [str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(path)]
        command += ["--list", *(["--limit", limit] if limit else [])]
        environ, _ = split_secrets(os.environ)
        env = {
            **environ,
            "ANSIBLE_CONFIG": str(project_dir / "ansible.cfg"),
            # An unreadable source is an error, not an empty inventory and a warning.
            "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true",
            "ANSIBLE_NOCOLOR": "1",
        }
        try:
            done = subprocess.run(
                command, cwd=project_dir, env=env, capture_output=True, text=True,
                timeout=TIMEOUT_SECONDS, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise EcomopsError(
                f"ansible-inventory did not answer for {path} in {TIMEOUT_SECONDS} s",
                ExitCode.TOOL_FAILED,
            ) from None
        if done.returncode != 0:
            raise EcomopsError(f"{path} is not a readable inventory:\n{done.stderr.strip()}")
        return cls.parse(path, json.loads(done.stdout))

    @classmethod
    def parse(cls, path: Path, listed: dict[str, Any]) -> Inventory:
        """From `ansible-inventory --list`'s JSON: groups name hosts and children."""

        def members(group: str) -> list[str]:
            entry = listed.get(group) or {}
            found = list(entry.get("hosts") or [])
            for child in entry.get("children") or []:
                found += [host for host in members(child) if host not in found]
            return found

        names = {"all", *(key for key in listed if key != "_meta")}
        hostvars = _plain((listed.get("_meta") or {}).get("hostvars") or {})
        return cls(path, {group: members(group) for group in names}, hostvars)

    def hosts(self, group: str) -> list[str]:
        return self.groups.get(group, [])

    def vars_of(self, host: str) -> dict[str, Any]:
        return self.hostvars.get(host) or {}

    def common_vars(self) -> dict[str, Any]:
        """The variables every host has (all.vars and the like), from the first host."""
        first = next(iter(self.hosts("all")), None)
        return self.vars_of(first) if first else {}

    def check_limit(self, limit: str) -> None:
        """Every name in --limit is a host or group of the inventory; patterns match one."""
        hosts, groups = set(self.hosts("all")), set(self.groups)
        known = hosts | groups
        for part in limit.replace(":", ",").split(","):
            name = part.strip().lstrip("!&")
            if not name or name.startswith(("~", "@")):
                continue
            if any(ch in name for ch in "*?[") and fnmatch.filter(known, name):
                continue
            if name not in known:
                raise EcomopsError(
                    f"--limit: no host or group named {name!r} in {self.path}\n"
                    f"  hosts: {', '.join(sorted(hosts)) or '(none)'}\n"
                    f"  groups: {', '.join(sorted(groups))}"
                )


def _plain(value: Any) -> Any:
    """Values from inventory plugins are listed as {"__ansible_unsafe": value}: the value."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
