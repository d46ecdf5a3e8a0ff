"""Migrations through the real entrypoint, gunicorn and PostgreSQL: exactly once, then ready."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command

from liveserver import backend_env
from pgcluster import free_port

BACKEND = Path(__file__).resolve().parents[2]
CATALOGUE = json.loads((BACKEND / "products" / "fixtures" / "catalogue.json").read_text())


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - http to our server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def query(pg_cluster, dbname, sql):
    with psycopg.connect(
        host=str(pg_cluster.socket_dir), port=pg_cluster.port, user="postgres", dbname=dbname
    ) as conn:
        return conn.execute(sql).fetchall()


def test_racing_entrypoints_migrate_exactly_once_and_all_become_ready(pg_cluster, tmp_path):
    pg_cluster.create_database("race")
    roles = {"first": "true", "second": "true", "waiter": ""}
    servers = {}
    try:
        for name, run_migrations in roles.items():
            port = free_port()
            log = (tmp_path / f"{name}.log").open("w")
            env = backend_env(
                pg_cluster,
                "race",
                tmp_path,
                GUNICORN_BIND=f"127.0.0.1:{port}",
                RUN_MIGRATIONS=run_migrations,
                SEED_CATALOGUE="true",
            )
            process = subprocess.Popen(
                [str(BACKEND / "docker-entrypoint.sh")],
                cwd=tmp_path,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            servers[name] = (process, port)
        deadline = time.monotonic() + 120
        pending = set(servers)
        while pending and time.monotonic() < deadline:
            for name in list(pending):
                process, port = servers[name]
                assert process.poll() is None, (tmp_path / f"{name}.log").read_text()
                if status_of(f"http://127.0.0.1:{port}/readyz") == 200:
                    pending.discard(name)
            time.sleep(0.3)
        assert not pending, {n: (tmp_path / f"{n}.log").read_text()[-2000:] for n in pending}
    finally:
        for process, _ in servers.values():
            os.killpg(process.pid, signal.SIGTERM)
        for process, _ in servers.values():
            process.wait(timeout=30)
    logs = {name: (tmp_path / f"{name}.log").read_text() for name in roles}
    applied = sorted(
        int(re.search(r"applied (\d+) migrations", logs[name]).group(1))
        for name in ("first", "second")
    )
    assert applied[0] == 0, logs
    assert applied[1] > 0, logs
    duplicates = query(
        pg_cluster,
        "race",
        "SELECT app, name FROM django_migrations GROUP BY 1, 2 HAVING count(*) > 1",
    )
    assert duplicates == []
    assert query(pg_cluster, "race", "SELECT count(*) FROM django_migrations")[0][0] == applied[1]
    assert query(pg_cluster, "race", "SELECT count(*) FROM products_product")[0][0] == len(
        CATALOGUE
    )
    assert "Waiting up to 120s for the schema" in logs["waiter"]
    assert "applied" not in logs["waiter"]


def manage(pg_cluster, dbname, tmp_path, *args, timeout=60, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BACKEND,
        env=backend_env(pg_cluster, dbname, tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_waiting_without_migrations_gives_up_with_a_clear_message(pg_cluster, tmp_path):
    pg_cluster.create_database("never_migrated")
    started = time.monotonic()
    result = manage(
        pg_cluster,
        "never_migrated",
        tmp_path,
        "wait_for_migrations",
        "--timeout",
        "1",
        "--interval",
        "0.2",
    )
    assert result.returncode == 1
    assert "Run `python manage.py migrate_once` on one host" in result.stderr
    assert time.monotonic() - started < 30


def test_migrate_once_waits_for_the_database_then_gives_up_clearly(pg_cluster, tmp_path):
    started = time.monotonic()
    result = manage(
        pg_cluster,
        "x",
        tmp_path,
        "migrate_once",
        "--db-timeout",
        "2",
        DB_HOST="127.0.0.1",
        DB_PORT=str(free_port()),
    )
    assert result.returncode == 1
    assert "Database unreachable after 2s" in result.stderr
    assert 2 <= time.monotonic() - started < 30


READYZ_PROBE = (
    "import django; django.setup(); from django.test import Client; "
    "r = Client().get('/readyz', HTTP_HOST='localhost'); "
    "print(r.status_code, r.content.decode())"
)


def test_readyz_is_503_until_migrated(pg_cluster, tmp_path):
    pg_cluster.create_database("unready")
    result = subprocess.run(
        [sys.executable, "-c", READYZ_PROBE],
        cwd=BACKEND,
        env=backend_env(pg_cluster, "unready", tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    answer = result.stdout.splitlines()[-1]  # logs go to stdout too
    assert answer.startswith("503"), result.stderr
    assert "migrations pending" in answer


def test_readyz_is_503_when_database_is_unreachable(pg_cluster, tmp_path):
    env = backend_env(pg_cluster, "x", tmp_path, DB_HOST="127.0.0.1", DB_PORT=str(free_port()))
    result = subprocess.run(
        [sys.executable, "-c", READYZ_PROBE],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    answer = result.stdout.splitlines()[-1]  # logs go to stdout too
    assert answer.startswith("503"), result.stderr
    assert "database unreachable" in answer


@pytest.mark.django_db
def test_every_model_change_has_a_committed_migration():
    """Migrations are written by developers and committed, never generated at build time."""
    call_command(
        "makemigrations", "accounts", "products", "orders", "payments", check=True, dry_run=True
    )
