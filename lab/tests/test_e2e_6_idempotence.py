"""Check 6: a second deploy changes nothing on any host, nor does one with bad input.

A host already running the release, healthy, is not even taken out of the
load balancer (the rolling play asks the ecommerce_app role's plan first), so
a no-op deploy reports changed=0 everywhere, the LB included.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from ecomops_lab.deploys import deploy, lab_environ
from ecomops_lab.probe import REPO, LabView

pytestmark = pytest.mark.e2e


def test_a_second_deploy_reports_changed_0_on_every_host(view: LabView) -> None:
    deploy(view)  # converges whatever the earlier checks disturbed
    run = deploy(view)
    assert run.code == 0, run.stderr[-3000:]
    expected = {b["name"] for b in view.outputs["bastions"]}
    expected |= {a["name"] for a in view.app_servers} | {view.outputs["monitoring"]["name"]}
    assert set(run.hosts) == expected
    changed = [
        (t["host"], t.get("task"))
        for t in run.report.get("tasks", [])
        if t.get("status") == "changed"
    ]
    assert changed == [], f"changed on a second deploy: {changed}"
    assert all(counts["changed"] == 0 for counts in run.hosts.values()), run.hosts


def test_plain_ansible_playbook_with_a_missing_variable_changes_no_host(view: LabView) -> None:
    """The ops path (no wrapper): site.yml checks every input before any host changes."""
    statuses = {name: server["status"] for name, server in view.backend_servers().items()}
    done = subprocess.run(
        [str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", "inventories/lab",
         "playbooks/site.yml"],
        cwd=REPO, env=lab_environ(view, ECOMOPS_IMAGE_TAG=""),
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout[-3000:]
    assert "ECOMOPS_IMAGE_TAG" in done.stdout
    recap = re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", done.stdout, re.MULTILINE)
    assert recap and all(changed == "0" for _, changed in recap), recap
    assert "PLAY [Harden the bastions]" not in done.stdout
    after = {name: server["status"] for name, server in view.backend_servers().items()}
    assert after == statuses
