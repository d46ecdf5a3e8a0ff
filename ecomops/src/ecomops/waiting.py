"""Waiting for a condition that an asynchronous action makes true, with a deadline.

A service reload, a ban reaching the firewall, a health check turning, a scrape:
each lands a moment after the action that caused it, and under load that moment
grows. Whoever reads such a state (a smoke check, a test) waits for it with a
deadline and says what it waited for, instead of reading it once or sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(what: str, predicate: Callable[[], T], timeout: float, interval: float = 1.0) -> T:
    """Polls `predicate` until it returns something truthy, and returns that.

    The predicate may raise until the condition holds (a refused connection, a
    file not written yet). After `timeout` seconds a TimeoutError names `what`
    and the last answer or error seen, which is what a failure report needs.
    """
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            result = predicate()
        except Exception as exc:  # the thing polled may fail until it works
            last = exc
        else:
            if result:
                return result
            last = result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what}: not true after {timeout:.0f}s (last: {last!r})")
        time.sleep(min(interval, max(deadline - time.monotonic(), 0)))
