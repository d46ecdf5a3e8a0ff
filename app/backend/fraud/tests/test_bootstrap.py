"""What the deploy runs after the migrations: a validated model when none is active, and
an active one (the deploy's or an operator's choice) kept as it is."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from fraud import bootstrap
from fraud.ml.classifier import Classifier
from fraud.ml.signals import SIGNAL_FEATURES
from fraud.ml.synthetic import card_transactions
from fraud.models import ClassifierVersion, ModelVersion

pytestmark = pytest.mark.django_db


def _bootstrap() -> str:
    out = io.StringIO()
    call_command("fraud_bootstrap", "--epochs", "20", stdout=out)
    return out.getvalue()


def test_an_empty_shop_gets_a_validated_active_signals_model_once():
    first = _bootstrap()
    assert "trained and activated model v1 (signals)" in first
    model = ModelVersion.objects.get()
    assert model.is_active and model.feature_set == "signals"
    assert model.source == bootstrap.SOURCE
    validation = model.report["validation"]
    assert validation["roc_auc"] >= bootstrap.MIN_ROC_AUC
    assert validation["n_eval"] > 0 and "SYNTHETIC" in validation["data"]
    second = _bootstrap()
    assert "nothing trained" in second and "(v1," in second
    assert ModelVersion.objects.count() == 1


def test_an_operators_rollback_survives_the_next_deploy(register_model, active_classifier):
    register_model(source="operator upload v1")
    register_model(source="operator upload v2")
    call_command("fraud_models", "--rollback", stdout=io.StringIO())
    assert "nothing trained" in _bootstrap()
    assert ModelVersion.objects.get(is_active=True).version == 1
    assert ModelVersion.objects.count() == 2
    assert ClassifierVersion.objects.get() == active_classifier


def test_a_shop_upgraded_with_an_autoencoder_gets_its_logistic_regression(register_model):
    kept = register_model(source="operator upload")
    out = _bootstrap()
    assert "nothing trained" not in out  # the deploy reports the change
    assert "model v1 kept active" in out
    assert "trained and activated logistic regression v1 (signals)" in out
    assert ModelVersion.objects.get(is_active=True) == kept
    classifier = ClassifierVersion.objects.get(is_active=True)
    assert classifier.source == bootstrap.SOURCE
    assert classifier.report["validation"]["roc_auc"] >= bootstrap.MIN_ROC_AUC
    assert "nothing trained" in _bootstrap()


def test_an_empty_shop_gets_a_validated_active_logistic_regression_too():
    _bootstrap()
    classifier = ClassifierVersion.objects.get()
    assert classifier.is_active and classifier.feature_set == "signals"
    report = classifier.report
    # Labels are what it learns from: every labelled row, held-out validation aside.
    assert report["rows_used"] == report["rows_in"] == len(card_transactions())
    validation = report["validation"]
    assert validation["roc_auc"] >= bootstrap.MIN_ROC_AUC and "SYNTHETIC" in validation["data"]
    assert 0 < validation["precision"] <= 1 and validation["recall"] > 0.5
    assert set(report["coefficients"]) == set(SIGNAL_FEATURES)
    restored = Classifier.from_bytes(bytes(classifier.artifact))
    assert restored.threshold == classifier.threshold == 0.5


@pytest.mark.parametrize(
    ("minimum", "message"),
    [
        (1.01, r"autoencoder reached ROC-AUC .* below 1\.01; nothing was activated"),
        # Between the two held-out ROC-AUCs: the autoencoder passes, the regression fails.
        (0.95, r"logistic regression reached ROC-AUC 0\.9\d\d"),
    ],
)
def test_a_model_failing_validation_activates_neither_kind(monkeypatch, minimum, message):
    monkeypatch.setattr(bootstrap, "MIN_ROC_AUC", minimum)
    with pytest.raises(CommandError, match=message):
        _bootstrap()
    assert not ModelVersion.objects.exists()
    assert not ClassifierVersion.objects.exists()


def test_models_json_tells_the_active_model_its_data_and_metrics():
    out = io.StringIO()
    call_command("fraud_models", "--json", stdout=out)
    assert json.loads(out.getvalue()) is None
    _bootstrap()
    out = io.StringIO()
    call_command("fraud_models", "--json", stdout=out)
    info = json.loads(out.getvalue())
    assert info["version"] == 1 and info["source"] == bootstrap.SOURCE
    assert info["training"]["rows_used"] > 1000
    assert info["validation"]["roc_auc"] >= bootstrap.MIN_ROC_AUC
