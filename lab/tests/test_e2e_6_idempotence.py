"""Check 6: a second deploy changes nothing on any host.

The rolling play takes every app host out of the load balancer and puts it
back, on purpose even when nothing else changes (the lb_member role reports
those two steps as the real changes they are); everything else must be
unchanged, and the LB steps must be exactly that out-and-in pair.
"""

from __future__ import annotations

import pytest
from ecomops_lab.deploys import deploy
from ecomops_lab.probe import LabView

pytestmark = pytest.mark.e2e

LB_ROUND_TRIP = ("Drain the server and disable it", "Enable the server and wait until it is up")


def test_a_second_deploy_reports_changed_0_on_every_host(view: LabView) -> None:
    deploy(view)  # converges whatever the earlier checks disturbed
    run = deploy(view)
    assert run.code == 0, run.stderr[-3000:]
    expected = {b["name"] for b in view.outputs["bastions"]}
    expected |= {a["name"] for a in view.app_servers} | {view.outputs["monitoring"]["name"]}
    assert set(run.changed()) == expected
    changed = [
        (t["host"], t.get("task"))
        for t in run.report.get("tasks", [])
        if t.get("status") == "changed"
    ]
    unexpected = [c for c in changed if c[1] not in LB_ROUND_TRIP]
    assert unexpected == [], f"changed on a second deploy: {unexpected}"
    lb_moves = sorted(c for c in changed if c[1] in LB_ROUND_TRIP)
    assert lb_moves == sorted((a["name"], task) for a in view.app_servers for task in LB_ROUND_TRIP)
    for host, counts in run.hosts.items():
        moves = sum(1 for h, _ in lb_moves if h == host)
        assert counts["changed"] == moves, (host, counts)
