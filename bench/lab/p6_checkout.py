"""P6: checkouts through the LB, 20 shoppers at once, the fraud score in the path.

wrk (2 threads, 20 connections) POSTs `/api/checkout` for one unit of a product with
ample stock, each request as the next of 20 shoppers (own token, address and sandbox
card) with a fresh Idempotency-Key: every answer is a new order, charged and scored for
fraud before it is answered (payments.signals -> fraud.receivers). What bounds it is read
from the machine's busy CPU-seconds per order over the run.
"""

from __future__ import annotations

import os
import secrets
import time
from typing import Any

from .. import wrk
from . import shoppers
from .common import busy_cpu_seconds, lab

SHOPPERS = 20
PATH = "/api/checkout"

_CHECKOUT_SCRIPT = """
local shoppers = {%(shoppers)s}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end
local n = 0
request = function()
  n = n + 1
  local s = shoppers[(n + thread_id) %% #shoppers + 1]
  local body = string.format(
    '{"items":[{"product_id":%(product)d,"quantity":1}],"address_id":%%d,"card_id":%%d}',
    s[2], s[3])
  return wrk.format("POST", nil, {
    ["Authorization"] = "Bearer " .. s[1],
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("%(run)s-%%d-%%d", thread_id, n),
  }, body)
end
"""


def script(made: list[shoppers.Shopper], product: int) -> str:
    rows = ", ".join(f"{{{wrk.lua_string(s.token)}, {s.address}, {s.card}}}" for s in made)
    return _CHECKOUT_SCRIPT % {"shoppers": rows, "product": product, "run": secrets.token_hex(6)}


def run() -> dict[str, Any]:
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    view = lab()
    made, product = shoppers.make(view, SHOPPERS, cards=True)
    requests = script(made, product)
    url = f"{view.lb_url}{PATH}"
    wrk.run(url, SHOPPERS, 3, requests)  # warm-up: connections, the fraud model's first load
    cpu, started = busy_cpu_seconds(), time.monotonic()
    load = wrk.run(url, SHOPPERS, seconds, requests)
    cpu, wall = busy_cpu_seconds() - cpu, time.monotonic() - started
    orders = load.requests - load.non_2xx - load.socket_errors
    return {
        "P6": {
            "what": f"POST {PATH} through the LB, wrk {SHOPPERS} connections of {SHOPPERS} "
            f"shoppers, {seconds}s, fraud scoring in the request",
            "orders_per_s": load.ok_per_s,
            "load": load.as_dict(),
            "cpus_busy_percent": round(100 * cpu / wall / (os.cpu_count() or 1)),
            "cpu_ms_per_order": round(1000 * cpu / orders, 1) if orders else None,
            "goal": "measured (no goal set): orders/s and p99 at 20 shoppers",
            "met": None,
        }
    }
