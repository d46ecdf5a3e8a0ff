"""P2 and P3: first and no-op converge with 2 and with 8 app hosts, from bare hosts.

Bare hosts: the bastions, app servers and monitoring host are re-created from
the lab image (the registry keeps the pushed images, the database is emptied),
then site.yml runs. P3 is the 2-host case measured until the shop serves the
product API through the load balancer. Goal P2: 8 hosts <= 1.5x the time of 2;
goal P3: <= 5 minutes.
"""

from __future__ import annotations

import os
import subprocess
import time
from typing import Any

import docker
from ecomops.waiting import wait_for
from ecomops_lab import topology
from ecomops_lab.plan import Ports, build_plan
from ecomops_lab.probe import http_get
from ecomops_lab.state import LabDir

from .common import REPO, busy_cpu_seconds, converge, lab, summary, tuned_config

RECREATED = ("bastion", "app", "monitoring")


def bare_hosts(app_hosts: int) -> float:
    """Seconds to get `app_hosts` fresh app servers (and bastions, monitoring) up."""
    dc = docker.from_env()
    for c in dc.containers.list(all=True, filters={"label": "org.ecomops.lab"}):
        if c.name.removeprefix("ecomops-lab-").split("-")[0] in RECREATED:
            c.remove(force=True, v=True)
    for v in dc.volumes.list(filters={"label": "org.ecomops.lab"}):
        v.remove(force=True)
    view = lab()
    database = view.outputs["database"]
    subprocess.run(
        ["docker", "exec", "-i", "ecomops-lab-db", "runuser", "-u", "postgres", "--", "psql", "-q"],
        input=f"DROP DATABASE IF EXISTS {database['name']} WITH (FORCE);\n"
        f"CREATE DATABASE {database['name']} OWNER {database['username']};\n",
        text=True, check=True, capture_output=True,
    )  # fmt: skip
    started = time.monotonic()
    topology.up(build_plan(app_hosts, ports=Ports.from_env()), LabDir.under(REPO))
    subprocess.run(
        [str(REPO / ".venv" / "bin" / "ecomops"), "inventory", "--from", "file",
         "--outputs-file", str(REPO / ".lab" / "outputs.json")],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    return time.monotonic() - started


def serving(url: str) -> bool:
    return http_get(f"{url}/api/products", timeout=5)[0] == 200


def busy_converge() -> tuple[float, float]:
    """Seconds of one site.yml run, and the share of the machine's CPUs busy meanwhile.

    Every lab host shares this machine's CPUs: near 1.0, the run waits for CPU
    (work that grows with the hosts), not for a host going after another.
    """
    before = busy_cpu_seconds()
    seconds = converge(tuned_config())
    return seconds, (busy_cpu_seconds() - before) / (seconds * (os.cpu_count() or 1))


def measure(app_hosts: int) -> dict[str, Any]:
    up = bare_hosts(app_hosts)
    started = time.monotonic()
    first, first_busy = busy_converge()
    wait_for("the shop serving through the LB", lambda: serving(lab().lb_url), 300, 1)
    to_serving = time.monotonic() - started
    noop, noop_busy = zip(*(busy_converge() for _ in range(2)), strict=True)
    return {
        "lab_up_s": round(up, 1),
        "first_converge_s": round(first, 1),
        "first_cpu_busy": round(first_busy, 2),
        "bare_to_serving_s": round(up + to_serving, 1),
        "noop": summary(list(noop)),
        "noop_cpu_busy": round(max(noop_busy), 2),
    }


def run() -> dict[str, Any]:
    two = measure(2)
    eight = measure(8)
    # Leave the lab as `make lab` makes it: 2 app hosts, converged.
    measure(2)
    first_ratio = eight["first_converge_s"] / two["first_converge_s"]
    noop_ratio = float(eight["noop"]["median_s"]) / float(two["noop"]["median_s"])
    return {
        "P2": {
            "what": "site.yml from bare hosts (first) and again (no-op), 2 vs 8 app hosts;"
            " *_cpu_busy: share of the machine's CPUs busy during the run",
            "cpus": os.cpu_count(),
            "hosts_2": two,
            "hosts_8": eight,
            "first_ratio": round(first_ratio, 2),
            "noop_ratio": round(noop_ratio, 2),
            "goal": "<= 1.5",
            "met": first_ratio <= 1.5 and noop_ratio <= 1.5,
        },
        "P3": {
            "what": "bare lab hosts (2 app servers) to the product API answering through the LB",
            "seconds": two["bare_to_serving_s"],
            "goal_s": 300,
            "met": two["bare_to_serving_s"] <= 300,
        },
    }
