"""Check 6: a second deploy changes nothing on any host.

A host already running the release, healthy, is not even taken out of the
load balancer (the rolling play asks the ecommerce_app role's plan first), so
a no-op deploy reports changed=0 everywhere, the LB included.
"""

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
    assert set(run.hosts) == expected
    changed = [
        (t["host"], t.get("task"))
        for t in run.report.get("tasks", [])
        if t.get("status") == "changed"
    ]
    assert changed == [], f"changed on a second deploy: {changed}"
    assert all(counts["changed"] == 0 for counts in run.hosts.values()), run.hosts
