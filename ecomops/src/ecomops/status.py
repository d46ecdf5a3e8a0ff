"""`ecomops status`: load balancer health, Prometheus targets, versions per host, the active
fraud model."""

from __future__ import annotations

import base64
import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from ecomops import aws, haproxy
from ecomops.errors import EcomopsError, ExitCode
from ecomops.events import EventTracker, TaskResult
from ecomops.hosts import Inventory
from ecomops.runner import private_data_dir, run_command

CONTAINERS = ("ecommerce-backend", "ecommerce-fraud-api", "ecommerce-frontend")
CHECK_KINDS = ("lb", "prometheus", "versions", "fraud")
# The model lives in the shared database: one app server answers for all.
FRAUD_MODEL_COMMAND = "docker exec ecommerce-backend python manage.py fraud_models --json"


@dataclass(frozen=True)
class Check:
    kind: str
    name: str
    healthy: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "healthy": self.healthy,
            "detail": self.detail,
        }

    def as_result(self) -> TaskResult:
        """The check as a JUnit-able result: the kind is the class, unhealthy a failure."""
        status = "ok" if self.healthy else "failed"
        return TaskResult(
            self.kind, "", self.name, status, 0.0, "" if self.healthy else self.detail
        )


def haproxy_servers(
    project_dir: Path, socket_path: Path, backend: str, timeout: float = 5
) -> list[Check]:
    """The servers of `backend` as HAProxy's admin socket reports them (`show stat`)."""
    reader = haproxy.stat_reader(project_dir)
    try:
        text = reader.show_stat(str(socket_path), timeout)
    except OSError as exc:
        raise EcomopsError(
            f"cannot read HAProxy stats from {socket_path}: {exc}; is the load balancer up?",
            ExitCode.UNHEALTHY,
        ) from None
    return [
        Check(
            "load_balancer",
            name,
            row["status"].startswith("UP"),
            f"{row['status']} {row.get('check_status', '')}".strip(),
        )
        for name, row in reader.servers(text, backend).items()
    ]


def prometheus_credentials(env: Mapping[str, str]) -> tuple[str, str] | None:
    """Prometheus' basic auth from the environment (the prometheus role's user by default)."""
    password = env.get("ECOMOPS_PROMETHEUS_PASSWORD", "")
    if not password:
        return None
    return env.get("ECOMOPS_PROMETHEUS_USER") or "ecomops", password


