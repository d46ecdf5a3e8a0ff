"""The inventory contract (inventories/CONTRACT.md): parse and validate it.

Terraform, the lab and EC2 discovery all produce this document. Every problem
found is reported at once, each naming the field at fault, so a broken output
is fixed in one round trip.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ecomops.errors import EcomopsError, ExitCode

SCHEMA_VERSION = 1
LB_KINDS = ("alb", "haproxy")
ENVIRONMENTS = ("aws", "lab")
# arn:<partition>:secretsmanager:<region>:<account>:secret:<name>; the region is where to ask.
SECRET_ARN = re.compile(r"arn:aws[a-z-]*:secretsmanager:(?P<region>[a-z0-9-]+):\d{12}:secret:.+")


class ContractError(EcomopsError):
    """The contract document is malformed; `problems` lists each field at fault."""

    def __init__(self, problems: list[str], source: str) -> None:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"invalid inventory contract from {source}:\n{lines}\n"
            "Fix the producer (terraform output `inventory`, the lab's .lab/outputs.json) "
            "as described in inventories/CONTRACT.md.",
            ExitCode.USAGE,
        )
        self.problems = problems


@dataclass(frozen=True)
class Host:
    name: str
    az: str
    private_ip: str
    public_ip: str | None = None
    ssh_port: int = 22
    instance_id: str | None = None


@dataclass(frozen=True)
class Database:
    address: str
    port: int
    name: str
    username: str
    # The Secrets Manager secret RDS keeps the password in; None: ECOMOPS_DB_PASSWORD.
    password_secret_arn: str | None = None


@dataclass(frozen=True)
class LoadBalancer:
    kind: str
    dns_name: str
    url: str
    target_group_arn: str | None = None
    haproxy_socket: str | None = None
    haproxy_backend: str | None = None


@dataclass(frozen=True)
class Contract:
    project: str
    environment: str
    region: str
    ssh_user: str
    bastions: tuple[Host, ...]
    app_servers: tuple[Host, ...]
    monitoring: Host
    database: Database
    load_balancer: LoadBalancer
    ssh_private_key_file: str | None = None

    def bastion_for(self, az: str) -> Host:
        return next(b for b in self.bastions if b.az == az)

    @property
    def hosts(self) -> tuple[Host, ...]:
        return (*self.bastions, *self.app_servers, self.monitoring)


class _Reader:
    """Reads typed fields out of nested JSON, collecting problems instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def obj(self, doc: Any, path: str) -> dict[str, Any]:
        if isinstance(doc, dict):
            return doc
        self.problems.append(f"{path}: expected an object, got {type(doc).__name__}")
        return {}

    def text(self, doc: dict[str, Any], key: str, path: str, *, optional: bool = False) -> str:
        value = doc.get(key)
        if value is None and optional:
            return ""
        if not isinstance(value, str) or not value:
            what = "missing" if value is None else f"must be a non-empty string, got {value!r}"
            self.problems.append(f"{path}.{key}: {what}")
            return ""
        return value

    def maybe(self, doc: dict[str, Any], key: str, path: str, required: bool) -> str | None:
        return self.text(doc, key, path, optional=not required) or None

    def number(self, doc: dict[str, Any], key: str, path: str, default: int | None = None) -> int:
        value = doc.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
            what = "missing" if key not in doc else f"must be a port number, got {value!r}"
            self.problems.append(f"{path}.{key}: {what}")
            return 0
        return value

    def address(self, doc: dict[str, Any], key: str, path: str, *, optional: bool = False) -> str:
        value = self.text(doc, key, path, optional=optional)
        if value:
            try:
                ipaddress.ip_address(value)
            except ValueError:
                self.problems.append(f"{path}.{key}: {value!r} is not an IP address")
        return value

    def secret_arn(self, doc: dict[str, Any], key: str, path: str) -> str | None:
        value = self.maybe(doc, key, path, False)
        if value and not SECRET_ARN.fullmatch(value):
            self.problems.append(f"{path}.{key}: {value!r} is not a Secrets Manager secret's ARN")
        return value

    def choice(self, doc: dict[str, Any], key: str, path: str, choices: tuple[str, ...]) -> str:
        value = self.text(doc, key, path)
        if value and value not in choices:
            self.problems.append(f"{path}.{key}: {value!r} is not one of {', '.join(choices)}")
        return value

    def host(self, doc: Any, path: str, *, public: bool) -> Host:
        doc = self.obj(doc, path)
        return Host(
            name=self.text(doc, "name", path),
            az=self.text(doc, "az", path),
            private_ip=self.address(doc, "private_ip", path),
            public_ip=self.address(doc, "public_ip", path, optional=not public) or None,
            ssh_port=self.number(doc, "ssh_port", path, default=22),
            instance_id=doc.get("instance_id") or None,
        )

    def hosts(self, doc: dict[str, Any], key: str, *, public: bool) -> tuple[Host, ...]:
        items = doc.get(key)
        if not isinstance(items, list) or not items:
            self.problems.append(f"{key}: must be a non-empty list of hosts")
            return ()
        return tuple(
            self.host(item, f"{key}[{index}]", public=public) for index, item in enumerate(items)
        )


