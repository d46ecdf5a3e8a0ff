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
