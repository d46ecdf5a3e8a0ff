"""Check 4: Prometheus scrapes every app host (behind its password); every Grafana panel's
query, per host and shop-wide, returns data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from ecomops.waiting import wait_for
from ecomops_lab.probe import LabView, http_get

pytestmark = pytest.mark.e2e

DASHBOARDS = "/etc/grafana/dashboards/ecomops"
# Grafana's built-in interval variables, as Grafana itself would fill them in.
GRAFANA_VARIABLES = re.compile(
    r"\$__(rate_interval|interval|range)|\$\{__(rate_interval|interval|range)\}"
)


def up_targets(view: LabView) -> set[str]:
    data = view.prometheus("/api/v1/targets", state="active")
    return {t["scrapeUrl"].split("/")[2] for t in data["activeTargets"] if t.get("health") == "up"}


def test_every_app_hosts_node_exporter_backend_and_fraud_api_are_up(view: LabView) -> None:
    wanted = {f"{a['private_ip']}:{port}" for a in view.app_servers for port in (9100, 8000, 8001)}
    wait_for("every app target up in Prometheus", lambda: wanted <= up_targets(view), 120, 3)


def test_prometheus_refuses_requests_without_the_password(view: LabView) -> None:
    status, _ = http_get(f"{view.prometheus_url}/api/v1/targets")
    assert status == 401


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])  # rows hold their own panels


def test_every_dashboard_panel_query_returns_data_for_each_app_host(view: LabView) -> None:
    # The shop-wide dashboard shows what the backends served: let them serve something.
    statuses = [http_get(f"{view.lb_url}/api/products")[0] for _ in range(20)]
    assert statuses == [200] * 20, statuses
    monitoring = view.outputs["monitoring"]["name"]
    names = view.ssh(monitoring, f"sudo ls {DASHBOARDS}").stdout.split()
    assert names, f"no dashboards provisioned in {DASHBOARDS}"
    covered: set[str] = set()
    empty: list[str] = []
    for name in names:
        dashboard = json.loads(view.ssh(monitoring, f"sudo cat {DASHBOARDS}/{name}").stdout)
        for panel in panels(dashboard):
            for target in panel.get("targets", []):
                expr = target.get("expr")
                if not expr:
                    continue
                query = GRAFANA_VARIABLES.sub("5m", expr)
                covered |= {a["name"] for a in view.app_servers if a["name"] in query}
                try:
                    wait_for(
                        f"data for {query}",
                        lambda q=query: view.prometheus("/api/v1/query", query=q)["result"],
                        60,
                        5,
                    )
                except TimeoutError:
                    empty.append(f"{name}: {panel.get('title')}: {query}")
    assert not empty, "panels without data:\n" + "\n".join(empty)
    assert covered == {a["name"] for a in view.app_servers}, "app hosts without a dashboard"
