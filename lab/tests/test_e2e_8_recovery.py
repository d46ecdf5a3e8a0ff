"""Check 9: a deploy with an app host down fails clearly for it; the next one converges it."""

from __future__ import annotations

import subprocess

import pytest
from ecomops_lab.deploys import deploy
from ecomops_lab.probe import LabView, wait_for

pytestmark = pytest.mark.e2e

UNREACHABLE = 3  # `ecomops --help`: exit codes


def test_an_unreachable_host_fails_clearly_and_the_next_deploy_converges_it(
    view: LabView,
) -> None:
    victim = view.app_servers[-1]
    name = victim["name"]
    subprocess.run(["docker", "stop", "-t", "20", victim["instance_id"]], check=True)
    try:
        broken = deploy(view)
    finally:
        subprocess.run(["docker", "start", victim["instance_id"]], check=True)
    assert broken.code == UNREACHABLE, broken.stderr[-3000:]
    assert name in broken.stderr
    assert broken.hosts[name].get("unreachable", 0) > 0
    healthy = {h: c for h, c in broken.hosts.items() if h != name}
    assert all(c.get("failed", 0) == 0 and c.get("unreachable", 0) == 0 for c in healthy.values())

    wait_for(f"{name} answering SSH again",
             lambda: view.ssh(name, "true", check=False).returncode == 0, 120, 3)  # fmt: skip
    recovered = deploy(view)
    assert recovered.code == 0, recovered.stderr[-3000:]
    wait_for(f"{name} UP in HAProxy",
             lambda: view.backend_servers()[name]["status"] == "UP", 120, 2)  # fmt: skip
