"""Product-list throughput and tail latency: our gunicorn image vs Django's runserver.

Both serve the same database (a throwaway PostgreSQL cluster, migrated and seeded once) on
the same machine; wrk drives GET /api/products with the same number of clients for each.
Not a test: run `make bench-backend` and read the table (and --out JSON).

    python bench/backend/bench.py --image ecommerce-backend:TAG --clients 50 --duration 20
"""

import argparse
import json
import os
import re
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
from dataclasses import asdict, dataclass
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2] / "app" / "backend"
sys.path.insert(0, str(BACKEND))

from pgcluster import PgCluster, free_port, running_cluster  # noqa: E402

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(frozen=True)
class Result:
    server: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * _UNITS[unit]


def parse_wrk(server: str, output: str) -> Result:
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    if set(latency) != {"50", "99"}:
        raise RuntimeError(f"unexpected wrk output for {server}:\n{output}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Result(
        server=server,
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        errors=errors,
    )


def wrk(url: str, clients: int, duration: int) -> str:
    command = ["wrk", "-t2", f"-c{clients}", f"-d{duration}s", "--timeout", "10s", "--latency", url]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


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


@contextmanager
def gunicorn_container(image: str, cluster: PgCluster, env: dict[str, str]) -> Iterator[str]:
    name = f"ecomops-test-backend-bench-{uuid.uuid4().hex[:8]}"
    passed = ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DB_PORT", "DB_USER", "DB_NAME"]
    command = ["docker", "run", "--detach", "--name", name, "-v", f"{cluster.socket_dir}:/run/pg"]
    for key in passed:
        command += ["--env", f"{key}={env[key]}"]
    command += ["--env", "DB_HOST=/run/pg", "--env", "LOG_LEVEL=WARNING", image]
    subprocess.run(command, check=True, capture_output=True)
    try:
        address = subprocess.run(
            [
                "docker",
                "inspect",
                "-f",
                "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                name,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        # The bridge address, not a published port: docker-proxy would add its own latency.
        yield f"http://{address}:8000"
    finally:
        subprocess.run(["docker", "rm", "--force", name], check=False, capture_output=True)


@contextmanager
def runserver(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BACKEND,
        env={**env, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure(name: str, base: str, clients: int, duration: int) -> Result:
    wait_ready(f"{base}/readyz")
    wrk(f"{base}/api/products", clients, 3)  # warm-up: connections, caches, lazy imports
    result = parse_wrk(name, wrk(f"{base}/api/products", clients, duration))
    print(f"{name}: {result.requests_per_s:.0f} req/s, p99 {result.p99_ms:.1f} ms", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--image", default=os.environ.get("BACKEND_IMAGE", "ecommerce-backend:dev"))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=int, default=20, help="seconds per server")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    for tool in ("wrk", "docker"):
        if shutil.which(tool) is None:
            print(f"bench-backend: {tool} is missing; run `make setup`", file=sys.stderr)
            return 2
    with running_cluster() as cluster, tempfile.TemporaryDirectory() as workdir:
        cluster.create_database("bench")
        env = backend_env(cluster, Path(workdir))
        for command in ("migrate_once", "seed_catalogue"):
            subprocess.run(
                [sys.executable, "manage.py", command],
                cwd=BACKEND,
                env=env,
                check=True,
                capture_output=True,
            )
        with gunicorn_container(args.image, cluster, env) as base:
            gunicorn = measure("gunicorn (image)", base, args.clients, args.duration)
        with runserver(env) as base:
            dev_server = measure("runserver", base, args.clients, args.duration)
    summary = {
        "clients": args.clients,
        "duration_s": args.duration,
        "cpus": os.cpu_count(),
        # Other jobs share this machine; a high load average makes both figures lower.
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "results": [asdict(gunicorn), asdict(dev_server)],
        "throughput_ratio": round(gunicorn.requests_per_s / dev_server.requests_per_s, 2),
        "p99_ratio": round(dev_server.p99_ms / gunicorn.p99_ms, 2),
    }
    print(json.dumps(summary, indent=2))
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
