"""Metrics against known values, and quality floors on labelled SYNTHETIC data."""

import numpy as np
import pytest

from fraud.ml import logistic
from fraud.ml.evaluation import compare_feature_sets
from fraud.ml.metrics import Confusion, average_precision, roc_auc
from fraud.ml.synthetic import CREDITCARD_COLUMNS, creditcard_rows


def test_metrics_match_sklearn_reference_values():
    y = np.array([0, 0, 1, 1.0])
    s = np.array([0.1, 0.4, 0.35, 0.8])
    assert roc_auc(y, s) == pytest.approx(0.75)
    assert average_precision(y, s) == pytest.approx(0.8333333)
    c = Confusion.of(y, s > 0.3)
    assert (c.tp, c.fp, c.tn, c.fn) == (2, 1, 1, 0)
    assert c.precision == pytest.approx(2 / 3) and c.recall == 1.0


def test_ties_count_half_in_roc_auc():
    assert roc_auc(np.array([0, 1.0]), np.array([0.5, 0.5])) == 0.5


@pytest.fixture(scope="module")
def comparison():
    return compare_feature_sets(n_users=300, epochs=30)


def test_signal_features_detect_synthetic_fraud(comparison):
    signals = comparison["signals"]
    assert signals["roc_auc"] >= 0.90
    assert signals["precision"] >= 0.6
    assert signals["recall"] >= 0.25  # the p95 rule flags ~5% of rows, fewer than the frauds


def test_seed_features_are_barely_better_than_chance(comparison):
    assert comparison["seed"]["roc_auc"] < 0.7
    assert comparison["signals"]["roc_auc"] - comparison["seed"]["roc_auc"] >= 0.2


def test_creditcard_generator_shape_and_imbalance():
    data = creditcard_rows(n=200_000)
    assert data.shape == (200_000, len(CREDITCARD_COLUMNS))
    assert data[:, -1].mean() == pytest.approx(0.0017, abs=0.0004)


def test_undersampling_keeps_all_positives_and_balances():
    y = np.r_[np.zeros(1000), np.ones(10)]
    idx = logistic.undersample(y)
    assert y[idx].sum() == 10 and len(idx) == 20


def test_logistic_regression_floors_on_synthetic_creditcard_data():
    data = creditcard_rows(n=150_000)
    report = logistic.run(data[:, :-1], data[:, -1])
    assert report["n_test"] == pytest.approx(45_000, abs=2)
    assert report["confusion"]["recall"] >= 0.8  # undersampled training: high recall at 0.5
    assert report["roc_auc"] >= 0.95
    assert report["average_precision"] >= 0.5
    paper = report["at_paper_fpr"]
    assert paper["false_positive_rate"] <= 5e-4
    assert paper["recall"] >= 0.6 and paper["precision"] >= 0.5
