"""Versioned models of each kind (autoencoder, logistic regression): register, activate
atomically, roll back, load the active one."""

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import connection, transaction
from django.utils import timezone

from fraud.ml.classifier import Classifier, ClassifierResult
from fraud.ml.detector import Detector, Row, TrainResult, train
from fraud.models import ClassifierVersion, ModelVersion, VersionedArtifact
from ops.locks import lock_key

logger = logging.getLogger(__name__)

_cache_lock = threading.Lock()
_cache: dict[str, tuple[int, object]] = {}  # kind: (row id, its loaded model)
Version = TypeVar("Version", bound=VersionedArtifact)
Loaded = TypeVar("Loaded")


class NoActiveModelError(LookupError):
    def __init__(self, kind: str = ModelVersion.kind) -> None:
        if kind == ClassifierVersion.kind:
            super().__init__(
                "No active logistic-regression model. `python manage.py fraud_bootstrap` "
                "trains one on the labelled synthetic transactions."
            )
            return
        super().__init__(
            "No active fraud model. Train one: `python manage.py fraud_train --synthetic` "
            "(demo) or `python manage.py fraud_train --csv FILE`, "
            "or upload a dataset on /admin/fraud/."
        )


KINDS: dict[str, type[VersionedArtifact]] = {m.kind: m for m in (ModelVersion, ClassifierVersion)}


def model_of_kind(kind: str) -> type[VersionedArtifact]:
    """The versions' model of `kind` (autoencoder, logistic); LookupError names the kinds."""
    try:
        return KINDS[kind]
    except KeyError:
        raise LookupError(f"no model kind {kind!r}: choose one of {', '.join(KINDS)}") from None


def serialise_model_changes() -> None:
    """Within a transaction: one model change at a time across every host (version numbers
    and the active flag), released at commit."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key("fraud-models")])


def _register(
    model: type[Version],
    trained: Detector | Classifier,
    report: dict[str, object],
    source: str,
    *,
    activate: bool,
    user: object,
) -> Version:
    with transaction.atomic():
        serialise_model_changes()
        latest = model.objects.order_by("-version").first()
        version = model.objects.create(
            version=(latest.version + 1) if latest else 1,
            feature_set=trained.feature_set,
            artifact=trained.to_bytes(),
            threshold=trained.threshold,
            report=report,
            source=source[:200],
            created_by=user if getattr(user, "pk", None) else None,
        )
        if activate:
            activate_version(version)
    logger.info(
        "Fraud model registered",
        extra={
            "kind": model.kind,
            "version": version.version,
            "feature_set": version.feature_set,
            "active": activate,
        },
    )
    return version


def register(
    result: TrainResult, source: str, *, activate: bool, user: object = None
) -> ModelVersion:
    return _register(
        ModelVersion, result.detector, result.report, source, activate=activate, user=user
    )


def register_classifier(
    result: ClassifierResult, source: str, *, activate: bool, user: object = None
) -> ClassifierVersion:
    return _register(
        ClassifierVersion, result.classifier, result.report, source, activate=activate, user=user
    )


def activate_version(version: Version) -> Version:
    """Switch the active model of its kind in one transaction: readers see the old or the
    new one."""
    model = type(version)
    with transaction.atomic():
        serialise_model_changes()
        model.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
        model.objects.filter(pk=version.pk).update(is_active=True, activated_at=timezone.now())
    version.refresh_from_db()
    logger.info("Fraud model activated", extra={"kind": model.kind, "version": version.version})
    return version


def rollback(model: type[VersionedArtifact] = ModelVersion) -> VersionedArtifact:
    """Re-activate the version of `model`'s kind below the active one (the previous model)."""
    with transaction.atomic():
        serialise_model_changes()
        active = model.objects.filter(is_active=True).defer("artifact").first()
        if active is None:
            raise NoActiveModelError(model.kind)
        previous = (
            model.objects.filter(version__lt=active.version)
            .defer("artifact")
            .order_by("-version")
            .first()
        )
        if previous is None:
            raise LookupError(
                f"{model.label} v{active.version} is the oldest: there is nothing to roll back to."
            )
        return activate_version(previous)


def active_version(model: type[Version] = ModelVersion) -> Version | None:  # type: ignore[assignment]
    return model.objects.filter(is_active=True).defer("artifact").first()


def _active(model: type[Version], load: Callable[[bytes], Loaded]) -> tuple[Version, Loaded]:
    """The active version of `model` and its artifact, deserialised once per process per
    version."""
    version = active_version(model)
    if version is None:
        raise NoActiveModelError(model.kind)
    with _cache_lock:
        cached = _cache.get(model.kind)
    if cached is not None and cached[0] == version.pk:
        return version, cached[1]  # type: ignore[return-value]
    blob = model.objects.values_list("artifact", flat=True).get(pk=version.pk)
    loaded = load(bytes(blob))
    with _cache_lock:
        _cache[model.kind] = (version.pk, loaded)
    return version, loaded


def active_detector() -> tuple[ModelVersion, Detector]:
    """The active autoencoder: it decides checkouts."""
    return _active(ModelVersion, Detector.from_bytes)


def active_classifier() -> tuple[ClassifierVersion, Classifier]:
    """The active logistic regression: its probability is recorded beside the decision."""
    return _active(ClassifierVersion, Classifier.from_bytes)


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
