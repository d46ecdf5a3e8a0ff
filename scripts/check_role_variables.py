#!/usr/bin/env python3
"""Each role's `defaults/main.yml` and `meta/argument_specs.yml` name the same variables.

A default missing from the specs is never validated; a spec missing from the
defaults is undocumented where role authors look first. Exits 1 and names each
difference.

    scripts/check_role_variables.py [ROLES_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def differences(role: Path) -> list[str]:
    defaults_file = role / "defaults" / "main.yml"
    specs_file = role / "meta" / "argument_specs.yml"
    defaults = set(
        (yaml.safe_load(defaults_file.read_text()) or {}) if defaults_file.is_file() else {}
    )
    specs = yaml.safe_load(specs_file.read_text()) if specs_file.is_file() else {}
    options: set[str] = set()
    for entry in (specs or {}).get("argument_specs", {}).values():
        options |= set(entry.get("options") or {})
    return [
        *(
            f"{role.name}: {name} has a default but no argument spec"
            for name in sorted(defaults - options)
        ),
        *(
            f"{role.name}: {name} has an argument spec but no default"
            for name in sorted(options - defaults)
        ),
    ]


def main(argv: list[str]) -> int:
    roles = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "roles"
    found = [
        line
        for role in sorted(p for p in roles.iterdir() if p.is_dir())
        for line in differences(role)
    ]
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
