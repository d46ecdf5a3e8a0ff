"""The backend's client of the fraud API (app/fraud-api): one short HTTP call per checkout."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from fraud import conf


class FraudApiUnavailableError(RuntimeError):
    """The fraud API did not answer in time or answered an error."""


class FraudApiNoModelError(LookupError):
    """The fraud API answers but has no model: the database has no active one."""


@dataclass(frozen=True)
class RemoteScore:
    score: float
    threshold: float
    is_anomaly: bool
    model_version: int
    feature_set: str
    # The logistic regression's answer; None when the service has no active classifier.
    fraud_probability: float | None = None
    classifier_version: int | None = None


def _call(method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    url = conf.fraud_api_url() + path
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (the URL is the operator's setting)
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=conf.fraud_api_timeout()) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        detail = error.read()[:300].decode(errors="replace")
        if error.code == 503 and '"no_model"' in detail:
            raise FraudApiNoModelError(detail) from error
        raise FraudApiUnavailableError(f"{url} answered {error.code}: {detail}") from error
    except (OSError, ValueError) as error:  # refused, reset, timed out, not JSON
        raise FraudApiUnavailableError(f"{url}: {error}") from error


def score(features: dict[str, float]) -> RemoteScore:
    answer = _call("POST", "/score", {"features": features})
    try:
        logistic = answer.get("logistic")
        probability = answer.get("fraud_probability")
        return RemoteScore(
            score=float(answer["score"]),
            threshold=float(answer["threshold"]),
            is_anomaly=bool(answer["is_anomaly"]),
            model_version=int(answer["model_version"]),
            feature_set=str(answer["feature_set"]),
            fraud_probability=None if probability is None else float(probability),
            classifier_version=int(logistic["model_version"]) if logistic else None,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise FraudApiUnavailableError(f"unexpected answer from the fraud API: {answer}") from error


def check_ready() -> None:
    """Raises FraudApiUnavailableError unless the API answers /readyz, FraudApiNoModelError
    when it answers without a model."""
    _call("GET", "/readyz")
