"""P4: the product API through the load balancer at 50 concurrent clients.

wrk (bench/wrk.py: 2 threads, keep-alive) on the control node, as a user sees
the shop. Our stack is what `make lab` deploys; the seed's serving stack
(Django's runserver behind the React dev server) is swapped in on the same
hosts by `seed_stack`, measured, and replaced by a deploy of ours again.
"""

from __future__ import annotations

import os
from typing import Any

from .. import wrk
from . import seed_stack
from .common import lab

CLIENTS = 50
PATH = "/api/products"


def measure(url: str, seconds: int) -> wrk.Load:
    wrk.run(url, CLIENTS, 3)  # warm-up: connection pools, caches, gunicorn workers
    return wrk.run(url, CLIENTS, seconds)


def run() -> dict[str, Any]:
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    view = lab()
    url = f"{view.lb_url}{PATH}"
    ours = measure(url, seconds)
    with seed_stack.deployed(view):
        seed = measure(url, seconds)
    ratio = ours.ok_per_s / seed.ok_per_s if seed.ok_per_s else None
    return {
        "P4": {
            "what": f"GET {PATH} through the LB, wrk {CLIENTS} connections, {seconds}s; "
            "ratio of 2xx answers per second",
            "ours": ours.as_dict(),
            "seed_stack": seed.as_dict(),
            "ratio": round(ratio, 1) if ratio else None,
            "goal": "ratio >= 20, p99 <= 100 ms",
            "met": bool(ratio and ratio >= 20 and ours.p99_ms <= 100),
        }
    }
