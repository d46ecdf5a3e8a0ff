"""scripts/check_role_variables.py: defaults and argument specs name the same variables."""

from __future__ import annotations

from pathlib import Path

SCRIPT = "check_role_variables.py"
ROOT = Path(__file__).resolve().parents[2]


def role(root: Path, defaults: str, options: str) -> None:
    (root / "demo" / "defaults").mkdir(parents=True)
    (root / "demo" / "meta").mkdir()
    (root / "demo" / "defaults" / "main.yml").write_text(defaults)
    (root / "demo" / "meta" / "argument_specs.yml").write_text(
        f"argument_specs:\n  main:\n    options:\n{options}"
    )


def test_the_projects_roles_agree(checker) -> None:
    done = checker(ROOT / "roles")
    assert done.returncode == 0, done.stderr


def test_each_difference_is_named(tmp_path: Path, checker) -> None:
    role(tmp_path, "demo_port: 80\ndemo_user: web\n",
         "      demo_port: {type: int}\n      demo_group: {type: str}\n")  # fmt: skip
    done = checker(tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "demo: demo_user has a default but no argument spec",
        "demo: demo_group has an argument spec but no default",
    ]