def prometheus_get(
    base_url: str, path: str, credentials: tuple[str, str] | None, timeout: float = 10
) -> dict[str, Any]:
    """The JSON answer of Prometheus' HTTP API at `path` (with its query string)."""
    url = base_url.rstrip("/") + path
    request = urllib.request.Request(url)  # noqa: S310 - http(s) URL from config
    if credentials:
        token = base64.b64encode(":".join(credentials).encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return json.load(answer)
    except urllib.error.HTTPError as exc:
        if exc.code == 401:
            raise EcomopsError(
                f"Prometheus at {url} refused the credentials: export ECOMOPS_PROMETHEUS_PASSWORD"
                " (and ECOMOPS_PROMETHEUS_USER when it is not ecomops)",
                ExitCode.UNHEALTHY,
            ) from None
        raise EcomopsError(
            f"cannot query Prometheus at {url}: {exc}; is it up? (else pass --prometheus-url)",
            ExitCode.UNHEALTHY,
        ) from None
    except (OSError, ValueError) as exc:
        raise EcomopsError(
            f"cannot query Prometheus at {url}: {exc}; is it up? (else pass --prometheus-url)",
            ExitCode.UNHEALTHY,
        ) from None


def prometheus_targets(
    base_url: str, credentials: tuple[str, str] | None, timeout: float = 10
) -> list[Check]:
    """Every active scrape target and whether Prometheus last saw it up."""
    body = prometheus_get(base_url, "/api/v1/targets?state=active", credentials, timeout)
    return parse_prometheus_targets(body)


def parse_prometheus_targets(body: dict[str, Any]) -> list[Check]:
    """`/api/v1/targets` -> one check per active target, healthy when Prometheus saw it up."""
    return [
        Check(
            "prometheus",
            f"{t['labels'].get('job', '')}/{t['labels'].get('instance', '')}",
            t.get("health") == "up",
            t.get("lastError") or t.get("health", ""),
        )
        for t in body.get("data", {}).get("activeTargets", [])
    ]


def parse_docker_inspect(host: str, output: str) -> list[Check]:
    """`docker inspect` JSON -> which image runs in each expected container on `host`."""
    try:
        containers = json.loads(output or "[]")
    except ValueError:
        containers = []
    running = {c["Name"].lstrip("/"): c for c in containers if isinstance(c, dict)}
    checks = []
    for name in CONTAINERS:
        found = running.get(name)
        if found is None:
            checks.append(Check("version", f"{host}/{name}", False, "container not found"))
        else:
            state = found.get("State", {}).get("Status", "unknown")
            image = found.get("Config", {}).get("Image", "?")
            checks.append(
                Check("version", f"{host}/{name}", state == "running", f"{image} {state}")
            )
    return checks


def _json_lines(output: str) -> list[Any]:
    found = []
    for line in output.splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return found


def parse_fraud_model(host: str, output: str) -> Check:
    """`manage.py fraud_models --json` (the active model, or null) -> one check.

    The backend also logs JSON lines to stdout: the answer is the last null or the last
    object naming a version."""
    answers = [
        line
        for line in _json_lines(output)
        if line is None or (isinstance(line, dict) and {"version", "feature_set"} <= line.keys())
    ]
    model = answers[-1] if answers else {}
    if model is None:
        return Check(
            "fraud_model", "active", False,
            "none: checkouts are not scored; deploy again or run `manage.py fraud_bootstrap`",
        )  # fmt: skip
    if not isinstance(model, dict) or "version" not in model:
        return Check("fraud_model", "active", False, f"{host}: no answer ({output.strip()[:200]})")
    detail = (
        f"v{model['version']} {model['feature_set']}, threshold {model['threshold']:.4f}, "
        f"trained on {model['source']} ({(model.get('training') or {}).get('rows_used')} rows)"
    )
    validation = model.get("validation") or {}
    if "roc_auc" in validation:
        detail += (
            f", held-out ROC-AUC {validation['roc_auc']:.3f}, precision "
            f"{validation['precision']:.2f}, recall {validation['recall']:.2f}"
        )
    return Check("fraud_model", "active", True, detail)


def fraud_model_checks(project_dir: Path, inventory_path: Path) -> list[Check]:
    tracker = EventTracker(None)
    with private_data_dir() as data_dir:
        run_command(
            project_dir, inventory_path, "app_servers[0]", FRAUD_MODEL_COMMAND, tracker, data_dir
        )
    if not tracker.results:
        return [Check("fraud_model", "active", False, "no app server in the inventory")]
    result = tracker.results[0]
    if result.status == "unreachable":
        return [Check("fraud_model", "active", False, f"{result.host} unreachable")]
    return [parse_fraud_model(result.host, result.output or result.message)]


def render_checks(checks: list[Check]) -> str:
    width = max([4, *(len(c.name) for c in checks)])
    lines = [f"{'KIND':<14}{'NAME':<{width}}  {'HEALTH':<11}DETAIL"]
    lines += [
        f"{c.kind:<14}{c.name:<{width}}  {'ok' if c.healthy else 'UNHEALTHY':<11}{c.detail}"
        for c in checks
    ]
    return "\n".join(lines) + "\n"


def inventory_prometheus_url(inventory: Inventory) -> str:
    """Prometheus on the inventory's monitoring host."""
    hosts = inventory.hosts("monitoring")
    # SSH reaches it through a bastion; its dashboards are on its public address.
    host_vars = inventory.vars_of(hosts[0]) if hosts else {}
    address = host_vars.get("ecomops_public_ip") or host_vars.get("ansible_host")
    if not address:
        raise EcomopsError("no monitoring host in the inventory; pass --prometheus-url")
    return f"http://{address}:9090"


def load_balancer_checks(project_dir: Path, variables: dict[str, Any]) -> list[Check]:
    kind = variables.get("ecomops_lb_kind")
    if kind == "haproxy":
        sock = Path(variables.get("ecomops_haproxy_socket") or "")
        sock = sock if sock.is_absolute() else project_dir / sock
        return haproxy_servers(project_dir, sock, str(variables.get("ecomops_haproxy_backend")))
    if kind == "alb":
        session = boto3.Session(region_name=variables.get("ecomops_region"))
        return [
            Check("load_balancer", row["target"], row["state"] == "healthy", row["reason"])
            for row in aws.target_health(session, str(variables.get("ecomops_target_group_arn")))
        ]
    raise EcomopsError(f"the inventory names no known load balancer kind (got {kind!r})")


def version_checks(project_dir: Path, inventory_path: Path) -> list[Check]:
    tracker = EventTracker(None)
    with private_data_dir() as data_dir:
        run_command(
            project_dir,
            inventory_path,
            "app_servers",
            "docker inspect " + " ".join(CONTAINERS),
            tracker,
            data_dir,
        )
    checks = []
    for result in sorted(tracker.results, key=lambda r: r.host):
        if result.status == "unreachable":
            checks.append(Check("version", result.host, False, "unreachable"))
        else:
            checks.extend(parse_docker_inspect(result.host, result.output))
    return checks


def gather(
    project_dir: Path,
    inventory_path: Path,
    inventory: Inventory,
    prometheus_url: str | None,
    kinds: tuple[str, ...],
) -> list[Check]:
    checks: list[Check] = []
    if "lb" in kinds:
        checks += load_balancer_checks(project_dir, inventory.common_vars())
    if "prometheus" in kinds:
        url = prometheus_url or inventory_prometheus_url(inventory)
        checks += prometheus_targets(url, prometheus_credentials(os.environ))
    if "versions" in kinds:
        checks += version_checks(project_dir, inventory_path)
    if "fraud" in kinds:
        checks += fraud_model_checks(project_dir, inventory_path)
    return checks


def gather_until_healthy(
    gather_once: Callable[[], list[Check]], wait: float, interval: float = 5
) -> list[Check]:
    """Checks from `gather_once`, asked again until all are healthy or `wait` seconds pass.

    Right after a deploy Prometheus has not scraped the new targets yet ("unknown")
    and a restarted service may still refuse connections: a smoke test waits for
    them instead of failing on a state that is seconds from right.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            checks = gather_once()
        except EcomopsError as exc:
            if exc.code != ExitCode.UNHEALTHY or time.monotonic() >= deadline:
                raise
            pending = str(exc)
        else:
            if all(check.healthy for check in checks) or time.monotonic() >= deadline:
                return checks
            pending = ", ".join(f"{c.name} ({c.detail})" for c in checks if not c.healthy)
        left = max(deadline - time.monotonic(), 0)
        print(f"status: waiting {left:.0f}s more for: {pending}", file=sys.stderr, flush=True)
        time.sleep(min(interval, left))
