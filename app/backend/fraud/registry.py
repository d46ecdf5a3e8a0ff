"""Versioned detectors: register, activate atomically, roll back, load the active one."""

import logging
import threading
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from fraud.ml.detector import Detector, Row, TrainResult, train
from fraud.models import ModelVersion

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


def register(
    result: TrainResult, source: str, *, activate: bool, user: object = None
) -> ModelVersion:
    with transaction.atomic():
        # Lock the table's newest row so two trainings cannot take the same version number.
        latest = ModelVersion.objects.select_for_update().order_by("-version").first()
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
        ModelVersion.objects.select_for_update().filter(is_active=True).exclude(
            pk=version.pk
        ).update(is_active=False)
        ModelVersion.objects.filter(pk=version.pk).update(
            is_active=True, activated_at=timezone.now()
        )
    version.refresh_from_db()
    logger.info("Fraud model activated", extra={"version": version.version})
    return version


def rollback() -> ModelVersion:
    """Re-activate the version below the active one (the previous model)."""
    active = ModelVersion.objects.filter(is_active=True).first()
    if active is None:
        raise NoActiveModelError
    previous = ModelVersion.objects.filter(version__lt=active.version).order_by("-version").first()
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
