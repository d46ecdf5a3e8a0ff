"""What the dashboard and the admin API share: statistics, flagged rows, CSV export, uploads."""

import csv
import io
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.db.models import F, Q, QuerySet

from fraud import conf
from fraud.ml.datasets import DatasetError, parse_csv
from fraud.ml.detector import InvalidRowsError, error_stats
from fraud.models import ClassifierVersion, ModelVersion, TransactionScore
from fraud.registry import active_version, train_and_register

EXPORT_COLUMNS = (
    "created_at",
    "order_id",
    "user_email",
    "amount",
    "succeeded",
    "score",
    "threshold",
    "is_anomaly",
    "action",
    "model_version",
    "fraud_probability",
    "classifier_version",
    "card",
    "address_state",
    "address_zip",
    "acknowledged",
)


class UploadError(ValueError):
    """A rejected dataset; the active model is untouched."""


def summary() -> dict[str, Any]:
    scores = np.array(scored_values(), dtype=np.float64)
    anomalies = TransactionScore.objects.filter(is_anomaly=True)
    scores_classified = TransactionScore.objects.filter(
        fraud_probability__isnull=False, classifier_version__isnull=False
    )
    active = active_version()
    return {
        "scored": int(scores.size),
        "anomalies": anomalies.count(),
        "anomaly_share": float(anomalies.count() / scores.size) if scores.size else 0.0,
        "unacknowledged_alerts": anomalies.filter(acknowledged=False).count(),
        "errors": error_stats(scores) if scores.size else None,
        "blocking": conf.block_anomalies(),
        "active_model": active_model_info(active),
        # Recorded beside the decision, never deciding (README: how checkout uses each model).
        "classified": scores_classified.count(),
        "classifier_frauds": scores_classified.filter(
            fraud_probability__gte=F("classifier_version__threshold")
        ).count(),
        "active_classifier": active_model_info(active_version(ClassifierVersion)),
    }


def active_model_info(active: ModelVersion | ClassifierVersion | None) -> dict[str, Any] | None:
    """What the dashboard, the summary API and `fraud_models --json` say of the active model:
    version, training data and metrics."""
    if active is None:
        return None
    return {
        "version": active.version,
        "feature_set": active.feature_set,
        "threshold": active.threshold,
        "source": active.source,
        "created_at": active.created_at.isoformat(),
        "activated_at": active.activated_at.isoformat() if active.activated_at else None,
        "training": {
            k: active.report.get(k)
            for k in ("rows_used", "test_errors", "test_anomaly_share", "train_seconds")
        },
        "validation": active.report.get("validation"),
    }


def scored_values() -> list[float]:
    """Every score given; checkouts the fraud API could not score have none."""
    scored = TransactionScore.objects.filter(score__isnull=False)
    return list(scored.values_list("score", flat=True))


def flagged() -> QuerySet[TransactionScore]:
    """Anomalies, and checkouts let through unscored (the fraud API was down): both want a look."""
    return TransactionScore.objects.filter(
        Q(is_anomaly=True) | Q(action=TransactionScore.Action.REVIEW)
    ).select_related("user", "model_version", "classifier_version", "order")


def export_rows(scores: Iterable[TransactionScore]) -> Iterable[list[object]]:
    yield list(EXPORT_COLUMNS)
    for s in scores:
        yield [
            s.created_at.isoformat(),
            s.order_id,
            getattr(s.user, "email", ""),
            s.amount,
            s.succeeded,
            "" if s.score is None else f"{s.score:.6f}",
            "" if s.threshold is None else f"{s.threshold:.6f}",
            s.is_anomaly,
            s.action,
            s.model_version.version if s.model_version else "",
            "" if s.fraud_probability is None else f"{s.fraud_probability:.6f}",
            s.classifier_version.version if s.classifier_version else "",
            s.features.get("card", ""),
            s.features.get("address_state", ""),
            s.features.get("address_zip", ""),
            s.acknowledged,
        ]


def export_csv(scores: Iterable[TransactionScore]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in export_rows(scores):
        # Spreadsheet formula injection: user-controlled text never starts a cell with =+-@.
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    return out.getvalue()


def retrain_from_upload(
    upload: Any, feature_set: str, *, activate: bool, user: object = None
) -> ModelVersion:
    """Validate, train, register. Any failure raises UploadError before the database changes."""
    limit = conf.max_upload_bytes()
    if upload is None:
        raise UploadError("choose a CSV file to upload")
    if upload.size == 0:
        raise UploadError("the file is empty: expected a CSV header line and data rows")
    if upload.size > limit:
        raise UploadError(
            f"the file is {upload.size:,} bytes; the limit is {limit:,} (FRAUD_MAX_UPLOAD_BYTES)"
        )
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UploadError("the file is not UTF-8 text: export it as CSV (UTF-8)") from exc
    try:
        rows = parse_csv(text, feature_set)
        return train_and_register(
            rows, feature_set, f"upload:{upload.name}", activate=activate, user=user
        )
    except (DatasetError, InvalidRowsError) as exc:
        raise UploadError(str(exc)) from exc
