"""Check 6: a second deploy changes nothing on any host."""

from __future__ import annotations

import pytest
from ecomops_lab.deploys import deploy
from ecomops_lab.probe import LabView

pytestmark = pytest.mark.e2e


def test_a_second_deploy_reports_changed_0_on_every_host(view: LabView) -> None:
    deploy(view)  # converges whatever the earlier checks disturbed
    run = deploy(view)
    assert run.code == 0, run.stderr[-3000:]
    expected = {b["name"] for b in view.outputs["bastions"]}
    expected |= {a["name"] for a in view.app_servers} | {view.outputs["monitoring"]["name"]}
    assert set(run.changed()) == expected
    changed = {
        f"{t['host']}: {t.get('task')}"
        for t in run.report.get("tasks", [])
        if t.get("status") == "changed" or t.get("changed")
    }
    assert run.changed() == dict.fromkeys(expected, 0), sorted(changed)
