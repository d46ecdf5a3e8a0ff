"""P4: the product API through the load balancer at 50 concurrent clients.

ApacheBench (lab/images/loadgen) on the control node's network, as a user
sees the shop. Our stack is what `make lab` deploys; the seed's serving stack
(Django's runserver behind the React dev server) is swapped in on the same
hosts by `seed_stack`, measured, and replaced by a deploy of ours again.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any

import seed_stack
from common import lab

CLIENTS = 50
PATH = "/api/products"


def ab(url: str, seconds: int) -> dict[str, float]:
    run = subprocess.run(
        ["docker", "run", "--rm", "--network", "host", "ecomops/loadgen",
         "ab", "-q", "-c", str(CLIENTS), "-t", str(seconds), "-n", "10000000", "-s", "30", url],
        capture_output=True, text=True, check=True, timeout=seconds + 120,
    ).stdout  # fmt: skip

    def number(pattern: str) -> float:
        match = re.search(pattern, run, re.MULTILINE)
        return float(match.group(1)) if match else 0.0

    completed = number(r"^Complete requests:\s+(\d+)")
    non_2xx = number(r"^Non-2xx responses:\s+(\d+)")
    per_s = number(r"^Requests per second:\s+([\d.]+)")
    return {
        "requests_per_s": per_s,
        # What a shopper gets: error pages served fast are not throughput.
        "ok_per_s": round(per_s * (completed - non_2xx) / completed, 2) if completed else 0.0,
        "p50_ms": number(r"^\s+50%\s+(\d+)"),
        "p99_ms": number(r"^\s+99%\s+(\d+)"),
        "completed": completed,
        "failed": number(r"^Failed requests:\s+(\d+)"),
        "non_2xx": non_2xx,
    }


def measure(url: str, seconds: int) -> dict[str, float]:
    ab(url, 5)  # warm-up: connection pools, caches, gunicorn workers
    return ab(url, seconds)


def run() -> dict[str, Any]:
    seconds = int(os.environ.get("BENCH_SECONDS", "30"))
    view = lab()
    url = f"{view.lb_url}{PATH}"
    ours = measure(url, seconds)
    with seed_stack.deployed(view):
        seed = measure(url, seconds)
    ratio = ours["ok_per_s"] / seed["ok_per_s"] if seed["ok_per_s"] else None
    return {
        "P4": {
            "what": f"GET {PATH} through the LB, {CLIENTS} concurrent clients, {seconds}s; "
            "ratio of 2xx answers per second",
            "ours": ours,
            "seed_stack": seed,
            "ratio": round(ratio, 1) if ratio else None,
            "goal": "ratio >= 20, p99 <= 100 ms",
            "met": bool(ratio and ratio >= 20 and ours["p99_ms"] <= 100),
        }
    }
