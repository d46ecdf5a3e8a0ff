"""Check 11: alerts reach someone. A stopped app server is notified once, naming it, then
resolved; a backend that cannot reach the database fires the 5xx alert for itself only.

Notifications are read from the lab's alert sink on the monitoring host
(lab/ecomops_lab/alert_sink.py), where Alertmanager's lab route delivers them.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from ecomops.waiting import wait_for
from ecomops_lab.probe import LabView, http_get
from ecomops_lab.services import ALERT_SINK_PORT

pytestmark = pytest.mark.e2e

DB_CONTAINER = "ecomops-lab-db"
# Marks the pg_hba.conf lines this check adds, so that it removes exactly those.
REJECT_MARK = "# ecomops-e2e-10"


def notifications(view: LabView, host: str) -> list[dict[str, Any]]:
    """What Alertmanager delivered to the sink about `host` being down, oldest first.

    Other alerts may name the host meanwhile (check 10's database outage leaves its
    5xx and latency alerts firing a while): they are other groups, other notifications."""
    monitoring = view.outputs["monitoring"]["name"]
    sent = json.loads(view.ssh(monitoring, f"curl -fsS 127.0.0.1:{ALERT_SINK_PORT}/").stdout)
    group = {"alertname": "InstanceDown", "instance": host}
    return [n for n in sent if n["groupLabels"] == group]


def alertmanager_alerts(view: LabView, host: str) -> list[dict[str, Any]]:
    monitoring = view.outputs["monitoring"]["name"]
    url = f"127.0.0.1:9093/api/v2/alerts?filter=instance%3D%22{host}%22"
    return json.loads(view.ssh(monitoring, f"curl -fsS '{url}'").stdout)


def instant(view: LabView, query: str) -> list[dict[str, Any]]:
    return view.prometheus("/api/v1/query", query=query)["result"]


def firing(view: LabView, alertname: str) -> set[str]:
    query = f'ALERTS{{alertname="{alertname}", alertstate="firing"}}'
    return {sample["metric"]["instance"] for sample in instant(view, query)}


def test_a_stopped_app_server_is_notified_once_by_name_then_resolved(view: LabView) -> None:
    victim = view.app_servers[-1]
    name = victim["name"]

    def all_up() -> bool:
        samples = instant(view, f'up{{instance="{name}"}}')
        return bool(samples) and all(s["value"][1] == "1" for s in samples)

    wait_for(f"{name}'s targets up in Prometheus", all_up, 120, 3)
    before = len(notifications(view, name))
    subprocess.run(["docker", "stop", "-t", "20", victim["instance_id"]], check=True)
    try:
        (first,) = wait_for(
            f"a firing InstanceDown notification naming {name}",
            lambda: [n for n in notifications(view, name)[before:] if n["status"] == "firing"],
            180,
            2,
        )
        assert {a["labels"]["instance"] for a in first["alerts"]} == {name}
        # The backend on that host is down too; its alert is muted by the host's, not sent.
        wait_for(
            f"the backend's InstanceDown on {name} inhibited by the host's",
            lambda: [
                a
                for a in alertmanager_alerts(view, name)
                if a["labels"].get("job") == "backend" and a["status"]["inhibitedBy"]
            ],
            120,
            2,
        )
        assert [n["status"] for n in notifications(view, name)[before:]] == ["firing"]
    finally:
        subprocess.run(["docker", "start", victim["instance_id"]], check=True)
    wait_for(
        f"a resolved notification for {name}",
        lambda: notifications(view, name)[-1]["status"] == "resolved",
        300,
        3,
    )


def psql(sql: str) -> str:
    return subprocess.run(
        ["docker", "exec", "-i", DB_CONTAINER, "runuser", "-u", "postgres", "--",
         "psql", "-qAt", "-v", "ON_ERROR_STOP=1"],
        input=sql, text=True, capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip


def addresses(container: str) -> list[str]:
    inspect = subprocess.run(
        ["docker", "inspect", container], capture_output=True, text=True, check=True
    )
    networks = json.loads(inspect.stdout)[0]["NetworkSettings"]["Networks"]
    return [n["IPAddress"] for n in networks.values() if n.get("IPAddress")]


@pytest.fixture
def no_backend_alert(view: LabView) -> None:
    """No server starts out firing: earlier checks' outages (check 10 stops the database)
    leave errors in the alert's 5-minute window, which good requests age out. The query
    string differs each time, so the storefront's microcache does not answer them."""

    def quiet() -> bool:
        for n in range(50):
            http_get(f"{view.lb_url}/api/products?e2e-baseline={n}-{time.monotonic_ns()}")
        return not firing(view, "BackendHigh5xxRate")

    wait_for("BackendHigh5xxRate firing for no server", quiet, 420, 5)


@pytest.fixture
def database_refusing(view: LabView) -> Iterator[str]:
    """The first app server, refused by the database (as a wrong password would be)."""
    victim = view.app_servers[0]
    ips = addresses(victim["instance_id"])
    hba = psql("SHOW hba_file;").strip()
    for ip in ips:  # first lines: they win over the lab's own `host` lines
        line = f"host all all {ip}/32 reject {REJECT_MARK}"
        subprocess.run(["docker", "exec", DB_CONTAINER, "sed", "-i", f"1i {line}", hba], check=True)
    psql("SELECT pg_reload_conf();")
    # Its open connections go too, as after a password rotation it was not given.
    inet = ", ".join(f"'{ip}'::inet" for ip in ips)  # addresses docker gave, not input
    psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE client_addr IN ({inet});")  # noqa: S608
    try:
        yield victim["name"]
    finally:
        subprocess.run(
            ["docker", "exec", DB_CONTAINER, "sed", "-i", f"/{REJECT_MARK}/d", hba], check=True
        )
        psql("SELECT pg_reload_conf();")
        wait_for(
            "the shop answering every request again",
            lambda: all(http_get(f"{view.lb_url}/api/products")[0] == 200 for _ in range(10)),
            60,
            2,
        )


def test_backend_errors_fire_the_5xx_alert_for_that_server_and_no_other(
    view: LabView, no_backend_alert: None, database_refusing: str
) -> None:
    victim = database_refusing
    # Through the load balancer: the refused server stays in it (its /healthz needs no
    # database) and answers its share with errors, the others with 200.
    statuses = [http_get(f"{view.lb_url}/api/products")[0] for _ in range(60)]
    assert any(s >= 500 for s in statuses) and 200 in statuses, statuses
    wait_for(
        f"BackendHigh5xxRate firing for {victim}",
        lambda: victim in firing(view, "BackendHigh5xxRate"),
        180,
        3,
    )
    assert firing(view, "BackendHigh5xxRate") == {victim}
