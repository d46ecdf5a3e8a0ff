"""What the lab is made of, computed without touching Docker.

The networks mirror the AWS subnets (public, one private per AZ, the database
subnets, and the "default VPC" of the monitoring host); every container gets
fixed addresses so that the firewall rules, HAProxy's backend and the contract
can be written before anything starts.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Literal

PREFIX = "ecomops-lab"
PROJECT = "ecommerce"
REGION = "lab"
AZS = ("lab-a", "lab-b")
SSH_USER = "ubuntu"
MAX_APP_HOSTS = 40
REGISTRY_NAME = "registry.ecomops.lab"
APT_PROXY_NAME = "apt.ecomops.lab"

Role = Literal["bastion", "app", "monitoring", "db", "lb", "registry", "aptcache"]


@dataclass(frozen=True)
class Network:
    key: str
    subnet: IPv4Network
    # No route out: the database subnets, like RDS's, reach nothing.
    internal: bool = False

    @property
    def name(self) -> str:
        return f"{PREFIX}-{self.key}"

    @property
    def gateway(self) -> IPv4Address:
        return self.subnet.network_address + 1

    def address(self, index: int) -> IPv4Address:
        return self.subnet.network_address + index


@dataclass(frozen=True)
class Host:
    key: str
    name: str
    role: Role
    image: str
    # network key -> address, in the order the container is attached.
    addresses: dict[str, IPv4Address]
    az: str | None = None
    # container port -> wanted port on 127.0.0.1 (0: any free port).
    published: dict[int, int] = field(default_factory=dict)
    # DNS names the lab's embedded DNS answers with this host's address.
    aliases: tuple[str, ...] = ()

    @property
    def container(self) -> str:
        return f"{PREFIX}-{self.key}"

    @property
    def dind(self) -> bool:
        return self.role == "app"

    @property
    def ssh(self) -> bool:
        return self.role in {"bastion", "app", "monitoring"}

    def ip_on(self, network: str) -> IPv4Address:
        return self.addresses[network]

    @property
    def private_ip(self) -> IPv4Address:
        return next(iter(self.addresses.values()))


@dataclass(frozen=True)
class Ports:
    http: int = 8080
    prometheus: int = 9090
    grafana: int = 3001
    registry: int = 0

    @classmethod
    def from_env(cls) -> Ports:
        def port(var: str, default: int) -> int:
            return int(os.environ.get(var, default))

        return cls(
            http=port("LAB_HTTP_PORT", cls.http),
            prometheus=port("LAB_PROMETHEUS_PORT", cls.prometheus),
            grafana=port("LAB_GRAFANA_PORT", cls.grafana),
            registry=port("LAB_REGISTRY_PORT", cls.registry),
        )


@dataclass(frozen=True)
class Plan:
    networks: dict[str, Network]
    hosts: list[Host]

    def by_role(self, role: Role) -> list[Host]:
        return [h for h in self.hosts if h.role == role]

    def one(self, role: Role) -> Host:
        (host,) = self.by_role(role)
        return host

    def bastion_for(self, az: str) -> Host:
        return next(h for h in self.by_role("bastion") if h.az == az)

    @property
    def registry_address(self) -> str:
        return f"{REGISTRY_NAME}:5000"


def private_key(az: str) -> str:
    return f"private-{az.removeprefix(f'{REGION}-')}"


def build_plan(app_hosts: int, base: str = "10.77", ports: Ports | None = None) -> Plan:
    """The lab for `app_hosts` application servers spread over the AZs."""
    if not 1 <= app_hosts <= MAX_APP_HOSTS:
        raise ValueError(f"APP_HOSTS must be between 1 and {MAX_APP_HOSTS}, not {app_hosts}")
    ports = ports or Ports()
    net = {
        n.key: n
        for n in (
            Network("public", ipaddress.IPv4Network(f"{base}.1.0/24")),
            *(
                Network(private_key(az), ipaddress.IPv4Network(f"{base}.{11 + i}.0/24"))
                for i, az in enumerate(AZS)
            ),
            Network("db", ipaddress.IPv4Network(f"{base}.21.0/24"), internal=True),
            Network("default", ipaddress.IPv4Network(f"{base}.31.0/24")),
        )
    }
    privates = [private_key(az) for az in AZS]
    hosts: list[Host] = []
    for i, az in enumerate(AZS):
        suffix = az.removeprefix(f"{REGION}-")
        hosts.append(
            Host(
                key=f"bastion-{suffix}",
                name=f"{PROJECT}_bastion_{suffix}",
                role="bastion",
                image="ecomops/labhost",
                az=az,
                addresses={
                    private_key(az): net[private_key(az)].address(10),
                    "public": net["public"].address(10 + i),
                    # The VPC peering: the bastions are the monitoring host's jump hosts.
                    "default": net["default"].address(11 + i),
                },
                published={22: 0},
            )
        )
    for i in range(1, app_hosts + 1):
        az = AZS[(i - 1) % len(AZS)]
        hosts.append(
            Host(
                key=f"app-{i}",
                name=f"{PROJECT}_app_{i}",
                role="app",
                image="ecomops/labhost",
                az=az,
                addresses={
                    private_key(az): net[private_key(az)].address(100 + i),
                    "db": net["db"].address(100 + i),
                },
            )
        )
    hosts += [
        Host(
            key="monitoring",
            name=f"{PROJECT}_monitoring",
            role="monitoring",
            image="ecomops/labhost",
            az=AZS[0],
            addresses={
                "default": net["default"].address(10),
                **{p: net[p].address(40) for p in privates},
            },
            # SSH only through the bastions, like the app hosts: not published.
            published={9090: ports.prometheus, 3000: ports.grafana},
        ),
        Host(
            key="db",
            name=f"{PROJECT}_db",
            role="db",
            image="ecomops/postgres",
            addresses={"db": net["db"].address(10)},
        ),
        Host(
            key="lb",
            name=f"{PROJECT}_lb",
            role="lb",
            image="ecomops/haproxy",
            addresses={
                "public": net["public"].address(20),
                **{p: net[p].address(20) for p in privates},
            },
            published={80: ports.http},
        ),
        Host(
            key="registry",
            name=f"{PROJECT}_registry",
            role="registry",
            image="ecomops/registry",
            addresses={p: net[p].address(30) for p in privates},
            published={5000: ports.registry},
            aliases=(REGISTRY_NAME,),
        ),
        Host(
            key="aptcache",
            name=f"{PROJECT}_aptcache",
            role="aptcache",
            image="ecomops/aptcache",
            addresses={
                **{p: net[p].address(5) for p in privates},
                "public": net["public"].address(5),
                "default": net["default"].address(5),
            },
            aliases=(APT_PROXY_NAME,),
        ),
    ]
    return Plan(networks=net, hosts=hosts)
