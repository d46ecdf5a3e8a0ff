"""Settings from the environment: the database as the backend names it, and the reload period."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import psycopg


def connector(env: Mapping[str, str] = os.environ) -> Callable[[], psycopg.Connection[Any]]:
    """A function opening one short connection to the shop's database (the backend's DB_*)."""
    params = {
        "host": env.get("DB_HOST", "localhost"),
        "port": env.get("DB_PORT", "5432"),
        "dbname": env.get("DB_NAME", "ecommerce"),
        "user": env.get("DB_USER", "ecommerce"),
        "password": env.get("DB_PASSWORD", ""),
        "sslmode": env.get("DB_SSLMODE", "prefer"),
        "connect_timeout": int(env.get("DB_CONNECT_TIMEOUT", "5")),
        "application_name": "fraud-api",
    }

    def connect() -> psycopg.Connection[Any]:
        return psycopg.connect(**params, autocommit=True)

    return connect


def reload_seconds(env: Mapping[str, str] = os.environ) -> float:
    """How often the active model row is checked: an activation or rollback is served within
    this many seconds."""
    value = float(env.get("FRAUD_API_RELOAD_SECONDS", "5"))
    if value <= 0:
        raise ValueError(f"FRAUD_API_RELOAD_SECONDS must be positive, not {value}")
    return value
