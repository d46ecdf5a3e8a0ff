"""The WSGI application: POST /score (one row or a batch, scored by the active autoencoder and
the active logistic regression), /healthz, /readyz, /metrics.

No framework: four routes and JSON bodies do not need one, and the image stays small.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from fraud_api.model_store import Models, ModelStore

Environ = dict[str, Any]
StartResponse = Callable[..., Any]

MAX_BODY_BYTES = 5_000_000
MAX_BATCH_ROWS = 10_000

REQUESTS = Counter("fraud_api_requests_total", "Requests by route and status", ["route", "status"])
LATENCY = Histogram(
    "fraud_api_request_seconds",
    "Time to answer, by route",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)
ROWS = Counter("fraud_api_rows_scored_total", "Rows scored", ["result"])


class HttpError(Exception):
    def __init__(self, status: int, message: str, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


STATUS_TEXT = {
    200: "200 OK",
    400: "400 Bad Request",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    413: "413 Content Too Large",
    503: "503 Service Unavailable",
}


def _read_json(environ: Environ) -> Any:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise HttpError(400, "Content-Length is not a number") from None
    if length > MAX_BODY_BYTES:
        raise HttpError(413, f"body over {MAX_BODY_BYTES} bytes: send smaller batches")
    try:
        return json.loads(environ["wsgi.input"].read(length) or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HttpError(400, f"body is not JSON: {error}") from None


NO_MODEL = (
    "no active fraud model in the database: the deploy's `manage.py fraud_bootstrap` or "
    "/admin/fraud/ activates one"
)


def _row(error: float, threshold: float, probability: float, cutoff: float) -> dict[str, Any]:
    """One row's answer: the autoencoder's score and flag, the classifier's probability and
    verdict (None where a model cannot score the row or no classifier is active)."""
    scored, classified = math.isfinite(error), math.isfinite(probability)
    return {
        "score": error if scored else None,
        "is_anomaly": error > threshold if scored else None,
        "fraud_probability": probability if classified else None,
        "is_fraud": probability >= cutoff if classified else None,
    }


def score_body(models: Models, body: Any) -> dict[str, Any]:
    """{"features": {...}} scores one row, {"rows": [{...}, ...]} a batch; every row gets both
    models' answers (_row)."""
    loaded = models.autoencoder
    if loaded is None:
        raise HttpError(503, NO_MODEL, "no_model")
    detector, classifier = loaded.model, models.logistic
    described: dict[str, Any] = {
        "model_version": loaded.version,
        "feature_set": loaded.feature_set,
        "threshold": detector.threshold,
        "logistic": None
        if classifier is None
        else {"model_version": classifier.version, "threshold": classifier.model.threshold},
    }
    cutoff = classifier.model.threshold if classifier else math.inf
    single = isinstance(body, dict) and isinstance(body.get("features"), dict)
    if single:
        rows = [body["features"]]
    elif isinstance(body, dict) and isinstance(body.get("rows"), list):
        rows = body["rows"]
        if len(rows) > MAX_BATCH_ROWS:
            raise HttpError(413, f"{len(rows)} rows: a batch holds at most {MAX_BATCH_ROWS}")
        if not all(isinstance(row, dict) for row in rows):
            raise HttpError(400, "every element of rows must be an object of features")
    else:
        raise HttpError(
            400, 'send {"features": {column: number}} or {"rows": [{column: number}, ...]}'
        )
    errors = detector.errors(rows)
    unclassified = np.full(len(rows), np.nan)
    probabilities = classifier.model.probabilities(rows) if classifier else unclassified
    valid = np.isfinite(errors)
    if single and not valid[0]:
        ROWS.labels("invalid").inc()
        raise HttpError(400, f"features need a number for each of: {', '.join(detector.columns)}")
    ROWS.labels("scored").inc(int(valid.sum()))
    ROWS.labels("invalid").inc(int((~valid).sum()))
    answers = [
        _row(float(e), detector.threshold, float(p), cutoff)
        for e, p in zip(errors, probabilities, strict=True)
    ]
    if single:
        return {**described, **answers[0]}
    return {**described, "results": answers}


def create_app(store: ModelStore) -> Callable[[Environ, StartResponse], Iterable[bytes]]:
    def ready() -> dict[str, Any]:
        models = store.models
        if models.autoencoder is None:
            raise HttpError(503, NO_MODEL, "no_model")
        return {
            "status": "ready",
            "model_version": models.autoencoder.version,
            "feature_set": models.autoencoder.feature_set,
            "logistic_version": models.logistic.version if models.logistic else None,
        }

    def score(environ: Environ) -> dict[str, Any]:
        body = _read_json(environ)  # read first: the connection stays usable whatever follows
        return score_body(store.models, body)

    routes: dict[str, tuple[str, Callable[[Environ], Any]]] = {
        "/healthz": ("GET", lambda _: {"status": "ok"}),
        "/readyz": ("GET", lambda _: ready()),
        "/score": ("POST", score),
    }

    def application(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        started = time.perf_counter()
        if path == "/metrics":
            payload, content_type, status = generate_latest(), CONTENT_TYPE_LATEST, 200
        else:
            content_type = "application/json"
            try:
                if path not in routes:
                    raise HttpError(404, f"no {path}: try /score, /healthz, /readyz, /metrics")
                allowed, handler = routes[path]
                if method != allowed:
                    raise HttpError(405, f"{path} answers {allowed} only")
                answer, status = handler(environ), 200
            except HttpError as error:
                answer, status = {"detail": str(error)}, error.status
                if error.code:
                    answer["code"] = error.code
            payload = json.dumps(answer).encode()
        route = path if path in routes or path == "/metrics" else "other"
        REQUESTS.labels(route, str(status)).inc()
        LATENCY.labels(route).observe(time.perf_counter() - started)
        start_response(
            STATUS_TEXT[status],
            [("Content-Type", content_type), ("Content-Length", str(len(payload)))],
        )
        return [payload]

    return application
