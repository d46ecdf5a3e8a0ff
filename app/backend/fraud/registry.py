"""Versioned detectors: register, activate atomically, roll back, load the active one."""

import logging
import threading
from collections.abc import Sequence

from django.db import connection, transaction
from django.utils import timezone

from fraud.ml.detector import Detector, Row, TrainResult, train
from fraud.models import ModelVersion
from ops.locks import lock_key

logger = logging.getLogger(__name__)

_cache_lock = threading.Lock()
_cache: dict[int, Detector] = {}


class NoActiveModelError(LookupError):
    def __init__(self) -> None:
        super().__init__(
            "No active fraud model. Train one: `python manage.py fraud_train --synthetic` "
            "(demo) or `python manage.py fraud_train --csv FILE`, "
            "or upload a dataset on /admin/fraud/."
        )


def serialise_model_changes() -> None:
    """Within a transaction: one model change at a time across every host (version numbers
    and the active flag), released at commit."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key("fraud-models")])


def register(
    result: TrainResult, source: str, *, activate: bool, user: object = None
) -> ModelVersion:
    with transaction.atomic():
        serialise_model_changes()
        latest = ModelVersion.objects.order_by("-version").first()
        version = ModelVersion.objects.create(
            version=(latest.version + 1) if latest else 1,
            feature_set=result.detector.feature_set,
            artifact=result.detector.to_bytes(),
            threshold=result.detector.threshold,
            report=result.report,
            source=source[:200],
            created_by=user if getattr(user, "pk", None) else None,
        )
        if activate:
            activate_version(version)
    logger.info(
        "Fraud model registered",
        extra={"version": version.version, "feature_set": version.feature_set, "active": activate},
    )
    return version


def activate_version(version: ModelVersion) -> ModelVersion:
    """Switch the active model in one transaction: readers see the old or the new one."""
    with transaction.atomic():
        serialise_model_changes()
        ModelVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
        ModelVersion.objects.filter(pk=version.pk).update(
            is_active=True, activated_at=timezone.now()
        )
    version.refresh_from_db()
    logger.info("Fraud model activated", extra={"version": version.version})
    return version


def rollback() -> ModelVersion:
    """Re-activate the version below the active one (the previous model)."""
    with transaction.atomic():
        serialise_model_changes()
        active = ModelVersion.objects.filter(is_active=True).defer("artifact").first()
        if active is None:
            raise NoActiveModelError
        previous = (
            ModelVersion.objects.filter(version__lt=active.version)
            .defer("artifact")
            .order_by("-version")
            .first()
        )
        if previous is None:
            raise LookupError(
                f"v{active.version} is the oldest model: there is nothing to roll back to."
            )
        return activate_version(previous)


def active_version() -> ModelVersion | None:
    return ModelVersion.objects.filter(is_active=True).defer("artifact").first()


def active_detector() -> tuple[ModelVersion, Detector]:
    """The active detector, deserialised once per process per version."""
    version = active_version()
    if version is None:
        raise NoActiveModelError
    with _cache_lock:
        detector = _cache.get(version.pk)
    if detector is None:
        blob = ModelVersion.objects.values_list("artifact", flat=True).get(pk=version.pk)
        detector = Detector.from_bytes(bytes(blob))
        with _cache_lock:
            _cache.clear()
            _cache[version.pk] = detector
    return version, detector


def train_and_register(
    rows: Sequence[Row],
    feature_set: str,
    source: str,
    *,
    activate: bool = True,
    epochs: int = 50,
    user: object = None,
) -> ModelVersion:
    """Train first, touch the database only on success: a failed training changes nothing."""
    result = train(rows, feature_set, epochs=epochs)
    return register(result, source, activate=activate, user=user)
