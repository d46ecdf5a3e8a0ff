"""Check 1: app and monitoring hosts answer SSH only through a bastion (and SGs hold)."""

from __future__ import annotations

import socket

import pytest
from ecomops_lab.probe import LabView

pytestmark = pytest.mark.e2e


def tcp_open(host: str, port: int, timeout: float = 3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def test_direct_ssh_to_an_app_host_fails_and_through_its_bastion_it_works(view: LabView) -> None:
    for app in view.app_servers:
        direct = view.ssh(
            app["name"], "hostname", timeout=30, check=False, ProxyJump="none", ConnectTimeout="5"
        )
        assert direct.returncode == 255, f"{app['name']} answered SSH directly: {direct.stdout}"
        jumped = view.ssh(app["name"], "hostname", timeout=60)
        assert jumped.stdout.strip() == app["instance_id"].removeprefix("ecomops-lab-")


def test_the_monitoring_host_takes_ssh_only_through_a_bastion(view: LabView) -> None:
    monitoring = view.outputs["monitoring"]
    assert not tcp_open(monitoring["private_ip"], 22), "its sshd answers the control node"
    jumped = view.ssh(monitoring["name"], "hostname", timeout=60)
    assert jumped.stdout.strip() == "monitoring"


def test_only_published_ports_are_reachable_from_the_control_node(view: LabView) -> None:
    for app in view.app_servers:
        for port in (22, 3000, 8000, 9100):
            assert not tcp_open(app["private_ip"], port), f"{app['name']}:{port} is reachable"
    assert not tcp_open(view.outputs["database"]["address"], 5432)
    for bastion in view.outputs["bastions"]:
        assert tcp_open("127.0.0.1", bastion["ssh_port"])


def test_the_database_answers_app_hosts_only(view: LabView) -> None:
    db = view.outputs["database"]["address"]
    probe = f"timeout 3 bash -c '</dev/tcp/{db}/5432' && echo open || echo closed"
    for app in view.app_servers:
        assert view.ssh(app["name"], probe).stdout.strip() == "open"
    for host in [b["name"] for b in view.outputs["bastions"]] + [
        view.outputs["monitoring"]["name"]
    ]:
        assert view.ssh(host, probe).stdout.strip() == "closed", f"{host} reaches the database"


def test_bastions_cannot_reach_the_app_port_the_load_balancer_uses(view: LabView) -> None:
    bastion = view.outputs["bastions"][0]
    app = next(a for a in view.app_servers if a["az"] == bastion["az"])
    probe = f"timeout 3 bash -c '</dev/tcp/{app['private_ip']}/3000' && echo open || echo closed"
    assert view.ssh(bastion["name"], probe).stdout.strip() == "closed"
