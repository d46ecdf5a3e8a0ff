"""Cluster-wide mutual exclusion through PostgreSQL advisory locks."""

import logging
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

logger = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable 32-bit key for a lock name (advisory locks are keyed by integers)."""
    return zlib.crc32(f"ecommerce:{name}".encode())


@contextmanager
def advisory_lock(name: str, *, quiet: bool = False) -> Iterator[None]:
    """Hold a session-level advisory lock for the block; waits for the current holder.

    Session-level (not transaction-level) because `migrate` commits per migration; if the
    process dies, PostgreSQL releases the lock with its session. `quiet` logs only a wait,
    for locks taken on every request.
    """
    key = lock_key(name)
    started = time.monotonic()
    waited = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        if not cursor.fetchone()[0]:
            waited = True
            logger.info("Waiting for lock %r held by another process", name, extra={"lock": name})
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    if waited or not quiet:
        logger.info(
            "Acquired lock %r",
            name,
            extra={"lock": name, "waited_s": round(time.monotonic() - started, 3)},
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