def parse_contract(doc: Any, source: str = "input") -> Contract:
    """Validate a contract document and return it typed; raise ContractError naming each fault."""
    read = _Reader()
    top = read.obj(doc, "(document)")
    if not top:
        raise ContractError(read.problems or ["(document): empty"], source)
    if top.get("schema") != SCHEMA_VERSION:
        read.problems.append(f"schema: expected {SCHEMA_VERSION}, got {top.get('schema')!r}")
    bastions = read.hosts(top, "bastions", public=True)
    app_servers = read.hosts(top, "app_servers", public=False)
    monitoring = read.host(top.get("monitoring"), "monitoring", public=True)
    db = read.obj(top.get("database"), "database")
    lb = read.obj(top.get("load_balancer"), "load_balancer")
    lb_kind = read.choice(lb, "kind", "load_balancer", LB_KINDS)
    load_balancer = LoadBalancer(
        kind=lb_kind,
        dns_name=read.text(lb, "dns_name", "load_balancer"),
        url=read.text(lb, "url", "load_balancer"),
        target_group_arn=read.maybe(lb, "target_group_arn", "load_balancer", lb_kind == "alb"),
        haproxy_socket=read.maybe(lb, "haproxy_socket", "load_balancer", lb_kind == "haproxy"),
        haproxy_backend=read.maybe(lb, "haproxy_backend", "load_balancer", lb_kind == "haproxy"),
    )
    contract = Contract(
        project=read.text(top, "project", "(document)"),
        environment=read.choice(top, "environment", "(document)", ENVIRONMENTS),
        region=read.text(top, "region", "(document)"),
        ssh_user=read.text(top, "ssh_user", "(document)"),
        bastions=bastions,
        app_servers=app_servers,
        monitoring=monitoring,
        database=Database(
            address=read.text(db, "address", "database"),
            port=read.number(db, "port", "database"),
            name=read.text(db, "name", "database"),
            username=read.text(db, "username", "database"),
            password_secret_arn=read.secret_arn(db, "password_secret_arn", "database"),
        ),
        load_balancer=load_balancer,
        ssh_private_key_file=read.maybe(top, "ssh_private_key_file", "(document)", False),
    )
    read.problems.extend(_topology_problems(contract))
    if read.problems:
        raise ContractError(read.problems, source)
    return contract


def _topology_problems(contract: Contract) -> list[str]:
    problems = []
    names = Counter(host.name for host in contract.hosts if host.name)
    problems += [
        f"host name {name!r} is used {count} times; names must be unique"
        for name, count in sorted(names.items())
        if count > 1
    ]
    bastion_azs = Counter(b.az for b in contract.bastions if b.az)
    problems += [
        f"bastions: {count} bastions in {az}; expected exactly one per AZ"
        for az, count in sorted(bastion_azs.items())
        if count > 1
    ]
    # Every private host, and the monitoring server, is reached through its AZ's bastion.
    jumped = [(f"app_servers[{i}]", host) for i, host in enumerate(contract.app_servers)]
    problems += [
        f"{path} ({host.name}): no bastion in its AZ {host.az!r}; "
        f"bastions are in {', '.join(sorted(bastion_azs)) or 'no AZ'}"
        for path, host in [*jumped, ("monitoring", contract.monitoring)]
        if host.az and host.az not in bastion_azs
    ]
    return problems
