"""Check 9: a deploy with an app host down fails clearly for it; the next one converges it."""

from __future__ import annotations

import subprocess

import pytest
from ecomops.waiting import wait_for
from ecomops_lab.deploys import deploy
from ecomops_lab.probe import LabView

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


def test_a_new_release_waits_for_the_host_that_migrates(view: LabView, image_tag: str) -> None:
    """New code expects its schema: without the migrations host, no host is touched."""
    migrator, *others = view.app_servers
    subprocess.run(["docker", "stop", "-t", "20", migrator["instance_id"]], check=True)
    try:
        # Never pushed: a deploy that went past the guard would fail pulling it.
        refused = deploy(view, "--image-tag", f"{image_tag}-unreleased",
                         ECOMOPS_IMAGE_TAG=f"{image_tag}-unreleased")  # fmt: skip
    finally:
        subprocess.run(["docker", "start", migrator["instance_id"]], check=True)
    assert refused.code == UNREACHABLE, refused.stderr[-3000:]
    assert f"{migrator['name']}, which applies the database migrations" in refused.stderr
    servers = view.backend_servers()
    for app in others:
        assert refused.hosts[app["name"]].get("changed", 0) == 0, refused.tasks_on(app["name"])
        assert servers[app["name"]]["status"].startswith("UP"), servers[app["name"]]
        images = view.ssh(
            app["name"], "sudo docker inspect -f '{{.Config.Image}}' ecommerce-backend"
        ).stdout.split()
        assert len(images) == 1 and images[0].endswith(f":{image_tag}"), images

    name = migrator["name"]
    wait_for(f"{name} UP in HAProxy again",
             lambda: view.backend_servers()[name]["status"] == "UP", 180, 2)  # fmt: skip
