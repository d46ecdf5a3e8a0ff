import threading
from decimal import Decimal

import pytest
from django.db import connection

from orders.models import Order
from payments.models import Payment
from payments.signals import payment_attempted

pytestmark = pytest.mark.django_db


def checkout(client, items, address, card, **extra):
    body = {"items": items, "address_id": address.pk, "card_id": card.pk, **extra}
    return client.post("/api/checkout", body, format="json")


def test_checkout_prices_on_server_and_decrements_stock(user_client, address, card, make_product):
    lamp, desk = make_product("Lamp", "19.99", 5), make_product("Desk", "100.00", 2)
    items = [{"product_id": lamp.pk, "quantity": 2}, {"product_id": desk.pk, "quantity": 1}]
    response = checkout(user_client, items, address, card)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "paid"
    assert body["total"] == "139.98"
    assert body["card_last4"] == "4242"
    assert "Springfield" in body["shipping_address"]
    assert {(i["product_name"], i["quantity"]) for i in body["items"]} == {("Lamp", 2), ("Desk", 1)}
    lamp.refresh_from_db()
    desk.refresh_from_db()
    assert (lamp.stock, desk.stock) == (3, 1)
    payment = Payment.objects.get(order_id=body["id"])
    assert payment.status == "succeeded"
    assert payment.amount == Decimal("139.98")


def test_client_supplied_amount_and_status_are_ignored(user_client, address, card, make_product):
    """Seed flaw: the client decided the charge amount and the paid/delivered flags."""
    product = make_product("TV", "500.00", 1)
    response = checkout(
        user_client,
        [{"product_id": product.pk, "quantity": 1, "price": "0.01"}],
        address,
        card,
        total="0.01",
        total_price="0.01",
        status="delivered",
        paid_status=True,
        is_delivered=True,
    )
    assert response.status_code == 201
    order = Order.objects.get(pk=response.json()["id"])
    assert order.total == Decimal("500.00")
    assert order.status == "paid"
    assert order.delivered_at is None
    assert Payment.objects.get(order=order).amount == Decimal("500.00")


def test_declined_card_is_402_and_gives_stock_back(
    user_client, user, address, make_card, make_product
):
    declined = make_card(user, "pm_card_chargeDeclined", "0002")
    product = make_product(stock=3)
    events = []

    def listen(sender, **kwargs):
        events.append(kwargs)

    payment_attempted.connect(listen)
    try:
        response = checkout(
            user_client, [{"product_id": product.pk, "quantity": 2}], address, declined
        )
    finally:
        payment_attempted.disconnect(listen)
    assert response.status_code == 402
    body = response.json()
    assert body["code"] == "card_declined"
    assert body["decline_code"] == "generic_decline"
    assert body["order"]["status"] == "cancelled"
    product.refresh_from_db()
    assert product.stock == 3
    assert Payment.objects.get(order_id=body["order"]["id"]).status == "failed"
    assert len(events) == 1
    assert events[0]["succeeded"] is False
    assert events[0]["card"] == declined


def test_signal_sent_after_successful_charge(user_client, address, card, make_product):
    product = make_product()
    events = []

    def listen(sender, **kwargs):
        events.append((sender, kwargs))

    payment_attempted.connect(listen)
    try:
        checkout(user_client, [{"product_id": product.pk, "quantity": 1}], address, card)
    finally:
        payment_attempted.disconnect(listen)
    ((sender, kwargs),) = events
    assert sender is Payment
    assert kwargs["succeeded"] is True
    assert kwargs["order"].status == "paid"
    assert kwargs["payment"].order == kwargs["order"]


def test_out_of_stock_is_409_and_changes_nothing(user_client, address, card, make_product):
    product = make_product(stock=1)
    response = checkout(user_client, [{"product_id": product.pk, "quantity": 2}], address, card)
    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"
    assert response.json()["available"] == {str(product.pk): 1}
    product.refresh_from_db()
    assert product.stock == 1
    assert not Order.objects.exists()


def test_duplicate_lines_are_added_up_against_stock(user_client, address, card, make_product):
    product = make_product(stock=3)
    items = [{"product_id": product.pk, "quantity": 2}, {"product_id": product.pk, "quantity": 2}]
    assert checkout(user_client, items, address, card).status_code == 409


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([{"product_id": 999999, "quantity": 1}], "items"),
        ([{"product_id": "PRODUCT", "quantity": 1}], "items"),
        ([{"product_id": 1, "quantity": -1}], "items"),
        ([{"product_id": 1, "quantity": 0}], "items"),
        ([{"product_id": 1, "quantity": 10**9}], "items"),
        ([{"product_id": 1, "quantity": "two"}], "items"),
        ([], "items"),
        ("not-a-list", "items"),
    ],
)
def test_bad_cart_is_400(user_client, address, card, items, field, make_product):
    make_product()
    response = checkout(user_client, items, address, card)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_malformed_json_is_400(user_client):
    response = user_client.post("/api/checkout", '{"items": [', content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_another_users_address_or_card_cannot_be_used(
    client_for, user, other_user, address, card, make_product
):
    product = make_product()
    intruder = client_for(other_user)
    response = checkout(intruder, [{"product_id": product.pk, "quantity": 1}], address, card)
    assert response.status_code == 400
    assert "address_id" in response.json()
    assert not Order.objects.exists()


def test_imported_legacy_card_cannot_be_charged(
    user_client, user, address, make_card, make_product
):
    legacy = make_card(user)
    legacy.provider = "legacy"
    legacy.save()
    response = checkout(
        user_client, [{"product_id": make_product().pk, "quantity": 1}], address, legacy
    )
    assert response.status_code == 400
    assert "add it again" in response.json()["card_id"][0]


def test_checkout_requires_authentication(anon_client):
    assert anon_client.post("/api/checkout", {}, format="json").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_never_oversell(client_for, make_user, make_card, make_product):
    """Two buyers race for the last unit: one gets it, the other a 409."""
    from accounts.models import Address

    product = make_product(stock=1)
    buyers = []
    for index in range(2):
        buyer = make_user(f"buyer{index}@example.com")
        address = Address.objects.create(
            user=buyer, name="B", phone_number="1", line1="x", city="c", state="s", postal_code="1"
        )
        buyers.append((client_for(buyer), address, make_card(buyer)))
    barrier = threading.Barrier(2)
    statuses = []

    def buy(client, address, card):
        barrier.wait()
        try:
            statuses.append(
                checkout(
                    client, [{"product_id": product.pk, "quantity": 1}], address, card
                ).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=buy, args=buyer) for buyer in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]
    product.refresh_from_db()
    assert product.stock == 0


def test_a_stored_card_past_its_expiry_is_refused_and_nothing_is_charged(
    user_client, address, card, make_product
):
    """Issue 14: a card saved as 01/2001 (or imported so) was charged."""
    card.exp_month, card.exp_year = 1, 2001
    card.save()
    product = make_product("Lamp", "19.99", 5)
    response = checkout(user_client, [{"product_id": product.pk, "quantity": 1}], address, card)
    assert response.status_code == 400, response.content
    assert "expired" in response.json()["card_id"][0]
    assert not Order.objects.exists()
    product.refresh_from_db()
    assert product.stock == 5
