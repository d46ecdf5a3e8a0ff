"""The built image against the real PostgreSQL cluster (its socket bind-mounted in).

Runs when BACKEND_IMAGE names an image (`make test-backend` builds it and sets it).
"""

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from prometheus_client.parser import text_string_to_metric_families

IMAGE = os.environ.get("BACKEND_IMAGE", "")

pytestmark = [
    pytest.mark.image,
    pytest.mark.skipif(
        not IMAGE, reason="set BACKEND_IMAGE=ecommerce-backend:TAG (make test-backend)"
    ),
]


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, check=check, timeout=120
    )


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - http to our container
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


@contextmanager
def running(
    image: str, make: str, pg_cluster, dbname: str, port: int, *options: str
) -> Iterator[tuple[str, str]]:
    """`image` as a container on `dbname` (the cluster's socket bind-mounted in), its `port`
    published on loopback: (container name, base URL), removed when the block ends."""
    assert shutil.which("docker"), "docker client missing; run `make docker-engine`"
    assert docker("image", "inspect", image, check=False).returncode == 0, (
        f"{image} not built; run `make {make}`"
    )
    name = f"ecomops-test-{make.removeprefix('image-')}-{uuid.uuid4().hex[:8]}"
    docker(
        "run", "--detach", "--name", name,
        "--publish", f"127.0.0.1::{port}",
        "--volume", f"{pg_cluster.socket_dir}:/run/pg",
        "--env", "DB_HOST=/run/pg",
        "--env", f"DB_PORT={pg_cluster.port}",
        "--env", "DB_USER=postgres",
        "--env", f"DB_NAME={dbname}",
        "--health-interval", "2s",
        *options,
        image,
    )  # fmt: skip
    try:
        published = docker("port", name, f"{port}/tcp").stdout.splitlines()[0].rsplit(":", 1)[1]
        yield name, f"http://127.0.0.1:{published}"
    finally:
        docker("rm", "--force", "--volumes", name, check=False)


@pytest.fixture
def container(pg_cluster):
    pg_cluster.create_database("image")
    with running(
        IMAGE, "image-backend", pg_cluster, "image", 8000,
        "--env", "DJANGO_SECRET_KEY=image-test-" + "k" * 40,
        "--env", "DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1",
        "--env", "RUN_MIGRATIONS=true",
        "--env", "SEED_CATALOGUE=true",
    ) as started:  # fmt: skip
        yield started


def wait_for(predicate, timeout: float, what: str, name: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    logs = docker("logs", name, check=False)
    pytest.fail(f"{what} not reached in {timeout}s; logs:\n{(logs.stdout + logs.stderr)[-3000:]}")


def test_image_migrates_serves_and_runs_as_non_root(container):
    name, base = container
    wait_for(lambda: get(f"{base}/readyz")[0] == 200, 90, "/readyz 200", name)
    assert get(f"{base}/healthz") == (200, '{"status": "ok"}')
    status, body = get(f"{base}/api/products")
    assert status == 200
    assert json.loads(body)["count"] > 0
    # PID 1 is gunicorn itself (the entrypoint execs it), as the unprivileged user.
    assert "gunicorn" in docker("exec", name, "cat", "/proc/1/cmdline").stdout
    proc_status = docker("exec", name, "cat", "/proc/1/status").stdout
    uid_line = next(line for line in proc_status.splitlines() if line.startswith("Uid:"))
    assert uid_line.split()[1:] == ["10001"] * 4
    assert docker("exec", name, "sh", "-c", "command -v gcc cc", check=False).returncode != 0
    wait_for(
        lambda: (
            docker("inspect", "-f", "{{.State.Health.Status}}", name).stdout.strip() == "healthy"
        ),
        30,
        "Docker health status healthy",
        name,
    )

    def access_logged() -> bool:
        lines = [line for line in docker("logs", name).stdout.splitlines() if line.startswith("{")]
        return any(json.loads(line).get("logger") == "gunicorn.access" for line in lines)

    # Docker's log driver collects the container's output a moment after it is written.
    wait_for(access_logged, 30, "a gunicorn.access line in the JSON logs", name)


def test_image_metadata_follows_the_contract():
    config = json.loads(docker("image", "inspect", IMAGE).stdout)[0]["Config"]
    assert config["User"] == "app:app"
    assert "8000/tcp" in config["ExposedPorts"]
    assert "/healthz" in " ".join(config["Healthcheck"]["Test"])


# Requests that reach Django (probes such as Docker's health check are answered before it).
REQUESTS_METRIC = "django_http_requests_total_by_method_total"
# Run inside the container: GET requests counted by each worker, from its own metrics file.
PER_WORKER_SCRIPT = f"""
import glob, json, os
from prometheus_client.multiprocess import MultiProcessCollector
counts = {{}}
for path in glob.glob(os.environ["PROMETHEUS_MULTIPROC_DIR"] + "/counter_*.db"):
    pid = path.rsplit("_", 1)[1].removesuffix(".db")
    counts[pid] = sum(
        sample.value
        for family in MultiProcessCollector.merge([path], accumulate=True)
        for sample in family.samples
        if sample.name == "{REQUESTS_METRIC}" and sample.labels.get("method") == "GET"
    )
print(json.dumps(counts))
"""


def scraped_requests(base: str) -> float:
    """GET requests of the whole container, from one scrape of /metrics."""
    status, body = get(f"{base}/metrics")
    assert status == 200, body
    return sum(
        sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == REQUESTS_METRIC and sample.labels.get("method") == "GET"
    )


def worker_pids(name: str) -> set[str]:
    return set(docker("exec", name, "cat", "/proc/1/task/1/children").stdout.split())


def requests_per_worker(name: str) -> dict[str, float]:
    return json.loads(docker("exec", name, "python", "-c", PER_WORKER_SCRIPT).stdout)


def send(base: str, count: int) -> None:
    """`count` concurrent GETs, each on its own connection so that every worker accepts some."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda _: get(f"{base}/api/products")[0], range(count)))
    assert statuses == [200] * count


def test_one_scrape_counts_every_workers_requests_also_after_a_recycle(container):
    name, base = container
    wait_for(lambda: get(f"{base}/readyz")[0] == 200, 90, "/readyz 200", name)
    workers = worker_pids(name)
    assert len(workers) > 1, f"one gunicorn worker only ({workers}): nothing to sum"
    before = scraped_requests(base)
    sent = 0
    # Batches until every worker has served some; bounded so a skewed accept cannot hang.
    for _ in range(20):
        send(base, 32)
        sent += 32
        served = requests_per_worker(name)
        if all(served.get(pid, 0) > 0 for pid in workers):
            break
    else:
        pytest.fail(f"after {sent} requests not every worker {workers} served one: {served}")
    assert scraped_requests(base) - before == sent

    # A recycled worker (as max_requests does) must keep its requests in the total.
    recycled = sorted(workers)[0]
    docker("exec", name, "sh", "-c", f"kill -TERM {recycled}")
    wait_for(
        lambda: recycled not in worker_pids(name) and len(worker_pids(name)) == len(workers),
        30,
        f"worker {recycled} replaced by a new one",
        name,
    )
    send(base, 32)
    assert scraped_requests(base) - before == sent + 32
