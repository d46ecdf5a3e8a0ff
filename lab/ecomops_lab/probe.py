"""Looking at a running lab from the control node: what the e2e tests and benchmarks use.

Everything goes through the lab's published ports, its ssh config (ProxyJump
through the bastions) and the HAProxy admin socket, like an operator would.
"""

from __future__ import annotations

import http.client
import json
import math
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecomops.haproxy import stat_reader
from ecomops.status import prometheus_credentials, prometheus_get

from ecomops_lab.state import LabDir, load_env

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class LabView:
    lab: LabDir
    outputs: dict[str, Any]
    state: dict[str, Any]
    env: dict[str, str]

    @classmethod
    def load(cls, repo: Path = REPO) -> LabView:
        lab = LabDir.under(repo)
        if not lab.outputs.exists():
            raise RuntimeError("the lab is not up: run 'make lab'")
        return cls(
            lab=lab,
            outputs=json.loads(lab.outputs.read_text()),
            state=json.loads(lab.state.read_text()),
            env=load_env(lab.env),
        )

    @property
    def lb_url(self) -> str:
        return str(self.outputs["load_balancer"]["url"])

    @property
    def app_servers(self) -> list[dict[str, Any]]:
        return list(self.outputs["app_servers"])

    def published(self, container_suffix: str, port: int) -> int:
        for name, ports in self.state["published"].items():
            if name.endswith(container_suffix):
                return int(ports[str(port)])
        raise KeyError(container_suffix)

    @property
    def prometheus_url(self) -> str:
        return f"http://127.0.0.1:{self.published('-monitoring', 9090)}"

    def ssh(
        self, host: str, command: str, timeout: float = 60, check: bool = True, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        options = [arg for k, v in extra.items() for arg in ("-o", f"{k}={v}")]
        return subprocess.run(
            ["ssh", "-F", str(self.lab.ssh_config), "-o", "BatchMode=yes", *options, host, command],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
        )

    def django_shell(self, host: str, script: str, timeout: float = 120) -> str:
        """Runs a Python script in the backend's `manage.py shell` on `host`; returns its output.

        Sent on stdin: nothing in the script (passwords) appears on a command line of the host.
        """
        run = subprocess.run(
            ["ssh", "-F", str(self.lab.ssh_config), host,
             "sudo docker exec -i ecommerce-backend python manage.py shell"],
            input=script, text=True, check=True, capture_output=True, timeout=timeout,
        )  # fmt: skip
        return run.stdout

    def backend_servers(self) -> dict[str, dict[str, str]]:
        """HAProxy's view of each app server: status (UP/DOWN/MAINT), sessions served."""
        reader = stat_reader(REPO)
        balancer = self.outputs["load_balancer"]
        return reader.servers(
            reader.show_stat(str(balancer["haproxy_socket"])), balancer["haproxy_backend"]
        )

    def prometheus(self, path: str, **params: str) -> Any:
        """Prometheus' API with the lab's credentials (ECOMOPS_PROMETHEUS_PASSWORD of .lab/env)."""
        query = f"{path}?{urllib.parse.urlencode(params)}"
        body = prometheus_get(self.prometheus_url, query, prometheus_credentials(self.env))
        if body.get("status") != "success":
            raise RuntimeError(f"Prometheus {path} {params}: {body}")
        return body["data"]


def http_request(
    method: str,
    url: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> tuple[int, bytes]:
    """One request on a new connection; `body`, if given, is sent as JSON."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    sent = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    try:
        path = parts.path or "/"
        conn.request(method, f"{path}?{parts.query}" if parts.query else path, data, sent)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def http_get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    return http_request("GET", url, timeout=timeout)


@dataclass
class LoadResult:
    started: float
    samples: list[tuple[float, int, float]] = field(default_factory=list)  # time, status, secs

    def failures(self, since: float = 0.0) -> list[tuple[float, int, float]]:
        return [s for s in self.samples if s[0] >= since and s[1] != 200]

    def count(self, since: float = 0.0) -> int:
        return sum(1 for s in self.samples if s[0] >= since)

    def between(self, start: float, end: float) -> list[tuple[float, int, float]]:
        return [s for s in self.samples if start <= s[0] < end]

    def p99(self, start: float, end: float) -> float:
        """The 99th percentile latency (s) of the requests sent in [start, end)."""
        durations = sorted(s[2] for s in self.between(start, end))
        if not durations:
            raise ValueError("no request was sent in that window")
        return durations[min(len(durations) - 1, math.ceil(0.99 * len(durations)) - 1)]


class Load:
    """Constant load on `url` from `clients` threads, each request on a new connection.

    `limit` bounds the number of requests: the load stops once that many were sent.
    """

    def __init__(
        self, url: str, clients: int = 4, pause: float = 0.02, limit: int | None = None
    ) -> None:
        self.url, self.clients, self.pause, self.limit = url, clients, pause, limit
        self.result = LoadResult(started=time.monotonic())
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(clients)]

    def _loop(self) -> None:
        while not self._stop.is_set():
            start = time.monotonic()
            try:
                status, _ = http_get(self.url, timeout=10)
            except OSError:
                status = 0
            with self._lock:
                self.result.samples.append((start, status, time.monotonic() - start))
                if self.limit is not None and len(self.result.samples) >= self.limit:
                    self._stop.set()
            time.sleep(self.pause)

    def __enter__(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=15)
