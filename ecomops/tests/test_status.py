"""`ecomops status`: a real HAProxy's admin socket, Prometheus and docker answers."""

from __future__ import annotations

import json
import subprocess
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from conftest import ECOMOPS, ROOT, run_cli
from ecomops.status import (
    haproxy_servers,
    parse_docker_inspect,
    parse_fraud_model,
    parse_prometheus_targets,
)
from ecomops.waiting import wait_for

HAPROXY_CFG = """\
global
    stats socket /sock/admin.sock mode 666 level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend health
    bind 127.0.0.1:8404
    http-request return status 200 content-type text/plain string ok
backend app
    option httpchk GET /healthz
    default-server inter 200ms fall 1 rise 1
    server app_up 127.0.0.1:8404 check
    server app_down 127.0.0.1:9 check
backend late
    option httpchk GET /
    default-server inter 200ms fall 1 rise 1
    server app_late 127.0.0.1:8405 check
"""


@pytest.fixture(scope="module")
def haproxy(tmp_path_factory):
    """HAProxy from the lab image, its admin socket in a folder shared with us."""
    tmp_path = tmp_path_factory.mktemp("haproxy")
    (tmp_path / "cfg").mkdir()
    (tmp_path / "sock").mkdir()
    (tmp_path / "cfg" / "haproxy.cfg").write_text(HAPROXY_CFG)
    name = f"ecomops-test-wrapper-lb-{uuid.uuid4().hex[:6]}"
    subprocess.run(
        ["docker", "run", "-d", "--name", name, "-v", f"{tmp_path / 'cfg'}:/cfg:ro",
         "-v", f"{tmp_path / 'sock'}:/sock", "--entrypoint", "haproxy", "ecomops/haproxy",
         "-db", "-f", "/cfg/haproxy.cfg"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        socket_path = tmp_path / "sock" / "admin.sock"

        def settled() -> bool:
            states = {c.name: c.healthy for c in haproxy_servers(ROOT, socket_path, "app")}
            return states == {"app_up": True, "app_down": False}

        # HAProxy starts every server UP; its first health checks mark app_down DOWN.
        wait_for("HAProxy's health checks settling: app_up UP, app_down DOWN", settled, 30, 0.2)
        yield socket_path, name
    finally:
        subprocess.run(["docker", "rm", "-f", name], check=False, capture_output=True)


def inventory_for(tmp_path: Path, socket_path: Path, backend: str = "app") -> Path:
    inventory = {
        "all": {
            "vars": {
                "ecomops_lb_kind": "haproxy",
                "ecomops_haproxy_socket": str(socket_path),
                "ecomops_haproxy_backend": backend,
            },
            "children": {"app_servers": {"hosts": {"app_up": {}, "app_down": {}}}},
        }
    }
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump(inventory))
    return path


@pytest.mark.integration
def test_haproxy_servers_down_make_status_unhealthy(haproxy, tmp_path):
    junit = tmp_path / "status.xml"
    done = run_cli(
        "status", "-i", inventory_for(tmp_path, haproxy[0]), "--checks", "lb", "--json",
        "--junit", junit,
    )  # fmt: skip
    assert done.returncode == 6, done.stderr
    report = json.loads(done.stdout)
    assert report["healthy"] is False
    health = {c["name"]: c["healthy"] for c in report["checks"]}
    assert health == {"app_up": True, "app_down": False}
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}  # noqa: S314
    assert cases["app_up"].find("failure") is None
    failure = cases["app_down"].find("failure")
    assert failure is not None and "DOWN" in (failure.text or "")


@pytest.mark.integration
def test_the_table_names_the_unhealthy_server(haproxy, tmp_path):
    done = run_cli(
        "status", "-i", inventory_for(tmp_path, haproxy[0]), "--checks", "lb",
        "--junit", tmp_path / "status.xml",
    )  # fmt: skip
    assert done.returncode == 6
    rows = {line.split()[1]: line.split()[2] for line in done.stdout.splitlines()[1:]}
    assert rows == {"app_up": "ok", "app_down": "UNHEALTHY"}


