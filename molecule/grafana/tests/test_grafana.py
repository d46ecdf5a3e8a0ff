"""Grafana's provisioning, checked file by file and query by query.

Grafana itself cannot be installed here (its repository is unreachable), so
every panel's PromQL is run against the scenario's real Prometheus instead.
"""

import configparser
import json
import re
import time
from typing import Any
from urllib.parse import quote

import pytest
import yaml

APP_SERVERS = ["molecule-grafana"]
DASHBOARDS = "/etc/grafana/dashboards/ecomops"
DATASOURCE_UID = "ecomops-prometheus"
PROMETHEUS_PASSWORD = "molecule-only-prometheus-password"
PANELS = {"CPU busy", "Memory used", "Disk used", "Network", "Load average"}
SHOP = "ecomops-shop"
SHOP_PANELS = {
    "Requests per app server",
    "Requests, whole shop",
    "Error ratio (5xx) per app server",
    "Error ratio (5xx), whole shop",
    "Latency p99 per app server",
    "Latency percentiles, whole shop",
    "Failed database connections per app server",
    "Backends up",
    "Fraud alerts at checkout per minute",
}


def dashboard(host: Any, name: str) -> dict:
    return json.loads(host.file(f"{DASHBOARDS}/{name}.json").content_string)


def prometheus_query(host: Any, promql: str) -> dict:
    """Prometheus' answer to an instant query, with the scenario's credentials."""
    return json.loads(
        host.check_output(
            f"curl -sS -u ecomops:{PROMETHEUS_PASSWORD} "
            f"'http://127.0.0.1:9090/api/v1/query?query={quote(promql)}'"
        )
    )


def all_queries(host: Any) -> list[tuple[str, str, str]]:
    return [
        (name, panel["title"], target["expr"])
        for name in APP_SERVERS
        for panel in dashboard(host, name)["panels"]
        for target in panel["targets"]
    ]


def test_grafana_ini_is_private_and_points_at_the_provisioning(host: Any) -> None:
    ini = host.file("/etc/grafana/grafana.ini")
    assert (ini.user, ini.group, ini.mode) == ("root", "grafana", 0o640)
    config = configparser.ConfigParser(interpolation=None)
    config.read_string(ini.content_string)
    assert config["paths"]["provisioning"] == "/etc/grafana/provisioning"
    assert config["users"]["allow_sign_up"] == "false"
    assert config["auth.anonymous"]["enabled"] == "false"
    # The password is read from a file, never written into grafana.ini.
    assert config["security"]["admin_password"] == "$__file{/etc/grafana/admin_password}"
    assert "molecule-only-admin-password" not in ini.content_string


def test_admin_password_file_is_readable_by_grafana_only(host: Any) -> None:
    secret = host.file("/etc/grafana/admin_password")
    assert (secret.user, secret.group, secret.mode) == ("root", "grafana", 0o640)
    assert secret.content_string == "molecule-only-admin-password"


def test_datasource_is_the_scenario_prometheus_and_answers(host: Any) -> None:
    provisioning = yaml.safe_load(
        host.file("/etc/grafana/provisioning/datasources/ecomops.yml").content_string
    )
    (source,) = provisioning["datasources"]
    assert (source["type"], source["uid"], source["isDefault"]) == (
        "prometheus",
        DATASOURCE_UID,
        True,
    )
    assert source["basicAuth"] is True
    assert host.run(f"curl -fsS {source['url']}/-/ready").rc != 0, "Prometheus needs no password"
    auth = f"{source['basicAuthUser']}:{source['secureJsonData']['basicAuthPassword']}"
    assert host.run(f"curl -fsS -u {auth} {source['url']}/-/ready").rc == 0


def test_datasource_holding_prometheus_password_is_readable_by_grafana_only(host: Any) -> None:
    provisioning = host.file("/etc/grafana/provisioning/datasources/ecomops.yml")
    assert (provisioning.user, provisioning.group, provisioning.mode) == ("root", "grafana", 0o640)


def test_dashboard_provider_reads_the_generated_folder(host: Any) -> None:
    provisioning = yaml.safe_load(
        host.file("/etc/grafana/provisioning/dashboards/ecomops.yml").content_string
    )
    (provider,) = provisioning["providers"]
    assert provider["options"]["path"] == DASHBOARDS
    assert provider["type"] == "file"


def test_one_well_formed_dashboard_per_app_server(host: Any) -> None:
    # prepare.yml left the dashboard of a retired host: it must be gone.
    files = host.check_output(f"ls {DASHBOARDS}").split()
    assert sorted(files) == sorted(f"{name}.json" for name in [*APP_SERVERS, SHOP])
    uids = set()
    for name in APP_SERVERS:
        board = dashboard(host, name)
        assert name in board["title"]
        assert {panel["title"] for panel in board["panels"]} == PANELS
        assert len({panel["id"] for panel in board["panels"]}) == len(PANELS)
        for panel in board["panels"]:
            assert panel["datasource"]["uid"] == DATASOURCE_UID
            assert len({t["refId"] for t in panel["targets"]}) == len(panel["targets"])
        uids.add(board["uid"])
    assert len(uids) == len(APP_SERVERS)


def test_every_query_is_scoped_to_its_own_host(host: Any) -> None:
    for name, title, expr in all_queries(host):
        selectors = re.findall(r"\{([^}]*)\}", expr)
        assert selectors, f"{title}: no label selector in {expr}"
        assert all(f'instance="{name}"' in s for s in selectors), f"{title}: {expr}"


@pytest.mark.parametrize("panel", sorted(PANELS))
def test_every_panel_query_is_accepted_by_prometheus_and_returns_data(
    host: Any, panel: str
) -> None:
    queries = [(n, expr) for n, title, expr in all_queries(host) if title == panel]
    assert queries
    for name, expr in queries:
        # Grafana replaces $__rate_interval; a minute spans enough 5 s scrapes.
        promql = expr.replace("$__rate_interval", "1m")
        deadline = time.monotonic() + 60
        while True:
            reply = prometheus_query(host, promql)
            assert reply["status"] == "success", (
                f"{name}/{panel}: Prometheus rejected {promql}: {reply}"
            )
            if reply["data"]["result"]:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"{name}/{panel}: no data for {promql}")
            time.sleep(3)


def test_shop_dashboard_is_well_formed_and_every_query_is_valid_promql(host: Any) -> None:
    # No backend runs in this scenario, so its metrics have no data here: the lab's
    # e2e check 3 asks the lab's Prometheus for data from every panel of this dashboard.
    board = dashboard(host, SHOP)
    assert board["uid"] == SHOP
    assert {panel["title"] for panel in board["panels"]} == SHOP_PANELS
    assert len({panel["id"] for panel in board["panels"]}) == len(SHOP_PANELS)
    for panel in board["panels"]:
        assert panel["datasource"]["uid"] == DATASOURCE_UID
        for target in panel["targets"]:
            promql = target["expr"].replace("$__rate_interval", "1m")
            reply = prometheus_query(host, promql)
            assert reply["status"] == "success", f"{panel['title']}: rejected {promql}: {reply}"
