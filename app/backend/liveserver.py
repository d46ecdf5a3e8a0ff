"""The backend and the fraud API as real servers for tests: gunicorn, PostgreSQL (pgcluster)."""

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pgcluster import PgCluster, free_port

BACKEND = Path(__file__).resolve().parent
FRAUD_API = BACKEND.parent / "fraud-api"


def backend_env(pg_cluster: PgCluster, dbname: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "race-test-secret-key-" + "x" * 30,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "1",
        "MIGRATION_WAIT_SECONDS": "120",
        **pg_cluster.env(dbname),
        **extra,
    }


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


@dataclass(frozen=True)
class LiveBackend:
    """HTTP to the server, one connection per request (so gunicorn spreads them)."""

    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        source: str = "127.0.0.1",
    ) -> Answer:
        """`source` is the local address the connection comes from (any of 127.0.0.0/8)."""
        sent = {"Host": "127.0.0.1", **(headers or {})}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        finally:
            connection.close()


def _status(server: LiveBackend, path: str) -> int:
    try:
        return server.request("GET", path).status
    except OSError:
        return 0


@contextmanager
def _serve(
    command: list[str], env: dict[str, str], cwd: Path, log: Path, port: int,
    ready_path: str, timeout: float,
) -> Iterator[LiveBackend]:  # fmt: skip
    """Run `command` until the block ends, once `ready_path` answers 200 on `port`."""
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    server = LiveBackend(port=port, log=log)
    try:
        deadline = time.monotonic() + timeout
        while _status(server, ready_path) != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"{command[0]} on port {port} did not answer {ready_path} 200 within "
                    f"{timeout:.0f}s (exit code {process.poll()}); its log:\n"
                    f"{log.read_text()[-3000:]}"
                )
            time.sleep(0.3)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@contextmanager
def live_backend(
    pg_cluster: PgCluster, dbname: str, tmp_path: Path, timeout: float = 120, **env: str
) -> Iterator[LiveBackend]:
    """Migrate `dbname` through the entrypoint, serve it with gunicorn until the block ends."""
    pg_cluster.create_database(dbname)
    port = free_port()
    environment = backend_env(
        pg_cluster, dbname, tmp_path, GUNICORN_BIND=f"127.0.0.1:{port}", RUN_MIGRATIONS="true",
        **env,
    )  # fmt: skip
    with _serve(
        [str(BACKEND / "docker-entrypoint.sh")], environment, tmp_path,
        tmp_path / f"{dbname}.log", port, "/readyz", timeout,
    ) as server:  # fmt: skip
        yield server


@contextmanager
def live_fraud_api(
    pg_cluster: PgCluster, dbname: str, tmp_path: Path, timeout: float = 60, **env: str
) -> Iterator[LiveBackend]:
    """The fraud API (app/fraud-api) with its gunicorn settings, reading `dbname`'s models;
    started once /healthz answers (a model may not be loaded yet)."""
    port = free_port()
    environment = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONPATH": f"{FRAUD_API}:{BACKEND}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        **pg_cluster.env(dbname),
        **env,
    }
    with _serve(
        [sys.executable, "-m", "gunicorn", "fraud_api.wsgi:application",
         "--config", str(FRAUD_API / "gunicorn.conf.py")],
        environment, FRAUD_API, tmp_path / f"fraud-api-{port}.log", port, "/healthz", timeout,
    ) as server:  # fmt: skip
        yield server
