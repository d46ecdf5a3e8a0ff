"""Every checkout is scored through payments.signals.payment_attempted; the order keeps it."""

import io
import logging

import pytest
from prometheus_client import REGISTRY

from fraud.models import TransactionScore
from orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def buy(user_client, address, card, make_product):
    product = make_product(price="25.00", stock=100)

    def checkout(use_card=card):
        body = {
            "items": [{"product_id": product.pk, "quantity": 1}],
            "address_id": address.pk,
            "card_id": use_card.pk,
        }
        return user_client.post("/api/checkout", body, format="json")

    return checkout


def _alerts() -> float:
    return REGISTRY.get_sample_value("fraud_alerts_total") or 0.0


def test_checkout_without_a_model_still_succeeds(buy):
    assert buy().status_code == 201
    assert not TransactionScore.objects.exists()


def test_paid_order_keeps_its_score(buy, active_model):
    response = buy()
    assert response.status_code == 201
    order = Order.objects.get(pk=response.json()["id"])
    score = order.fraud_score
    assert score.model_version == active_model
    assert score.threshold == pytest.approx(active_model.threshold)
    assert score.succeeded is True and score.amount == order.total
    assert score.features["card"] == "visa ****4242"
    assert set(score.features) >= {"card_users", "attempts_1h", "amount_log_ratio"}


def test_the_admin_order_page_shows_the_score(buy, active_model, staff_user):
    from django.test import Client

    admin = Client()
    admin.force_login(staff_user)
    unscored = Order.objects.get(pk=buy().json()["id"])
    unscored.fraud_score.delete()
    page = admin.get(f"/admin/orders/order/{unscored.pk}/change/").content.decode()
    assert "not scored (no active fraud model at checkout)" in page
    order = Order.objects.get(pk=buy().json()["id"])
    page = admin.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    score = order.fraud_score
    shown = f"{score.score:.4f} (threshold {score.threshold:.4f}, model v{active_model.version})"
    assert shown in page


def test_declined_attempt_is_scored_too(buy, user, make_card, active_model):
    declined = make_card(user, payment_method="pm_card_chargeDeclined", last4="0002")
    assert buy(declined).status_code == 402
    score = TransactionScore.objects.get()
    assert score.succeeded is False


def test_anomaly_raises_an_alert_but_does_not_block_by_default(buy, register_model, caplog):
    register_model(threshold=-1.0)  # everything is anomalous
    before = _alerts()
    with caplog.at_level(logging.WARNING, logger="fraud.scoring"):
        response = buy()
    assert response.status_code == 201
    order = Order.objects.get(pk=response.json()["id"])
    assert order.status == Order.Status.PAID
    assert order.fraud_score.is_anomaly and order.fraud_score.action == "flagged"
    assert _alerts() == before + 1
    assert any("Fraud alert" in r.getMessage() for r in caplog.records)


def test_blocking_setting_holds_anomalous_paid_orders(buy, register_model, settings):
    settings.FRAUD_BLOCK_ANOMALIES = True
    register_model(threshold=-1.0)
    order = Order.objects.get(pk=buy().json()["id"])
    assert order.status == Order.Status.PENDING
    assert order.fraud_score.action == "held"


def test_card_reused_by_another_account_shows_in_features(buy, other_user, make_card, active_model):
    make_card(other_user)  # same brand, last4 and expiry as the buyer's card
    buy()
    assert TransactionScore.objects.get().features["card_users"] == 1.0


def test_retraining_on_the_shops_orders(buy, active_model):
    from django.core.management import call_command

    for _ in range(12):
        assert buy().status_code == 201
    out = io.StringIO()
    call_command("fraud_train", "--database", "--epochs", "2", stdout=out)
    assert "trained on 12 rows" in out.getvalue()


def test_the_logistic_regressions_probability_is_recorded_beside_the_decision(
    buy, active_model, active_classifier, staff_user
):
    from django.test import Client

    from fraud.registry import active_classifier as loaded_classifier

    score = Order.objects.get(pk=buy().json()["id"]).fraud_score
    _, classifier = loaded_classifier()
    expected = float(classifier.probabilities([score.features])[0])
    assert score.classifier_version == active_classifier
    assert score.fraud_probability == pytest.approx(expected, rel=1e-12)
    assert score.model_version == active_model
    admin = Client()
    admin.force_login(staff_user)
    page = admin.get(f"/admin/orders/order/{score.order_id}/change/").content.decode()
    shown = f"fraud probability {score.fraud_probability:.3f} (logistic regression v1)"
    assert f"model v{active_model.version}): normal; {shown}" in page


def test_the_logistic_regression_does_not_decide(buy, register_model, register_classifier):
    register_model(threshold=1e9)  # the autoencoder flags nothing
    register_classifier(threshold=0.0)  # the regression calls every row fraud
    response = buy()
    assert response.status_code == 201
    order = Order.objects.get(pk=response.json()["id"])
    score = order.fraud_score
    assert score.fraud_probability >= score.classifier_version.threshold
    assert not score.is_anomaly and score.action == TransactionScore.Action.NONE
    assert order.status == Order.Status.PAID


def test_without_a_logistic_regression_the_probability_stays_empty(buy, active_model):
    score = Order.objects.get(pk=buy().json()["id"]).fraud_score
    assert score.fraud_probability is None and score.classifier_version is None
