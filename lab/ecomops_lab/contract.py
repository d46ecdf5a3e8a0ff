"""The inventory contract (inventories/CONTRACT.md) for the lab, as Terraform emits it for AWS."""

from __future__ import annotations

from typing import Any

from ecomops_lab.plan import PROJECT, REGION, SSH_USER, Host, Plan

HAPROXY_BACKEND = "app_servers"
DB_NAME = PROJECT
DB_USER = PROJECT


def outputs(
    plan: Plan, published: dict[str, dict[int, int]], haproxy_socket: str, ssh_key: str
) -> dict[str, Any]:
    """`published`: container name -> container port -> port on 127.0.0.1."""

    def ssh_port(host: Host) -> int:
        return published[host.container][22]

    monitoring = plan.one("monitoring")
    lb_port = published[plan.one("lb").container][80]
    return {
        "schema": 1,
        "project": PROJECT,
        "environment": "lab",
        "region": REGION,
        "ssh_user": SSH_USER,
        # The lab's key pair: the wrapper's ssh config uses it on the jump hop too.
        "ssh_private_key_file": ssh_key,
        "bastions": [
            {
                "name": b.name,
                "az": b.az,
                "public_ip": "127.0.0.1",
                "private_ip": str(b.private_ip),
                "ssh_port": ssh_port(b),
            }
            for b in plan.by_role("bastion")
        ],
        "app_servers": [
            {
                "name": a.name,
                "az": a.az,
                "private_ip": str(a.private_ip),
                "instance_id": a.container,
            }
            for a in plan.by_role("app")
        ],
        "monitoring": {
            "name": monitoring.name,
            "az": monitoring.az,
            "public_ip": "127.0.0.1",
            "private_ip": str(monitoring.private_ip),
        },
        "database": {
            "address": str(plan.one("db").private_ip),
            "port": 5432,
            "name": DB_NAME,
            "username": DB_USER,
        },
        "load_balancer": {
            "kind": "haproxy",
            "dns_name": f"127.0.0.1:{lb_port}",
            "url": f"http://127.0.0.1:{lb_port}",
            "target_group_arn": None,
            "haproxy_socket": haproxy_socket,
            "haproxy_backend": HAPROXY_BACKEND,
        },
    }
