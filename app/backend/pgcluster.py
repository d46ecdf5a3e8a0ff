"""A throwaway PostgreSQL cluster for tests and benchmarks (not shipped in the image).

initdb/pg_ctl come from PATH (/usr/local/bin here). PostgreSQL refuses to run as root, so
when the caller is root (CI containers, this lab) the cluster is created and started as
`nobody` through `setpriv` (util-linux); as any other user it runs as that user. It listens
only on a unix socket in its own temporary directory, on a port chosen free at run time, with
durability off (fsync, synchronous_commit) because its data is thrown away.
"""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

NOBODY = 65534


@dataclass(frozen=True)
class PgCluster:
    socket_dir: Path
    port: int
    user: str = "postgres"

    def env(self, dbname: str) -> dict[str, str]:
        """Environment for a backend process (manage.py, gunicorn) using database `dbname`."""
        return {
            "DB_HOST": str(self.socket_dir),
            "DB_PORT": str(self.port),
            "DB_USER": self.user,
            "DB_PASSWORD": "",
            "DB_NAME": dbname,
        }

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        """A connection of its own, in autocommit, beside Django's."""
        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=self.user,
            dbname=dbname,
            autocommit=True,
        )

    def create_database(self, name: str) -> None:
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_cluster_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]


def _run(cmd: list[str]) -> None:
    result = subprocess.run(_as_cluster_owner(cmd), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:2])} failed:\n{result.stdout}{result.stderr}")


@contextmanager
def running_cluster() -> Iterator[PgCluster]:
    for tool in ("initdb", "pg_ctl"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} not found on PATH; install the PostgreSQL server binaries.")
    base = Path(tempfile.mkdtemp(prefix="ecommerce-pg-"))
    base.chmod(0o755)
    data, sockets = base / "data", base / "socket"
    # The socket directory is world-readable so a container user can connect through a bind mount.
    for directory, mode in ((data, 0o700), (sockets, 0o755)):
        directory.mkdir()
        directory.chmod(mode)
        if os.geteuid() == 0:
            os.chown(directory, NOBODY, NOBODY)
    port = free_port()
    _run(["initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
    options = (
        f"-p {port} -k {sockets} -c listen_addresses='' -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    _run(["pg_ctl", "-D", str(data), "-o", options, "-l", str(data / "server.log"), "-w", "start"])
    try:
        yield PgCluster(socket_dir=sockets, port=port)
    finally:
        subprocess.run(
            _as_cluster_owner(["pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)
