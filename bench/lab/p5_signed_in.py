"""P5: signed-in shoppers' catalogue reads against anonymous ones, side by side.

`GET /api/products` through the LB with wrk (2 threads, 50 connections), rounds
alternating between no credentials and the `Authorization: Bearer` header the SPA
sends for a signed-in shopper, each request carrying the next of 50 shoppers' tokens
(one shopper per connection's worth of traffic, not one token everyone shares).
"""

from __future__ import annotations

import os
from typing import Any

from .. import wrk
from . import shoppers
from .common import lab

CONNECTIONS = 50
SHOPPERS = 50
ROUNDS = 2
PATH = "/api/products"
GOAL_RATIO, GOAL_P99_MS = 0.4, 100.0


def run() -> dict[str, Any]:
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    view = lab()
    url = f"{view.lb_url}{PATH}"
    made, _product = shoppers.make(view, SHOPPERS, cards=False)
    runs = {
        "anonymous": (url, None),
        "signed_in": (url, wrk.bearer_tokens([s.token for s in made])),
    }
    results = wrk.alternate(runs, CONNECTIONS, seconds, ROUNDS)
    anonymous, shopper = results["anonymous"], results["signed_in"]
    ratio = round(shopper.ok_per_s / anonymous.ok_per_s, 2) if anonymous.ok_per_s else None
    return {
        "P5": {
            "what": f"GET {PATH} through the LB, wrk {CONNECTIONS} connections, "
            f"{ROUNDS} alternating rounds of {seconds}s each (medians); signed in: "
            f"{SHOPPERS} shoppers' Bearer tokens in turn",
            "anonymous": anonymous.as_dict(),
            "signed_in": shopper.as_dict(),
            "ratio": ratio,
            "goal": f"signed-in 2xx/s >= {GOAL_RATIO} x anonymous, signed-in p99 <= "
            f"{GOAL_P99_MS:g} ms",
            "met": bool(ratio and ratio >= GOAL_RATIO and shopper.p99_ms <= GOAL_P99_MS),
        }
    }
