"""Shared helpers: the repository, the fixtures, running the real `ecomops` CLI."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
ECOMOPS = Path(sys.executable).parent / "ecomops"


@pytest.fixture
def outputs() -> dict[str, Any]:
    """A saved `terraform output -json` document (two AZs, ALB, RDS with a given password:
    db_manage_master_user_password = false, so no secret ARN)."""
    return json.loads((FIXTURES / "terraform-output.json").read_text())


@pytest.fixture
def contract_doc(outputs: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(outputs["inventory"]["value"])


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """The installed `ecomops` entry point, run from the repository like people run it."""
    return subprocess.run(
        [str(ECOMOPS), *map(str, args)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
