"""make lint-jenkinsfile: npm-groovy-lint passes the Jenkinsfile and fails a broken copy."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JENKINSFILE = (ROOT / "Jenkinsfile").read_text()
CLEANUP = "steps { sh 'make ci-cleanup' }"
IMAGE_TAG = "env.ECOMOPS_IMAGE_TAG = env.IMAGE_TAG\n"


def lint(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    copy = tmp_path / "Jenkinsfile"
    copy.write_text(text)
    # Not the calling make's flags: this make's output is what the test reads.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    return subprocess.run(
        ["make", "-s", "lint-jenkinsfile", f"JENKINSFILE={copy}"],
        cwd=ROOT, capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip


def test_a_copy_of_the_jenkinsfile_passes(tmp_path: Path) -> None:
    done = lint(tmp_path, JENKINSFILE)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("edit", "finding"),
    [
        pytest.param((CLEANUP, CLEANUP[:-2]), "NglParseError", id="unclosed-brace"),
        pytest.param(
            (IMAGE_TAG, f"{IMAGE_TAG}                    def tag = env.IMAGE_TAG\n"),
            "UnusedVariable",
            id="unused-variable",
        ),
    ],
)
def test_a_broken_copy_fails_naming_the_rule(
    tmp_path: Path, edit: tuple[str, str], finding: str
) -> None:
    old, new = edit
    assert JENKINSFILE.count(old) == 1
    done = lint(tmp_path, JENKINSFILE.replace(old, new))
    assert done.returncode != 0
    assert finding in done.stdout
