"""Shared helpers of the Terraform suite: paths, the terraform runner, init."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TF_DIR = ROOT / "terraform"
REPORTS = ROOT / "reports" / "terraform"
# The Makefile exports the project's CLI config (provider mirror); run by hand,
# the suite falls back to it when the inherited one does not exist.
_inherited = Path(os.environ.get("TF_CLI_CONFIG_FILE", "/nonexistent"))
TF_CLI_CONFIG = _inherited if _inherited.is_file() else ROOT / ".cache" / "terraform.rc"


def terraform_env(**extra: str) -> dict[str, str]:
    """Environment for every terraform call: provider mirror, no prompts, no update check."""
    return {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(TF_CLI_CONFIG),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        **extra,
    }


def terraform(
    *args: str, cwd: Path = TF_DIR, env: dict[str, str] | None = None, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["terraform", *args],
        cwd=cwd,
        env=env or terraform_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def explain(result: subprocess.CompletedProcess[str]) -> str:
    """The tail of a failed command's output, for assertion messages."""
    return f"exit {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"


@pytest.fixture(scope="session")
def reports() -> Path:
    REPORTS.mkdir(parents=True, exist_ok=True)
    return REPORTS


@pytest.fixture(scope="session")
def initialized() -> Path:
    """terraform/ initialised offline (the provider comes from the mirror, no backend)."""
    if not TF_CLI_CONFIG.is_file():
        pytest.fail(f"{TF_CLI_CONFIG} is missing: run `make terraform-rc` first")
    result = terraform("init", "-backend=false", "-input=false", "-no-color")
    assert result.returncode == 0, explain(result)
    return TF_DIR


@dataclass
class UnitRun:
    """`terraform test` started in the background: it needs CPU while the moto
    apply mostly waits, so the two overlap."""

    process: subprocess.Popen[bytes]
    junit: Path
    log: Path


@pytest.fixture(scope="session", autouse=True)
def unit_run(
    request: pytest.FixtureRequest, initialized: Path, reports: Path
) -> Iterator[UnitRun | None]:
    if not any(item.name.startswith("test_unit[") for item in request.session.items):
        yield None
        return
    junit, log = reports / "unit.xml", reports / "unit.log"
    junit.unlink(missing_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["terraform", "test", f"-junit-xml={junit}", "-no-color"],
            cwd=TF_DIR,
            env=terraform_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield UnitRun(process, junit, log)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
