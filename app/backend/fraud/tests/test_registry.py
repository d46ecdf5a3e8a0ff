"""Versioned models: atomic activation, a single active version, rollback, cache refresh."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from fraud import registry
from fraud.models import ClassifierVersion, ModelVersion

pytestmark = pytest.mark.django_db


def test_versions_are_numbered_and_only_one_is_active(register_model):
    v1 = register_model()
    v2 = register_model()
    assert (v1.version, v2.version) == (1, 2)
    assert list(ModelVersion.objects.filter(is_active=True)) == [v2]


def test_the_database_refuses_two_active_models(register_model):
    v1 = register_model()
    v2 = register_model(activate=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelVersion.objects.filter(pk=v2.pk).update(is_active=True)
    v1.refresh_from_db()
    assert v1.is_active


def test_rollback_reactivates_the_previous_version_and_scoring_follows(register_model):
    register_model(threshold=1e9)  # v1 flags nothing
    register_model(threshold=-1.0)  # v2 flags everything
    version, detector = registry.active_detector()
    assert version.version == 2 and detector.threshold == -1.0
    assert registry.rollback().version == 1
    version, detector = registry.active_detector()
    assert version.version == 1 and detector.threshold == 1e9


def test_rollback_without_an_older_version_says_so(register_model):
    register_model()
    with pytest.raises(LookupError, match="nothing to roll back"):
        registry.rollback()


def test_no_active_model_explains_how_to_train_one():
    with pytest.raises(registry.NoActiveModelError, match="fraud_train"):
        registry.active_detector()


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_versions_and_one_active(trained_signals):
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def register_one() -> None:
        try:
            start.wait()
            registry.register(trained_signals, "race", activate=True)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(ModelVersion.objects.values_list("version", flat=True)) == [1, 2, 3, 4]
    assert ModelVersion.objects.filter(is_active=True).count() == 1


def test_each_kind_is_numbered_and_activated_on_its_own(register_model, register_classifier):
    autoencoder = register_model()
    first, second = register_classifier(), register_classifier()
    assert (first.version, second.version) == (1, 2)
    assert list(ClassifierVersion.objects.filter(is_active=True)) == [second]
    autoencoder.refresh_from_db()
    assert autoencoder.is_active  # activating a regression leaves the autoencoder alone
    registry.activate_version(first)
    assert registry.active_classifier()[0] == first
    assert registry.active_detector()[0] == autoencoder


def test_the_database_refuses_two_active_classifiers(register_classifier):
    register_classifier()
    idle = register_classifier(activate=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClassifierVersion.objects.filter(pk=idle.pk).update(is_active=True)


def test_classifier_rollback_follows_and_leaves_the_autoencoder(
    register_model, register_classifier
):
    autoencoder = register_model()
    register_classifier(threshold=0.9)
    register_classifier(threshold=0.1)
    assert registry.active_classifier()[1].threshold == 0.1
    assert registry.rollback(ClassifierVersion).version == 1
    version, classifier = registry.active_classifier()
    assert version.version == 1 and classifier.threshold == 0.9
    assert registry.active_detector()[0] == autoencoder
    with pytest.raises(LookupError, match="logistic regression v1 is the oldest"):
        registry.rollback(ClassifierVersion)


def test_no_active_classifier_says_how_to_get_one(active_model):
    with pytest.raises(registry.NoActiveModelError, match="fraud_bootstrap"):
        registry.active_classifier()


def test_an_unknown_kind_names_the_kinds():
    assert registry.model_of_kind("logistic") is ClassifierVersion
    with pytest.raises(LookupError, match="choose one of autoencoder, logistic"):
        registry.model_of_kind("forest")
