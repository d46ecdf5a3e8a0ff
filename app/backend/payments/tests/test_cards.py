import pytest

from payments.models import Card

pytestmark = pytest.mark.django_db


def test_save_card_by_payment_method_keeps_only_brand_last4_expiry(user_client, user):
    response = user_client.post("/api/cards", {"payment_method": "pm_card_visa"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["brand"], body["last4"], body["provider"]) == ("visa", "4242", "sandbox")
    assert 1 <= body["exp_month"] <= 12
    card = Card.objects.get(pk=body["id"], user=user)
    assert card.provider_payment_method_id == "pm_card_visa"
    assert card.provider_customer_id.startswith("cus_sandbox_")


def test_test_card_number_is_tokenised_and_never_stored(user_client, digit_runs_in_database):
    """Seed flaw: full card numbers were stored in plaintext."""
    response = user_client.post(
        "/api/cards",
        {"number": "4000 0000 0000 0002", "exp_month": 4, "exp_year": 2031, "name_on_card": "A"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert "number" not in body
    assert (body["last4"], body["exp_month"], body["exp_year"]) == ("0002", 4, 2031)
    assert Card.objects.get(pk=body["id"]).provider_payment_method_id == "pm_card_chargeDeclined"
    assert "4000000000000002" not in digit_runs_in_database()


def test_real_card_numbers_are_refused_by_the_sandbox(user_client):
    response = user_client.post("/api/cards", {"number": "4111111111111111"}, format="json")
    assert response.status_code == 400
    assert "test card" in response.json()["number"][0]
    assert not Card.objects.exists()


def test_unknown_payment_method_is_400(user_client):
    response = user_client.post("/api/cards", {"payment_method": "pm_nope"}, format="json")
    assert response.status_code == 400
    assert "pm_card_visa" in response.json()["payment_method"][0]


def test_card_without_method_or_number_is_400(user_client):
    assert user_client.post("/api/cards", {}, format="json").status_code == 400


def test_card_numbers_refused_when_gateway_is_stripe(user_client, settings):
    settings.PAYMENT_GATEWAY = "stripe"
    response = user_client.post("/api/cards", {"number": "4242424242424242"}, format="json")
    assert response.status_code == 400
    assert "not accepted" in response.json()["number"][0]


def test_cards_list_and_delete_for_owner(user_client, card, other_user, make_card):
    make_card(other_user)
    assert [c["id"] for c in user_client.get("/api/cards").json()["results"]] == [card.pk]
    assert user_client.delete(f"/api/cards/{card.pk}").status_code == 204
    assert not Card.objects.filter(pk=card.pk).exists()


def test_another_users_card_is_not_found(client_for, card, other_user):
    """Seed flaw: any logged-in user could read or delete anyone's card."""
    intruder = client_for(other_user)
    assert intruder.get(f"/api/cards/{card.pk}").status_code == 404
    assert intruder.delete(f"/api/cards/{card.pk}").status_code == 404
    assert Card.objects.filter(pk=card.pk).exists()


def test_cards_cannot_be_edited(user_client, card):
    response = user_client.patch(f"/api/cards/{card.pk}", {"last4": "9999"}, format="json")
    assert response.status_code == 405


def test_payment_config_is_public(anon_client, settings):
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    body = anon_client.get("/api/config").json()
    assert body == {"payment_gateway": "sandbox", "stripe_publishable_key": "pk_test_123"}
