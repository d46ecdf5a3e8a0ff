"""Checkout with an Idempotency-Key: one order and one charge per key, whatever fails."""

import threading
import time

import pytest
from django.db import connection

from orders.models import Order
from payments.gateways import GatewayUnavailableError
from payments.gateways.sandbox import SandboxGateway
from payments.models import Payment

pytestmark = pytest.mark.django_db


def checkout(client, product, address, card, key, quantity=1):
    body = {
        "items": [{"product_id": product.pk, "quantity": quantity}],
        "address_id": address.pk,
        "card_id": card.pk,
    }
    return client.post("/api/checkout", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.fixture
def charges(monkeypatch):
    """Every charge the sandbox gateway makes, as (gateway idempotency key, payment id)."""
    made: list[tuple[str, str]] = []
    original = SandboxGateway.charge

    def charge(self, request):
        result = original(self, request)
        made.append((request.idempotency_key, result.payment_id))
        return result

    monkeypatch.setattr(SandboxGateway, "charge", charge)
    return made


def test_the_same_key_returns_the_same_order_and_charges_once(
    user_client, address, card, make_product, charges
):
    product = make_product(stock=5)
    first = checkout(user_client, product, address, card, "attempt-1", quantity=2)
    again = checkout(user_client, product, address, card, "attempt-1", quantity=2)
    assert first.status_code == again.status_code == 201, again.content
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    product.refresh_from_db()
    assert product.stock == 3
    assert Payment.objects.filter(order_id=first.json()["id"]).count() == 1
    assert len(charges) == 1


def test_a_new_key_is_a_new_order(user_client, address, card, make_product):
    product = make_product(stock=5)
    one = checkout(user_client, product, address, card, "attempt-1")
    two = checkout(user_client, product, address, card, "attempt-2")
    assert (one.status_code, two.status_code) == (201, 201)
    assert one.json()["id"] != two.json()["id"]


def test_keys_belong_to_one_customer(
    client_for, user, other_user, address, card, make_card, make_product
):
    """Another customer's key is not theirs to replay: it makes their own order."""
    from accounts.models import Address

    product = make_product(stock=5)
    mine = checkout(client_for(user), product, address, card, "shared-key")
    their_address = Address.objects.create(
        user=other_user, name="M", phone_number="1", line1="x", city="c", state="s", postal_code="1"
    )
    theirs = checkout(
        client_for(other_user), product, their_address, make_card(other_user), "shared-key"
    )
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert theirs.json()["id"] != mine.json()["id"]
    assert theirs.json()["shipping_address"] != mine.json()["shipping_address"]


def test_a_key_reused_for_another_cart_is_refused(user_client, address, card, make_product):
    product = make_product(stock=5)
    assert checkout(user_client, product, address, card, "attempt-1").status_code == 201
    response = checkout(user_client, product, address, card, "attempt-1", quantity=3)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    product.refresh_from_db()
    assert product.stock == 4
    assert Order.objects.count() == 1


@pytest.mark.parametrize("key", ["", "k" * 256, "caf\u00e9", "two words"])
def test_a_malformed_key_is_400(user_client, address, card, make_product, key):
    response = checkout(user_client, make_product(), address, card, key)
    assert response.status_code == 400
    assert "idempotency_key" in response.json()
    assert not Order.objects.exists()


def test_a_declined_checkout_replays_its_decline(
    user_client, user, address, make_card, make_product, charges
):
    declined = make_card(user, "pm_card_chargeDeclined", "0002")
    product = make_product(stock=3)
    first = checkout(user_client, product, address, declined, "attempt-1")
    again = checkout(user_client, product, address, declined, "attempt-1")
    assert first.status_code == again.status_code == 402
    assert again.json()["order"]["id"] == first.json()["order"]["id"]
    assert again.json()["order"]["status"] == "cancelled"
    product.refresh_from_db()
    assert product.stock == 3
    assert len(charges) == 1


@pytest.mark.django_db(transaction=True)
def test_a_database_failure_after_the_charge_is_503_and_the_retry_returns_the_paid_order(
    pg_cluster, user_client, address, card, make_product, charges, monkeypatch
):
    """The charge succeeds, then the database connection dies before the order is settled."""
    product = make_product(stock=5)
    charged = SandboxGateway.charge

    def charge_then_lose_the_database(self, request):
        result = charged(self, request)
        pid = connection.connection.info.backend_pid
        with pg_cluster.connect() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        return result

    monkeypatch.setattr(SandboxGateway, "charge", charge_then_lose_the_database)
    lost = checkout(user_client, product, address, card, "attempt-1", quantity=2)
    assert lost.status_code == 503, lost.content
    assert lost.json()["code"] == "database_unavailable"
    assert lost.headers["Retry-After"]
    connection.close()  # what Django does at the end of a request on a broken connection
    (pending,) = Order.objects.filter(idempotency_key="attempt-1")
    assert pending.status == "pending"
    assert not Payment.objects.exists()

    monkeypatch.setattr(SandboxGateway, "charge", charged)
    retry = checkout(user_client, product, address, card, "attempt-1", quantity=2)
    assert retry.status_code == 201, retry.content
    assert retry.json()["id"] == pending.pk
    assert retry.json()["status"] == "paid"
    (payment,) = Payment.objects.filter(order=pending)
    # The provider was asked twice under one idempotency key: its second answer is the first
    # charge, not a new one.
    assert charges == [(f"order-{pending.pk}", payment.provider_payment_id)] * 2
    product.refresh_from_db()
    assert product.stock == 3


def test_a_gateway_outage_keeps_the_keyed_order_for_its_retry(
    user_client, address, card, make_product, monkeypatch
):
    """The provider's answer was lost: the order waits for the retry instead of a new one."""
    product = make_product(stock=5)
    working = SandboxGateway.charge

    def unreachable(self, request):
        raise GatewayUnavailableError("The payment provider did not answer.")

    monkeypatch.setattr(SandboxGateway, "charge", unreachable)
    lost = checkout(user_client, product, address, card, "attempt-1")
    assert lost.status_code == 503
    monkeypatch.setattr(SandboxGateway, "charge", working)
    retry = checkout(user_client, product, address, card, "attempt-1")
    assert retry.status_code == 201
    assert retry.json()["status"] == "paid"
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == 4


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_submit_makes_one_order_and_one_charge(
    pg_cluster, client_for, user, address, card, make_product, charges, monkeypatch
):
    """The twin request arrives while the first is charging; it waits, then gets the same order."""
    product = make_product(stock=5)
    counted = SandboxGateway.charge

    def charge_once_the_twin_waits(self, request):
        deadline = time.monotonic() + 30
        with pg_cluster.connect() as admin:
            while not admin.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ).fetchone()[0]:
                assert time.monotonic() < deadline, "the second request never waited for the lock"
                time.sleep(0.05)
        return counted(self, request)

    monkeypatch.setattr(SandboxGateway, "charge", charge_once_the_twin_waits)
    barrier = threading.Barrier(2)
    answers = []

    def submit():
        barrier.wait()
        try:
            answers.append(checkout(client_for(user), product, address, card, "double-click"))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201, 201], [a.content for a in answers]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    assert len(charges) == 1
    product.refresh_from_db()
    assert product.stock == 4