@pytest.mark.integration
def test_wait_asks_again_until_a_server_comes_up(haproxy, tmp_path):
    socket_path, container = haproxy
    command = [
        ECOMOPS, "status", "-i", inventory_for(tmp_path, socket_path, "late"),
        "--checks", "lb", "--wait", "60", "--junit", tmp_path / "status.xml",
    ]  # fmt: skip
    with subprocess.Popen(
        list(map(str, command)), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    ) as status:  # fmt: skip
        assert status.stderr is not None
        first = status.stderr.readline()
        assert first.startswith("status: waiting") and "app_late" in first, first
        subprocess.run(
            ["docker", "exec", "-d", container, "python3", "-m", "http.server", "8405",
             "--bind", "127.0.0.1"],
            check=True, capture_output=True,
        )  # fmt: skip
        out, _ = status.communicate(timeout=90)
    assert status.returncode == 0, out
    assert out.splitlines()[1].split()[1:3] == ["app_late", "ok"]


@pytest.mark.integration
def test_wait_gives_up_unhealthy_when_time_runs_out(haproxy, tmp_path):
    # A wait that never gave up would outlive the subprocess timeout and fail the test.
    done = run_cli(
        "status", "-i", inventory_for(tmp_path, haproxy[0]), "--checks", "lb", "--wait", "2",
        "--junit", tmp_path / "status.xml", timeout=60,
    )  # fmt: skip
    assert done.returncode == 6
    assert "waiting" in done.stderr and "app_down" in done.stderr


def test_a_missing_haproxy_socket_says_so(tmp_path):
    done = run_cli(
        "status", "-i", inventory_for(tmp_path, tmp_path / "none.sock"), "--checks", "lb",
        "--junit", tmp_path / "status.xml",
    )  # fmt: skip
    assert done.returncode == 6
    assert "cannot read HAProxy stats" in done.stderr and "none.sock" in done.stderr


def test_prometheus_targets_are_healthy_only_when_up():
    body = {
        "status": "success",
        "data": {
            "activeTargets": [
                {"labels": {"job": "node", "instance": "10.0.11.4:9100"}, "health": "up",
                 "lastError": ""},
                {"labels": {"job": "backend", "instance": "10.0.12.4:8000"}, "health": "down",
                 "lastError": "connection refused"},
            ]
        },
    }  # fmt: skip
    checks = parse_prometheus_targets(body)
    assert [(c.name, c.healthy, c.detail) for c in checks] == [
        ("node/10.0.11.4:9100", True, "up"),
        ("backend/10.0.12.4:8000", False, "connection refused"),
    ]


def test_an_unreachable_prometheus_is_a_clear_error(tmp_path):
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"vars": {}}}))
    done = run_cli(
        "status", "-i", inventory, "--checks", "prometheus",
        "--prometheus-url", "http://127.0.0.1:9", "--junit", tmp_path / "status.xml",
    )  # fmt: skip
    assert done.returncode == 6
    assert "cannot query Prometheus at http://127.0.0.1:9/api/v1/targets" in done.stderr


def test_versions_come_from_docker_inspect():
    output = json.dumps(
        [
            {"Name": "/ecommerce-backend", "State": {"Status": "running"},
             "Config": {"Image": "registry.lab:5000/ecommerce-backend:0123abcd"}},
        ]
    )  # fmt: skip
    checks = parse_docker_inspect("app1", output)
    assert [(c.name, c.healthy, c.detail) for c in checks] == [
        ("app1/ecommerce-backend", True, "registry.lab:5000/ecommerce-backend:0123abcd running"),
        ("app1/ecommerce-fraud-api", False, "container not found"),
        ("app1/ecommerce-frontend", False, "container not found"),
    ]


def test_the_active_fraud_model_is_reported_with_its_training_and_metrics():
    model = {
        "version": 3, "feature_set": "signals", "threshold": 0.04321,
        "source": "synthetic (deploy bootstrap)", "training": {"rows_used": 2391},
        "validation": {"roc_auc": 0.9712, "precision": 0.8, "recall": 0.41},
    }  # fmt: skip
    log = json.dumps({"level": "INFO", "message": "Fraud model activated", "version": 3})
    check = parse_fraud_model("app1", "\n".join(["plain text", json.dumps(model), log]))
    assert check.healthy
    assert check.detail == (
        "v3 signals, threshold 0.0432, trained on synthetic (deploy bootstrap) (2391 rows), "
        "held-out ROC-AUC 0.971, precision 0.80, recall 0.41"
    )


def test_no_active_fraud_model_is_unhealthy_and_says_what_to_do():
    check = parse_fraud_model("app1", "null\n")
    assert not check.healthy and "fraud_bootstrap" in check.detail
    broken = parse_fraud_model("app1", "Error: No such container: ecommerce-backend")
    assert not broken.healthy and "No such container" in broken.detail
