"""scripts/check_terraform_variables.py: every declared module variable is referenced."""

from __future__ import annotations

from pathlib import Path

SCRIPT = "check_terraform_variables.py"
ROOT = Path(__file__).resolve().parents[2]


def test_the_projects_modules_use_every_variable(checker) -> None:
    done = checker(ROOT / "terraform")
    assert done.returncode == 0, done.stderr


def test_each_unused_variable_is_named(tmp_path: Path, checker) -> None:
    module = tmp_path / "modules" / "demo"
    module.mkdir(parents=True)
    (module / "variables.tf").write_text(
        'variable "used" {\n  type = string\n}\n\n'
        'variable "app_port" {\n'
        "  type = number\n"
        "  validation {\n"
        "    condition     = var.app_port > 0 && var.app_port < 65536\n"
        '    error_message = "app_port must be a TCP port."\n'
        "  }\n"
        "}\n\n"
        'variable "commented" {\n  type = string\n}\n\n'
        'variable "checked_by_another" {\n  type = list(string)\n}\n\n'
        'variable "names" {\n'
        "  type = list(string)\n"
        "  validation {\n"
        "    condition     = length(var.names) == length(var.checked_by_another)\n"
        '    error_message = "One name per item."\n'
        "  }\n"
        "}\n"
    )
    (module / "main.tf").write_text(
        "# var.commented was the old name of the tag.\n"
        'locals {\n  tags = { Name = "${var.used}-x", Count = length(var.names) }\n}\n'
    )
    done = checker(tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"{module}: variable app_port is declared but never used",
        f"{module}: variable commented is declared but never used",
    ]
