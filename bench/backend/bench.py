r"""Product-list throughput and tail latency: our gunicorn image vs Django's runserver.

Both run from the same image against the same database (a throwaway PostgreSQL cluster,
migrated and seeded once) on the same machine, one after the other; wrk drives
GET /api/products with the same number of clients for each.
Not a test: run `make bench-backend` and read the table (and --out JSON).

    PYTHONPATH=app/backend python -m ecomops_bench.backend.bench \
        --image ecommerce-backend:TAG --clients 50 --duration 20
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ecomops_bench import wrk
from pgcluster import PgCluster, running_cluster

BACKEND = Path(__file__).resolve().parents[2] / "app" / "backend"

# The seed's way of serving, in the same image so both get the same container, Python and
# CPU share: Django's development server (threaded, no reloader).
RUNSERVER = ["python", "manage.py", "runserver", "0.0.0.0:8000", "--noreload"]


def wait_ready(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local http
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f}s")


def backend_env(cluster: PgCluster, workdir: Path) -> dict[str, str]:
    return {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "bench-only-" + uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "*",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        **cluster.env("bench"),
    }


def seeded_database(cluster: PgCluster, workdir: Path) -> dict[str, str]:
    """Database `bench` migrated and seeded with the demo catalogue; the backend's env."""
    cluster.create_database("bench")
    env = backend_env(cluster, workdir)
    for command in ("migrate_once", "seed_catalogue"):
        subprocess.run(
            [sys.executable, "manage.py", command],
            cwd=BACKEND, env=env, check=True, capture_output=True,
        )  # fmt: skip
    return env


@contextmanager
def container(args: list[str]) -> Iterator[str]:
    """`docker run --detach` with `args` (options, image, command); yield its address."""
    name = f"ecomops-test-backend-bench-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["docker", "run", "--detach", "--name", name, *args], check=True, capture_output=True
    )
    try:
        inspect = [
            "docker",
            "inspect",
            "-f",
            "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        ]
        # The bridge address, not a published port: docker-proxy would add its own latency.
        yield subprocess.run(
            [*inspect, name], check=True, capture_output=True, text=True
        ).stdout.strip()
    finally:
        subprocess.run(["docker", "rm", "--force", name], check=False, capture_output=True)


@contextmanager
def served(
    image: str,
    cluster: PgCluster,
    env: dict[str, str],
    command: list[str],
    options: tuple[str, ...] = (),
) -> Iterator[str]:
    """Run the image with `command` (empty: its own gunicorn CMD); yield its base URL."""
    passed = ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DB_PORT", "DB_USER", "DB_NAME"]
    run = [*options, "-v", f"{cluster.socket_dir}:/run/pg"]
    for key in passed:
        run += ["--env", f"{key}={env[key]}"]
    run += ["--env", "DB_HOST=/run/pg", "--env", "LOG_LEVEL=WARNING", image, *command]
    with container(run) as address:
        yield f"http://{address}:8000"


def compare(
    servers: dict[str, str], clients: int, duration: int, rounds: int
) -> dict[str, wrk.Load]:
    for base in servers.values():
        wait_ready(f"{base}/readyz")
    runs = {name: (f"{base}/api/products", None) for name, base in servers.items()}
    return wrk.alternate(runs, clients, duration, rounds)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--image", default=os.environ.get("BACKEND_IMAGE", "ecommerce-backend:dev"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per server")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    for tool in ("wrk", "docker"):
        if shutil.which(tool) is None:
            print(f"bench-backend: {tool} is missing; run `make setup`", file=sys.stderr)
            return 2
    with running_cluster() as cluster, tempfile.TemporaryDirectory() as workdir:
        env = seeded_database(cluster, Path(workdir))
        with (
            served(args.image, cluster, env, []) as gunicorn_url,
            served(args.image, cluster, env, RUNSERVER) as runserver_url,
        ):
            servers = {"gunicorn (image)": gunicorn_url, "runserver (same image)": runserver_url}
            results = compare(servers, args.clients, args.duration, args.rounds)
    gunicorn, dev_server = results.values()
    summary = {
        "clients": args.clients,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "figures": "medians over the rounds",
        "cpus": os.cpu_count(),
        # Other jobs share this machine; a high load average makes both figures lower.
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "results": [{"server": name, **r.as_dict()} for name, r in results.items()],
        "throughput_ratio": round(gunicorn.requests_per_s / dev_server.requests_per_s, 2),
        "p99_ratio": round(dev_server.p99_ms / gunicorn.p99_ms, 2),
    }
    print(json.dumps(summary, indent=2))
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
