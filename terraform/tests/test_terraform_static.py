"""Offline checks of terraform/: formatting, validity, the mocked unit tests, checkov."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, TF_DIR, UnitRun, explain, terraform

UNIT_TEST_FILES = sorted((TF_DIR / "tests").glob("*.tftest.hcl"))
UNIT_RUNS = [
    (path.name, name)
    for path in UNIT_TEST_FILES
    for name in re.findall(r'^run "([^"]+)"', path.read_text(), flags=re.MULTILINE)
]
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


def test_code_is_formatted(initialized: Path) -> None:
    result = terraform("fmt", "-check", "-recursive", "-diff", "-no-color")
    assert result.returncode == 0, f"run `terraform fmt -recursive terraform`\n{explain(result)}"


def test_configuration_is_valid(initialized: Path) -> None:
    result = terraform("validate", "-json", "-no-color")
    report = json.loads(result.stdout)
    assert report["valid"], json.dumps(report["diagnostics"], indent=2)
    assert report["warning_count"] == 0, json.dumps(report["diagnostics"], indent=2)


@pytest.fixture(scope="session")
def unit_results(unit_run: UnitRun | None) -> dict[tuple[str, str], str | None]:
    """Maps each (file, run) of `terraform test` to None (passed) or what went wrong."""
    assert unit_run is not None
    returncode = unit_run.process.wait(timeout=900)
    log = unit_run.log.read_text()
    assert unit_run.junit.is_file(), f"exit {returncode}\n{log[-4000:]}"
    bad = {"failure", "error", "skipped"}
    outcomes: dict[tuple[str, str], str | None] = {}
    for case in ET.parse(unit_run.junit).getroot().iter("testcase"):  # noqa: S314 - our own file
        problem = next((child for child in case if child.tag in bad), None)
        text = None if problem is None else f"{problem.tag}: {problem.get('message')}"
        outcomes[(Path(case.get("classname", "")).name, case.get("name", ""))] = text
    if returncode != 0 and all(text is None for text in outcomes.values()):
        pytest.fail(f"terraform test exited {returncode}:\n{log[-4000:]}")
    return outcomes


def test_every_unit_test_file_has_runs() -> None:
    assert UNIT_TEST_FILES, "no terraform/tests/*.tftest.hcl found"
    for path in UNIT_TEST_FILES:
        assert any(name == path.name for name, _ in UNIT_RUNS), f"{path.name} has no run block"


@pytest.mark.parametrize(("test_file", "run"), UNIT_RUNS, ids=[f"{f}::{r}" for f, r in UNIT_RUNS])
def test_unit(unit_results: dict[tuple[str, str], str | None], test_file: str, run: str) -> None:
    assert (test_file, run) in unit_results, f"terraform test did not report {test_file}::{run}"
    assert unit_results[(test_file, run)] is None, unit_results[(test_file, run)]


def test_moto_overrides_only_ignore_changes() -> None:
    # The integration test lays these files over the configuration; they may
    # only widen ignore_changes, never change what gets created.
    only_ignore_changes = re.compile(
        r'(resource"\w+""\w+"\{lifecycle\{ignore_changes=\[\w+(,\w+)*\]\}\})+'
    )
    overrides = sorted((TF_DIR / "tests" / "moto").rglob("*.tf"))
    assert overrides
    for path in overrides:
        assert path.name.endswith("_override.tf"), path
        assert (TF_DIR / path.relative_to(TF_DIR / "tests" / "moto")).parent.is_dir(), path
        code = re.sub(r"\s+", "", path.read_text())
        assert only_ignore_changes.fullmatch(code), f"{path} does more than ignore_changes"


def test_checkov_has_no_unexplained_finding(reports: Path) -> None:
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: run `make venv`")
    command = [CHECKOV, "--directory", "terraform", "--framework", "terraform"]
    # Offline; the test overrides are fragments, not a configuration.
    command += ["--skip-download", "--skip-path", "terraform/tests", "--output", "json"]
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    (reports / "checkov.json").write_text(result.stdout)
    report = json.loads(result.stdout)
    summary = report["summary"]
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']}:{c['file_line_range'][0]}): "
        f"{c['check_name']}"
        for c in report["results"]["failed_checks"]
    ]
    assert summary["parsing_errors"] == 0, result.stderr[-2000:]
    assert summary["passed"] > 100, "checkov checked suspiciously little"
    assert not failed, "fix these or skip them inline with a reason:\n" + "\n".join(failed)
    for skipped in report["results"]["skipped_checks"]:
        reason = skipped["check_result"].get("suppress_comment") or ""
        assert len(reason) > 20, f"{skipped['check_id']} on {skipped['resource']} lacks a reason"
