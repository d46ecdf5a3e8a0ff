"""Check 7: a rolling deploy of a new image tag under constant load loses no request."""

from __future__ import annotations

import pytest
from ecomops_lab import registry
from ecomops_lab.deploys import deploy
from ecomops_lab.probe import LabView, Load

pytestmark = pytest.mark.e2e


def test_a_rolling_deploy_under_load_loses_no_request(view: LabView, image_tag: str) -> None:
    new_tag = f"{image_tag}-e2e"
    registry.derive_release(image_tag, new_tag)
    registry.push(
        view.env["LAB_REGISTRY_PUSH"],
        view.env["ECOMOPS_REGISTRY_USER"],
        view.env["ECOMOPS_REGISTRY_PASSWORD"],
        new_tag,
    )
    with Load(f"{view.lb_url}/api/products", clients=4) as load:
        run = deploy(view, "--image-tag", new_tag, ECOMOPS_IMAGE_TAG=new_tag)
    assert run.code == 0, run.stderr[-3000:]
    assert load.result.count() > 100, "the load generator barely ran"
    failed = load.result.failures()
    assert failed == [], f"{len(failed)} of {load.result.count()} requests failed: {failed[:5]}"
    for app in view.app_servers:
        images = view.ssh(
            app["name"],
            "sudo docker inspect -f '{{.Config.Image}}' ecommerce-backend ecommerce-frontend",
        ).stdout.split()
        assert images and all(i.endswith(f":{new_tag}") for i in images), (app["name"], images)
