"""POST /api/fraud/score and the admin API: permissions, validation, answers."""

import pytest
from django.contrib.auth.models import Permission

from fraud.ml.signals import SIGNAL_FEATURES
from fraud.models import ClassifierVersion, ModelVersion

pytestmark = pytest.mark.django_db

NORMAL = {
    "expiry_months": 30,
    "card_users": 0,
    "user_cards": 1,
    "zip_state_mismatch": 0,
    "attempts_1h": 0,
    "declines_24h": 0,
    "amount_log_ratio": 0.05,
    "log_amount": 4.0,
}
ODD = {
    **NORMAL,
    "expiry_months": -20,
    "card_users": 6,
    "zip_state_mismatch": 1,
    "attempts_1h": 9,
    "declines_24h": 5,
    "amount_log_ratio": 3.0,
}


def test_score_needs_admin_or_service_permission(anon_client, user_client, active_model):
    assert anon_client.post("/api/fraud/score", NORMAL, format="json").status_code == 401
    assert user_client.post("/api/fraud/score", NORMAL, format="json").status_code == 403


def test_service_account_with_the_permission_can_score(make_user, client_for, active_model):
    service = make_user("scoring-service@example.com")
    service.user_permissions.add(Permission.objects.get(codename="score_transaction"))
    response = client_for(service).post("/api/fraud/score", NORMAL, format="json")
    assert response.status_code == 200


def test_score_answers_with_version_and_threshold(staff_client, active_model):
    normal = staff_client.post("/api/fraud/score", NORMAL, format="json").json()
    odd = staff_client.post("/api/fraud/score", ODD, format="json").json()
    assert normal["model_version"] == active_model.version == odd["model_version"]
    assert normal["threshold"] == pytest.approx(active_model.threshold)
    assert normal["is_anomaly"] is False and odd["is_anomaly"] is True
    assert odd["score"] > normal["score"]


def test_score_rejects_missing_and_non_numeric_fields(staff_client, active_model):
    partial = staff_client.post("/api/fraud/score", {"log_amount": 1}, format="json")
    assert partial.status_code == 400
    assert partial.json()["expected"] == list(SIGNAL_FEATURES)
    bad = staff_client.post("/api/fraud/score", {**NORMAL, "card_users": "many"}, format="json")
    assert bad.status_code == 400
    listed = staff_client.post("/api/fraud/score", [NORMAL], format="json")
    assert listed.status_code == 400


def test_score_without_a_model_is_503_with_instructions(staff_client):
    response = staff_client.post("/api/fraud/score", NORMAL, format="json")
    assert response.status_code == 503
    assert "fraud_train" in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/admin/fraud/summary",
        "/api/admin/fraud/flagged",
        "/api/admin/fraud/models",
        "/api/admin/fraud/export.csv",
    ],
)
def test_admin_endpoints_are_admin_only(url, user_client, staff_client, active_model):
    assert user_client.get(url).status_code == 403
    assert staff_client.get(url).status_code == 200


def test_admin_api_activates_and_rolls_back(staff_client, register_model):
    register_model()
    register_model()
    assert staff_client.post("/api/admin/fraud/models/1/activate").json()["is_active"] is True
    assert ModelVersion.objects.get(is_active=True).version == 1
    assert staff_client.post("/api/admin/fraud/models/9/activate").status_code == 404
    assert staff_client.post("/api/admin/fraud/models/rollback").status_code == 409


def test_the_api_rolls_the_logistic_regression_back_by_kind(
    staff_client, active_model, register_classifier
):
    register_classifier()
    register_classifier()
    answer = staff_client.post("/api/admin/fraud/models/rollback?kind=logistic")
    assert answer.status_code == 200 and answer.json()["version"] == 1
    assert ClassifierVersion.objects.get(is_active=True).version == 1
    assert ModelVersion.objects.get(is_active=True) == active_model
    unknown = staff_client.post("/api/admin/fraud/models/rollback?kind=forest")
    assert unknown.status_code == 400 and "autoencoder, logistic" in unknown.json()["detail"]


def test_a_transaction_is_scored_from_the_shops_history(
    staff_client, user, other_user, make_card, active_model
):
    make_card(other_user)  # the same visa ****4242 12/2030, saved by another account
    tx = {
        "user_id": user.pk,
        "brand": "visa",
        "last4": "4242",
        "exp_month": 12,
        "exp_year": 2030,
        "address_state": "Oregon",
        "address_zip": "97201",
        "amount": "80.00",
    }
    answer = staff_client.post("/api/fraud/score", {"transaction": tx}, format="json").json()
    assert answer["features"]["card_users"] == 1.0
    assert answer["features"]["user_cards"] == 1.0  # not saved by this user: counted anyway
    assert answer["features"]["zip_state_mismatch"] == 0.0
    assert answer["model_version"] == active_model.version


def test_an_invalid_transaction_is_a_400_naming_the_field(staff_client, active_model):
    tx = {
        "user_id": 1,
        "brand": "visa",
        "last4": "42424",
        "exp_month": 13,
        "exp_year": 2030,
        "amount": "-1",
    }
    response = staff_client.post("/api/fraud/score", {"transaction": tx}, format="json")
    assert response.status_code == 400
    assert {"last4", "exp_month", "amount"} <= set(response.json())
