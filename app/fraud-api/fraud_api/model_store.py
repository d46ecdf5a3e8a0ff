"""The active models, read from the shop's database and reloaded when an active row changes.

The backend keeps every version of each kind in its table (`fraud_modelversion`: the
autoencoder that decides checkouts; `fraud_classifierversion`: the logistic regression whose
probability is recorded beside it) as an `.npz` artifact, loaded with `allow_pickle=False`,
and activates or rolls back in one transaction. Polling each table's active id is one indexed
query; a new id means a new model, which is loaded before it replaces the old one, and both
kinds are published together, so a request always sees whole models.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

import psycopg
from prometheus_client import Counter, Gauge

from fraud.ml.classifier import Classifier
from fraud.ml.detector import Detector

logger = logging.getLogger(__name__)

RELOADS = Counter(
    "fraud_api_model_reloads_total",
    "Active-model checks by model kind and outcome",
    ["kind", "result"],
)
MODEL_VERSION = Gauge("fraud_api_model_version", "Version of the loaded autoencoder (0: none)")
CLASSIFIER_VERSION = Gauge(
    "fraud_api_classifier_version", "Version of the loaded logistic regression (0: none)"
)

Model = TypeVar("Model", Detector, Classifier)


@dataclass(frozen=True)
class Kind(Generic[Model]):
    name: str  # also its field in Models
    table: str
    load: Callable[[bytes], Model]
    gauge: Gauge

    @property
    def active_query(self) -> str:
        return f"SELECT id, version FROM {self.table} WHERE is_active"  # noqa: S608 (constant)

    @property
    def artifact_query(self) -> str:
        return f"SELECT feature_set, artifact FROM {self.table} WHERE id = %s"  # noqa: S608


AUTOENCODER = Kind("autoencoder", "fraud_modelversion", Detector.from_bytes, MODEL_VERSION)
LOGISTIC = Kind("logistic", "fraud_classifierversion", Classifier.from_bytes, CLASSIFIER_VERSION)
KINDS: tuple[Kind[Any], ...] = (AUTOENCODER, LOGISTIC)


@dataclass(frozen=True)
class LoadedModel(Generic[Model]):
    row_id: int
    version: int
    feature_set: str
    model: Model


@dataclass(frozen=True)
class Models:
    """What one request scores with: the autoencoder decides; the classifier may be absent."""

    autoencoder: LoadedModel[Detector] | None = None
    logistic: LoadedModel[Classifier] | None = None


def _check(
    conn: psycopg.Connection[Any], kind: Kind[Model], current: LoadedModel[Model] | None
) -> tuple[str, LoadedModel[Model] | None]:
    """(outcome, the model to serve) for one kind."""
    active = conn.execute(kind.active_query).fetchone()
    if active is None:
        return "none", None
    if current is not None and current.row_id == active[0]:
        return "unchanged", current
    row = conn.execute(kind.artifact_query, (active[0],)).fetchone()
    if row is None:
        raise KeyError(f"{kind.name} row {active[0]} deleted while being loaded")
    logger.info("Fraud %s v%s loaded (%s)", kind.name, active[1], row[0])
    return "loaded", LoadedModel(active[0], active[1], row[0], kind.load(bytes(row[1])))


class ModelStore:
    """Holds the loaded models; `refresh()` swaps one when its table's active row changes."""

    def __init__(self, connect: Callable[[], psycopg.Connection[Any]]) -> None:
        self._connect = connect
        self._models = Models()
        self._stop = threading.Event()

    @property
    def models(self) -> Models:
        return self._models

    def refresh(self) -> dict[str, str]:
        """One check per kind: 'loaded', 'unchanged', 'none' (no active row) or 'error' (kept
        the old one: serving the last good model beats serving none while the database is
        away or a table is not migrated yet)."""
        results: dict[str, str] = {}
        models = self._models
        try:
            with self._connect() as conn:
                for kind in KINDS:
                    try:
                        result, loaded = _check(conn, kind, getattr(models, kind.name))
                        models = replace(models, **{kind.name: loaded})
                    except (psycopg.DatabaseError, ValueError, KeyError) as error:
                        logger.warning("Active fraud %s not checked: %s", kind.name, error)
                        result = "error"
                    results[kind.name] = result
        except psycopg.Error as error:
            logger.warning("Active fraud models not checked: %s", error)
            results = {kind.name: "error" for kind in KINDS}
        self._models = models
        for kind in KINDS:
            RELOADS.labels(kind.name, results[kind.name]).inc()
            loaded = getattr(models, kind.name)
            kind.gauge.set(loaded.version if loaded else 0)
        return results

    def watch(self, interval: float) -> threading.Thread:
        """Refresh now and then every `interval` seconds, in a daemon thread."""

        def loop() -> None:
            while True:
                self.refresh()
                if self._stop.wait(interval):
                    return

        thread = threading.Thread(target=loop, name="fraud-model-watch", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
