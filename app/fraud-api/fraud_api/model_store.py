"""The active model, read from the shop's database and reloaded when the active row changes.

The backend keeps every version in `fraud_modelversion` (an `.npz` artifact, loaded with
`allow_pickle=False`) and activates or rolls back in one transaction. Polling that row's id is
one indexed query; a new id means a new model, which is loaded before it replaces the old one,
so a request always sees one whole model.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from prometheus_client import Counter, Gauge

from fraud.ml.detector import Detector

logger = logging.getLogger(__name__)

ACTIVE_ID_QUERY = "SELECT id, version FROM fraud_modelversion WHERE is_active"
ARTIFACT_QUERY = "SELECT feature_set, artifact FROM fraud_modelversion WHERE id = %s"

RELOADS = Counter("fraud_api_model_reloads_total", "Active-model checks by outcome", ["result"])
MODEL_VERSION = Gauge("fraud_api_model_version", "Version of the loaded model (0: none)")


@dataclass(frozen=True)
class LoadedModel:
    row_id: int
    version: int
    feature_set: str
    detector: Detector


class ModelStore:
    """Holds the loaded model; `refresh()` swaps it when the database's active row changes."""

    def __init__(self, connect: Callable[[], psycopg.Connection[Any]]) -> None:
        self._connect = connect
        self._model: LoadedModel | None = None
        self._stop = threading.Event()

    @property
    def model(self) -> LoadedModel | None:
        return self._model

    def refresh(self) -> str:
        """One check: 'loaded', 'unchanged', 'none' (no active row) or 'error' (kept the old)."""
        try:
            with self._connect() as conn:
                active = conn.execute(ACTIVE_ID_QUERY).fetchone()
                if active is None:
                    result = "none"
                    self._model = None
                elif self._model is not None and self._model.row_id == active[0]:
                    result = "unchanged"
                else:
                    row = conn.execute(ARTIFACT_QUERY, (active[0],)).fetchone()
                    if row is None:
                        raise KeyError(f"model row {active[0]} deleted while being loaded")
                    detector = Detector.from_bytes(bytes(row[1]))
                    self._model = LoadedModel(active[0], active[1], row[0], detector)
                    result = "loaded"
                    logger.info("Fraud model v%s loaded (%s)", active[1], row[0])
        except (psycopg.Error, ValueError, KeyError) as error:
            # Serving the last good model beats serving none while the database is away.
            logger.warning("Active fraud model not checked: %s", error)
            result = "error"
        RELOADS.labels(result).inc()
        MODEL_VERSION.set(self._model.version if self._model else 0)
        return result

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
