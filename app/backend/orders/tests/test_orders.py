import pytest

from orders.models import Order, OrderItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_order():
    def make(owner, name="Lamp", status="paid", total="10.00"):
        order = Order.objects.create(
            user=owner, status=status, total=total, currency="usd", shipping_address="1 Test St"
        )
        OrderItem.objects.create(order=order, product_name=name, unit_price=total, quantity=1)
        return order

    return make


def test_customer_sees_only_own_orders(user_client, user, other_user, make_order):
    mine = make_order(user)
    make_order(other_user)
    ids = [o["id"] for o in user_client.get("/api/orders").json()["results"]]
    assert ids == [mine.pk]


def test_another_users_order_is_not_found(client_for, user, other_user, make_order):
    order = make_order(user)
    assert client_for(other_user).get(f"/api/orders/{order.pk}").status_code == 404


def test_admin_sees_all_orders_and_searches(staff_client, user, other_user, make_order):
    make_order(user, name="Blue Kettle")
    target = make_order(other_user, name="Red Lamp")
    assert staff_client.get("/api/orders").json()["count"] == 2
    found = staff_client.get("/api/orders?search=lamp").json()["results"]
    assert [o["id"] for o in found] == [target.pk]
    by_email = staff_client.get("/api/orders?search=mallory").json()["results"]
    assert [o["id"] for o in by_email] == [target.pk]
    by_id = staff_client.get(f"/api/orders?search={target.pk}").json()["results"]
    assert target.pk in [o["id"] for o in by_id]


def test_admin_marks_order_delivered(staff_client, user, make_order):
    order = make_order(user)
    response = staff_client.patch(
        f"/api/orders/{order.pk}/status", {"status": "delivered"}, format="json"
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == "delivered"
    assert order.delivered_at is not None


def test_customer_cannot_change_order_status(user_client, user, make_order):
    """Seed flaw: the client set the paid/delivered flags."""
    order = make_order(user, status="pending")
    response = user_client.patch(
        f"/api/orders/{order.pk}/status", {"status": "delivered"}, format="json"
    )
    assert response.status_code == 403
    assert (
        user_client.patch(f"/api/orders/{order.pk}", {"status": "paid"}, format="json").status_code
        == 405
    )
    order.refresh_from_db()
    assert order.status == "pending"


def test_unknown_status_is_400(staff_client, user, make_order):
    order = make_order(user)
    response = staff_client.patch(
        f"/api/orders/{order.pk}/status", {"status": "teleported"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


def test_orders_survive_account_deletion(user_client, user, make_order):
    order = make_order(user)
    user_client.delete("/api/account", {"password": "Correct-Horse-9"}, format="json")
    order.refresh_from_db()
    assert order.user is None
