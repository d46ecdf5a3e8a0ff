"""release_history run by ansible-playbook on the control node, its file read back.

    .venv/bin/pytest roles/release_history/tests

The backend's `rollback_safety --leaves` is stood in for by a shell printing what
the backend prints: a JSON log line, then the list.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PLAY = """\
- name: Record a release
  hosts: app
  gather_facts: false
  roles:
    - role: release_history
"""
LEAVES = ["sh", "-c", 'echo \'{"event": "log"}\'; echo \'["orders.0003_x", "products.0001_y"]\'']


def record(tmp_path: Path, **variables: object) -> subprocess.CompletedProcess[str]:
    inventory = {
        "all": {
            "hosts": {
                "app": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
            }
        }
    }
    (tmp_path / "inventory.json").write_text(json.dumps(inventory))
    (tmp_path / "play.yml").write_text(PLAY)
    extra = {"release_history_file": str(tmp_path / "var" / "releases.jsonl"),
             "release_history_migrations_command": LEAVES, "ansible_become": False,
             "release_history_deployed_by": "tester (deploy)", **variables}  # fmt: skip
    return subprocess.run(
        [Path(sys.executable).parent / "ansible-playbook", "-i", tmp_path / "inventory.json",
         tmp_path / "play.yml", "-e", json.dumps(extra)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"},
    )  # fmt: skip


def entries(tmp_path: Path) -> list[dict]:
    lines = (tmp_path / "var" / "releases.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_each_deploy_appends_an_entry_with_the_release_s_migrations(tmp_path):
    for tag, outcome in (("a1", "deployed"), ("b2", "canary_failed"), ("a1", "rolled_back")):
        done = record(tmp_path, release_history_tag=tag, release_history_outcome=outcome,
                      release_history_detail=f"{outcome} detail")  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:]
        assert "changed=0" not in done.stdout  # a record is a change, truthfully
    found = entries(tmp_path)
    assert [(e["tag"], e["outcome"]) for e in found] == [
        ("a1", "deployed"), ("b2", "canary_failed"), ("a1", "rolled_back")
    ]  # fmt: skip
    assert found[1]["detail"] == "canary_failed detail" and found[0]["by"] == "tester (deploy)"
    assert found[0]["migrations"] == ["orders.0003_x", "products.0001_y"]
    assert found[0]["at"].endswith("Z")


def test_only_the_last_entries_are_kept(tmp_path):
    for tag in ("t1", "t2", "t3"):
        assert record(tmp_path, release_history_tag=tag, release_history_keep=2).returncode == 0
    assert [e["tag"] for e in entries(tmp_path)] == ["t2", "t3"]


@pytest.mark.parametrize("outcome", ["ok", "failed"])
def test_an_unknown_outcome_is_refused_before_anything_is_written(tmp_path, outcome):
    done = record(tmp_path, release_history_tag="t1", release_history_outcome=outcome)
    assert done.returncode != 0 and "release_history_outcome" in done.stdout
    assert not (tmp_path / "var" / "releases.jsonl").exists()
