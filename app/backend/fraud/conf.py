"""Fraud settings: Django settings win, the environment is the fallback, defaults are safe."""

import os

from django.conf import settings

_TRUE = {"1", "true", "yes", "on"}


def block_anomalies() -> bool:
    """Off by default: anomalies are flagged for review, never refused automatically."""
    value = getattr(settings, "FRAUD_BLOCK_ANOMALIES", None)
    if value is None:
        return os.environ.get("FRAUD_BLOCK_ANOMALIES", "false").strip().lower() in _TRUE
    return bool(value)


def max_upload_bytes() -> int:
    value = getattr(settings, "FRAUD_MAX_UPLOAD_BYTES", None)
    return int(value if value is not None else os.environ.get("FRAUD_MAX_UPLOAD_BYTES", 5_000_000))


UNAVAILABLE_POLICIES = ("allow", "refuse")


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value if value is not None else os.environ.get(name, default)).strip()


def fraud_api_url() -> str:
    """The fraud API's base URL (`http://fraud-api:8001`); empty: score in this process."""
    return _setting("FRAUD_API_URL", "").rstrip("/")


def fraud_api_timeout() -> float:
    """Seconds checkout waits for the fraud API, connecting and answering (default 0.5)."""
    return float(_setting("FRAUD_API_TIMEOUT", "0.5"))


def fraud_api_unavailable() -> str:
    """What checkout does when the fraud API is slow or down: `allow` (the default: charge,
    and flag the order for review) or `refuse` (charge nothing; the customer retries)."""
    value = _setting("FRAUD_API_UNAVAILABLE", "allow").lower()
    if value not in UNAVAILABLE_POLICIES:
        raise ValueError(
            f"FRAUD_API_UNAVAILABLE={value!r}: choose one of {', '.join(UNAVAILABLE_POLICIES)}"
        )
    return value
