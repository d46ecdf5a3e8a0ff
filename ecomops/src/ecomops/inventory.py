"""Contract -> Ansible inventory, plus the SSH config that makes ProxyJump work.

App servers and the monitoring server are reached through the bastion of their
AZ with ProxyJump (only the bastions take SSH from outside). OpenSSH
ignores `-i` on the jump hop, so keys, user and host-key policy live in a
generated ssh_config passed with `-F`, which ssh also hands to the jump hop.
Host keys are checked: new ones are accepted into a project known_hosts,
changed ones refused.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ecomops.contract import Contract, Host

FORMATS = ("yaml", "json")


@dataclass(frozen=True)
class SshFiles:
    """Where the generated SSH config and the project known_hosts live."""

    config: Path
    known_hosts: Path
    identity: Path | None = None

    @classmethod
    def under(cls, directory: Path, identity: Path | None = None) -> SshFiles:
        directory = directory.resolve()
        return cls(directory / "config", directory / "known_hosts", identity)


def az_group(az: str) -> str:
    """`us-east-1a` -> `az_us_east_1a` (group names must be identifiers)."""
    return "az_" + re.sub(r"[^a-z0-9]+", "_", az.lower()).strip("_")


def _host_vars(host: Host, address: str | None, port: int) -> dict[str, Any]:
    return {
        "ansible_host": address,
        "ansible_port": port,
        "ecomops_az": host.az,
        "ecomops_private_ip": host.private_ip,
        # Where the control node reaches the host's public services (Prometheus, Grafana).
        **({"ecomops_public_ip": host.public_ip} if host.public_ip else {}),
    }


def build_inventory(contract: Contract, ssh: SshFiles) -> dict[str, Any]:
    """The inventory as the nested dict Ansible's YAML/JSON inventory formats share."""
    ssh_args = f"-F {shlex.quote(str(ssh.config))}"

    def through_bastion(host: Host) -> dict[str, Any]:
        bastion = contract.bastion_for(host.az)
        return {
            **_host_vars(host, host.private_ip, 22),
            "ecomops_bastion": bastion.name,
            "ansible_ssh_common_args": f"{ssh_args} -o ProxyJump={bastion.name}",
        }

    bastions = {b.name: _host_vars(b, b.public_ip, b.ssh_port) for b in contract.bastions}
    app_servers = {
        # The ALB's target group registers instances by id (lb_member, rolling deploys).
        app.name: {
            **through_bastion(app),
            **({"ecomops_instance_id": app.instance_id} if app.instance_id else {}),
        }
        for app in contract.app_servers
    }
    mon = contract.monitoring
    azs: dict[str, dict[str, Any]] = {}
    for host in contract.hosts:
        azs.setdefault(az_group(host.az), {"hosts": {}})["hosts"][host.name] = None
    db, lb = contract.database, contract.load_balancer
    return {
        "all": {
            "vars": {
                "ansible_user": contract.ssh_user,
                "ansible_ssh_common_args": ssh_args,
                "ecomops_project": contract.project,
                "ecomops_environment": contract.environment,
                "ecomops_region": contract.region,
                "ecomops_db_host": db.address,
                "ecomops_db_port": db.port,
                "ecomops_db_name": db.name,
                "ecomops_db_user": db.username,
                # Only the ARN: the playbooks and `ecomops deploy` read the password at run time.
                **(
                    {"ecomops_db_password_secret_arn": db.password_secret_arn}
                    if db.password_secret_arn
                    else {}
                ),
                "ecomops_lb_kind": lb.kind,
                "ecomops_lb_dns_name": lb.dns_name,
                "ecomops_lb_url": lb.url,
                "ecomops_target_group_arn": lb.target_group_arn,
                "ecomops_haproxy_socket": lb.haproxy_socket,
                "ecomops_haproxy_backend": lb.haproxy_backend,
            },
            "children": {
                "bastions": {"hosts": bastions},
                "app_servers": {"hosts": app_servers},
                "monitoring": {"hosts": {mon.name: through_bastion(mon)}},
                **dict(sorted(azs.items())),
            },
        }
    }


def render_ssh_config(contract: Contract, ssh: SshFiles, source: str) -> str:
    """ssh_config with one alias per bastion (the ProxyJump targets) and the shared policy."""
    lines = [
        f"# Written by `ecomops inventory` from {source}; regenerated on every run.",
        "# Bastions are ProxyJump targets by inventory name; the policy below applies to",
        "# every hop, because OpenSSH does not pass -i or -o options on to the jump host.",
    ]
    for bastion in contract.bastions:
        lines += [f"Host {bastion.name}", f"  HostName {bastion.public_ip}"]
        lines += [f"  Port {bastion.ssh_port}", ""]
    lines += [
        "Host *",
        f"  User {contract.ssh_user}",
        f'  UserKnownHostsFile "{ssh.known_hosts}"',
        "  StrictHostKeyChecking accept-new",
        "  ServerAliveInterval 15",
    ]
    if ssh.identity is not None:
        lines += [f'  IdentityFile "{ssh.identity}"', "  IdentitiesOnly yes"]
    return "\n".join(lines) + "\n"


def render_inventory(inventory: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(inventory, indent=2) + "\n"
    header = "# Generated by `ecomops inventory`; do not edit, regenerate it.\n"
    return header + yaml.safe_dump(
        inventory, sort_keys=False, default_flow_style=False, explicit_start=True
    )


def write_ssh_files(contract: Contract, ssh: SshFiles, source: str) -> None:
    """Write the ssh_config; keep known_hosts (it is the memory of trusted host keys)."""
    ssh.config.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    ssh.config.write_text(render_ssh_config(contract, ssh, source))
    ssh.config.chmod(0o600)
    if not ssh.known_hosts.exists():
        ssh.known_hosts.touch(mode=0o600)
