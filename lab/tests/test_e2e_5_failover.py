"""Check 5: an app host stops; the shop keeps answering; it starts again and rejoins."""

from __future__ import annotations

import subprocess
import time

import pytest
from ecomops.waiting import wait_for
from ecomops_lab.probe import LabView, Load

pytestmark = pytest.mark.e2e


def status(view: LabView, name: str) -> str:
    return view.backend_servers()[name]["status"]


def all_up(view: LabView) -> bool:
    return all(s["status"] == "UP" for s in view.backend_servers().values())


def served(view: LabView, name: str) -> int:
    return int(view.backend_servers()[name]["hrsp_2xx"])


def test_the_shop_survives_an_app_host_stopping_and_it_rejoins(view: LabView) -> None:
    victim = view.app_servers[-1]
    name = victim["name"]
    wait_for("every app host UP in HAProxy", lambda: all_up(view), 60)
    with Load(f"{view.lb_url}/api/products", clients=4) as load:
        time.sleep(3)
        subprocess.run(["docker", "stop", "-t", "20", victim["instance_id"]], check=True)
        wait_for(f"{name} DOWN in HAProxy", lambda: status(view, name).startswith("DOWN"), 60, 0.5)
        marked_down = time.monotonic()
        time.sleep(10)
        after_down = load.result.count(marked_down)
        failed = load.result.failures(marked_down)
        subprocess.run(["docker", "start", victim["instance_id"]], check=True)
        wait_for(f"{name} UP again in HAProxy", lambda: status(view, name) == "UP", 240, 2)
        before = served(view, name)
        wait_for(f"{name} serving requests again", lambda: served(view, name) > before + 5, 30)
    assert after_down > 20, "the load generator barely ran"
    assert failed == [], f"{len(failed)} failed requests after {name} was marked down"
