"""Fraud fixtures on top of the backend's conftest (real PostgreSQL cluster, users, cards)."""

import pytest

from fraud.ml.classifier import train_classifier
from fraud.ml.detector import train
from fraud.ml.signals import signal_rows
from fraud.ml.synthetic import card_transactions


@pytest.fixture(scope="session")
def trained_signals():
    """One small signals model per session; training is the slow part."""
    rows = signal_rows(t.tx for t in card_transactions(n_users=120))
    return train(rows, "signals", epochs=10)


def _registering(register, result, trained):
    """make(threshold=, activate=, source=) registers `result`; a threshold given is the
    version's own (the session's trained model gets its threshold back)."""

    def make(*, threshold: float | None = None, activate: bool = True, source: str = "test"):
        if threshold is not None:
            trained.threshold = threshold
        try:
            return register(result, source, activate=activate)
        finally:
            trained.threshold = result.report["threshold"]

    return make


@pytest.fixture
def register_model(db, trained_signals):
    from fraud.registry import register

    return _registering(register, trained_signals, trained_signals.detector)


@pytest.fixture
def active_model(register_model):
    return register_model()


@pytest.fixture(scope="session")
def trained_classifier():
    """The logistic regression on the same labelled SYNTHETIC stream the bootstrap uses."""
    data = card_transactions(n_users=120)
    rows = signal_rows(t.tx for t in data)
    return train_classifier(rows, [t.label for t in data])


@pytest.fixture
def register_classifier(db, trained_classifier):
    from fraud.registry import register_classifier

    return _registering(register_classifier, trained_classifier, trained_classifier.classifier)


@pytest.fixture
def active_classifier(register_classifier):
    return register_classifier()
