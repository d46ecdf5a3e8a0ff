"""The scenario runner's account of a failure: the lines that say why, where CI shows them."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "run_scenarios.py"
spec = importlib.util.spec_from_file_location("run_scenarios", SCRIPT)
assert spec and spec.loader
run_scenarios = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_scenarios)

LOG = """\
INFO     Running bastion > converge
FAILED - RETRYING: [localhost]: Wait for instance(s) creation to complete (300 retries left).
CRITICAL 'molecule/default/molecule.yml' glob failed.  Exiting.
tests/test_bastion.py::test_sshd_runs PASSED
E               TimeoutError: sshd logging: denied: not true after 60s (last: False)
FAILED tests/test_bastion.py::test_tunnels_to_other_ports_are_prohibited
CRITICAL Verifier tests failed
"""


def result(tmp_path: Path, text: str) -> object:
    log = tmp_path / "bastion.log"
    log.write_text(text)
    return run_scenarios.Result("bastion", 1.0, 1, log)


def test_reasons_are_the_failure_lines_without_retry_noise(tmp_path: Path) -> None:
    assert result(tmp_path, LOG).reasons() == [
        "E               TimeoutError: sshd logging: denied: not true after 60s (last: False)",
        "FAILED tests/test_bastion.py::test_tunnels_to_other_ports_are_prohibited",
        "CRITICAL Verifier tests failed",
    ]


def test_a_log_without_failure_lines_gives_its_end(tmp_path: Path) -> None:
    text = "\n".join(f"line {n}" for n in range(40))
    assert result(tmp_path, text).reasons() == [f"line {n}" for n in range(28, 40)]


def test_the_summary_ends_with_why_a_scenario_failed(tmp_path: Path, capsys, monkeypatch) -> None:
    failed = result(tmp_path, LOG)
    monkeypatch.setattr(run_scenarios, "discover", lambda root: ["bastion"])
    monkeypatch.setattr(run_scenarios, "run", lambda name, logs: failed)
    assert run_scenarios.main(["--logs", str(tmp_path)]) == 1
    assert capsys.readouterr().out.rstrip().endswith("CRITICAL Verifier tests failed")
