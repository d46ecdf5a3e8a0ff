"""What the tests of scripts/ share."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1]

Checker = Callable[[Path], "subprocess.CompletedProcess[str]"]


@pytest.fixture
def checker(request: pytest.FixtureRequest) -> Checker:
    """Run the script the test module names in SCRIPT on a tree, as make lint does."""
    script = SCRIPTS / request.module.SCRIPT

    def check(tree: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, script, tree], capture_output=True, text=True, check=False
        )

    return check
