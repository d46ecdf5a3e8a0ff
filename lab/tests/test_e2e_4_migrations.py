"""Check 3: migrations run exactly once, on the first app host, even with two deploys at once."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
from ecomops_lab.deploys import DeployRun, finish, start_deploy
from ecomops_lab.probe import REPO, LabView

pytestmark = pytest.mark.e2e

DB_CONTAINER = "ecomops-lab-db"


def psql(sql: str, database: str = "postgres") -> str:
    """As the database's administrator, like an RDS master user would."""
    return subprocess.run(
        ["docker", "exec", "-i", DB_CONTAINER, "runuser", "-u", "postgres", "--",
         "psql", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", database],
        input=sql, text=True, capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip


@pytest.fixture(scope="module")
def twin_deploys(view: LabView) -> Iterator[tuple[DeployRun, DeployRun]]:
    """An empty database, then two deploys started at the same moment."""
    name, owner = view.outputs["database"]["name"], view.outputs["database"]["username"]
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE);\nCREATE DATABASE {name} OWNER {owner};")
    started = time.monotonic()
    procs = [start_deploy(view, junit=REPO / "reports" / f"e2e-twin-{i}.xml") for i in (1, 2)]
    yield finish(procs[0], started), finish(procs[1], started)


def test_two_simultaneous_deploys_both_succeed(twin_deploys: tuple[DeployRun, DeployRun]) -> None:
    for run in twin_deploys:
        assert run.code == 0, run.stderr[-3000:]


def test_migrations_ran_on_the_first_app_host_only(
    twin_deploys: tuple[DeployRun, DeployRun], view: LabView, first_app: str
) -> None:
    for run in twin_deploys:
        hosts = {
            t.get("host")
            for t in run.report.get("tasks", [])
            if "migrat" in str(t.get("task", "")).lower()
            # run_once tasks are listed as skipped on the hosts they did not run on
            and t.get("status") in {"ok", "changed"}
        }
        assert hosts == {first_app}, f"migration tasks ran on {hosts}"


def test_every_migration_is_recorded_exactly_once(
    twin_deploys: tuple[DeployRun, DeployRun], view: LabView
) -> None:
    database = view.outputs["database"]["name"]
    duplicates = psql(
        "SELECT app || '.' || name FROM django_migrations GROUP BY app, name HAVING count(*) > 1;",
        database,
    )
    assert duplicates.strip() == ""
    applied = int(psql("SELECT count(*) FROM django_migrations;", database))
    assert applied > 10, f"only {applied} migrations recorded"
    first = view.app_servers[0]["name"]
    plan = view.ssh(
        first, "sudo docker exec ecommerce-backend python manage.py showmigrations --plan"
    ).stdout
    assert "[ ]" not in plan, plan
