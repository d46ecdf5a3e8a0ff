"""scripts/check_role_variables.py: defaults and argument specs name the same variables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "check_role_variables.py"


def role(root: Path, defaults: str, options: str) -> None:
    (root / "demo" / "defaults").mkdir(parents=True)
    (root / "demo" / "meta").mkdir()
    (root / "demo" / "defaults" / "main.yml").write_text(defaults)
    (root / "demo" / "meta" / "argument_specs.yml").write_text(
        f"argument_specs:\n  main:\n    options:\n{options}"
    )


def check(roles: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, SCRIPT, roles], capture_output=True, text=True, check=False
    )


def test_the_projects_roles_agree() -> None:
    done = check(SCRIPT.parents[1] / "roles")
    assert done.returncode == 0, done.stderr


def test_each_difference_is_named(tmp_path: Path) -> None:
    role(tmp_path, "demo_port: 80\ndemo_user: web\n",
         "      demo_port: {type: int}\n      demo_group: {type: str}\n")  # fmt: skip
    done = check(tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "demo: demo_user has a default but no argument spec",
        "demo: demo_group has an argument spec but no default",
    ]
