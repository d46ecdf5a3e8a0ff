"""The project's strategy ecomops_linear: Mitogen where it loads, plain linear otherwise.

Real ansible-playbook runs on the controller's implicit localhost; the module reports
the command line of the process it runs in, which Mitogen names mitogen:<user>@<host>.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FALLBACK = "Mitogen does not load with ansible-core"
PLAYBOOK = """
- name: Report the process that runs the modules
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Read the module's own command line
      ansible.builtin.slurp:
        src: /proc/self/cmdline
      register: interpreter

    - name: Show it
      ansible.builtin.debug:
        msg: "{{ interpreter.content }}"
"""


def run(tmp: Path, **env: str) -> tuple[str, str]:
    """The modules' command line and Ansible's stderr."""
    playbook = tmp / "report.yml"
    playbook.write_text(PLAYBOOK)
    done = subprocess.run(
        [Path(sys.executable).parent / "ansible-playbook", playbook],
        capture_output=True, text=True, cwd=tmp,
        env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
             "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json", **env},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (play,) = json.loads(done.stdout)["plays"]
    content = play["tasks"][1]["hosts"]["localhost"]["msg"]
    return base64.b64decode(content).replace(b"\0", b" ").decode(), done.stderr


def test_ansible_cfg_runs_modules_in_mitogen(tmp_path):
    interpreter, stderr = run(tmp_path)
    assert "(mitogen:" in interpreter
    assert FALLBACK not in stderr


def test_plain_ssh_when_asked(tmp_path):
    interpreter, stderr = run(tmp_path, ANSIBLE_STRATEGY="linear")
    assert "(mitogen:" not in interpreter
    assert FALLBACK not in stderr


@pytest.fixture
def mitogen_refusing(tmp_path: Path) -> str:
    """A PYTHONPATH on which `ansible_mitogen` fails to import, as a Mitogen built for
    another ansible-core does."""
    package = tmp_path / "site" / "ansible_mitogen"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('raise ImportError("built for another ansible-core")\n')
    return str(package.parent)


def test_without_mitogen_the_run_goes_on_with_plain_ssh_and_says_so_once(
    tmp_path, mitogen_refusing
):
    interpreter, stderr = run(tmp_path, PYTHONPATH=mitogen_refusing)
    assert "(mitogen:" not in interpreter
    assert stderr.count(FALLBACK) == 1, stderr
    assert "built for another ansible-core" in stderr
    assert "ANSIBLE_STRATEGY=linear" in stderr
