"""The served logistic regression: what it learns from labelled signal rows, and its artifact."""

import io
import json

import numpy as np
import pytest

from fraud.ml.artifact import pack
from fraud.ml.classifier import THRESHOLD, Classifier, train_classifier
from fraud.ml.detector import Detector, InvalidRowsError
from fraud.ml.signals import SIGNAL_FEATURES, signal_rows
from fraud.ml.synthetic import PATTERNS, card_transactions
from fraud.tests.test_api import NORMAL, ODD


@pytest.fixture(scope="module")
def labelled():
    data = card_transactions(n_users=200)
    return data, [dict(r) for r in signal_rows(t.tx for t in data)], [t.label for t in data]


@pytest.fixture(scope="module")
def fitted(labelled):
    _, rows, labels = labelled
    return train_classifier(rows, labels)


def test_it_separates_the_known_fraud_patterns_on_held_out_rows(fitted):
    validation = fitted.report["validation"]
    assert validation["roc_auc"] > 0.85
    assert validation["recall"] > 0.6 and validation["precision"] > validation["fraud_share"]
    assert validation["threshold"] == THRESHOLD
    assert set(fitted.report["coefficients"]) == set(SIGNAL_FEATURES)


def test_fraud_rows_get_higher_probabilities_than_legit_ones(labelled, fitted):
    data, rows, _ = labelled
    probabilities = fitted.classifier.probabilities(rows)
    legit = np.median([p for p, t in zip(probabilities, data, strict=True) if t.label == 0])
    for pattern in ("card_testing", "zip_mismatch", "bad_expiry"):
        assert pattern in PATTERNS
        shown = [p for p, t in zip(probabilities, data, strict=True) if t.pattern == pattern]
        assert np.median(shown) > legit, pattern
    normal, odd = fitted.classifier.probabilities([NORMAL, ODD])
    assert odd > THRESHOLD > normal


def test_artifact_round_trip_gives_the_same_probabilities(labelled, fitted):
    _, rows, _ = labelled
    restored = Classifier.from_bytes(fitted.classifier.to_bytes())
    assert np.array_equal(restored.probabilities(rows), fitted.classifier.probabilities(rows))
    assert restored.threshold == fitted.classifier.threshold
    assert restored.model.c == 0.01


def test_rows_missing_a_feature_get_nan(fitted):
    probabilities = fitted.classifier.probabilities([NORMAL, {"log_amount": 1.0}])
    assert np.isfinite(probabilities[0]) and np.isnan(probabilities[1])


def test_an_autoencoder_artifact_is_not_read_as_a_classifier(trained_signals):
    with pytest.raises(ValueError, match="kind 'autoencoder', not 'logistic'"):
        Classifier.from_bytes(trained_signals.detector.to_bytes())


def test_a_classifier_artifact_is_not_read_as_an_autoencoder(fitted):
    with pytest.raises(ValueError, match="kind 'logistic', not 'autoencoder'"):
        Detector.from_bytes(fitted.classifier.to_bytes())


def test_an_artifact_holding_python_objects_is_refused(fitted):
    buffer = io.BytesIO()
    np.savez(buffer, coef=np.array([object()]), meta=np.array("{}"))
    with pytest.raises(ValueError, match="allow_pickle"):
        Classifier.from_bytes(buffer.getvalue())


def test_a_wrong_number_of_coefficients_is_refused():
    blob = pack(
        "logistic",
        {"coef": np.zeros(3), "shift": np.zeros(3), "scale": np.ones(3)},
        {"scaler": "standard", "threshold": 0.5, "c": 0.01, "intercept": 0.0, "metadata": {}},
    )
    with pytest.raises(ValueError, match=f"expected {len(SIGNAL_FEATURES)} coefficients"):
        Classifier.from_bytes(blob)


def test_training_needs_both_classes(labelled):
    _, rows, _ = labelled
    with pytest.raises(InvalidRowsError, match="at least 4 of each class"):
        train_classifier(rows, [0] * len(rows))


def test_autoencoder_artifacts_written_before_kinds_still_load(trained_signals):
    """Versions already in a shop's database have no kind in their header."""
    detector = trained_signals.detector
    with np.load(io.BytesIO(detector.to_bytes()), allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files if name != "meta"}
        meta = json.loads(str(data["meta"]))
    del meta["kind"]
    buffer = io.BytesIO()
    np.savez(buffer, **arrays, meta=np.array(json.dumps(meta)))
    restored = Detector.from_bytes(buffer.getvalue())
    assert np.array_equal(restored.errors([NORMAL, ODD]), detector.errors([NORMAL, ODD]))
    with pytest.raises(ValueError, match="kind 'autoencoder', not 'logistic'"):
        Classifier.from_bytes(buffer.getvalue())
