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

import pytest

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


@pytest.fixture
def container(pg_cluster):
    assert shutil.which("docker"), "docker client missing; run `make docker-engine`"
    assert docker("image", "inspect", IMAGE, check=False).returncode == 0, (
        f"{IMAGE} not built; run `make image-backend`"
    )
    pg_cluster.create_database("image")
    name = f"ecomops-test-backend-{uuid.uuid4().hex[:8]}"
    docker(
        "run", "--detach", "--name", name,
        "--publish", "127.0.0.1::8000",
        "--volume", f"{pg_cluster.socket_dir}:/run/pg",
        "--env", "DB_HOST=/run/pg",
        "--env", f"DB_PORT={pg_cluster.port}",
        "--env", "DB_USER=postgres",
        "--env", "DB_NAME=image",
        "--env", "DJANGO_SECRET_KEY=image-test-" + "k" * 40,
        "--env", "DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1",
        "--env", "RUN_MIGRATIONS=true",
        "--env", "SEED_CATALOGUE=true",
        "--health-interval", "2s",
        IMAGE,
    )  # fmt: skip
    try:
        port = docker("port", name, "8000/tcp").stdout.splitlines()[0].rsplit(":", 1)[1]
        yield name, f"http://127.0.0.1:{port}"
    finally:
        docker("rm", "--force", "--volumes", name, check=False)


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
