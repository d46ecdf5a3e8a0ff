"""Waiting for PostgreSQL to accept connections (it may start after the app's containers)."""

import logging
import time

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)


def wait_for_database(timeout: float, interval: float = 1.0) -> None:
    """Return once a connection opens; raise the last error after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    announced = False
    while True:
        try:
            connection.ensure_connection()
            return
        except OperationalError as error:
            connection.close()
            if time.monotonic() >= deadline:
                raise
            if not announced:
                logger.info("Waiting up to %.0fs for the database: %s", timeout, error)
                announced = True
            time.sleep(interval)
