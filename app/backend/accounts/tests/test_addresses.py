import pytest

from accounts.models import Address

pytestmark = pytest.mark.django_db

NEW_ADDRESS = {
    "name": "Alice",
    "phone_number": "5550100",
    "line1": "2 Elm Road",
    "city": "Portland",
    "state": "Oregon",
    "postal_code": "97201",
}


def test_address_crud_for_the_owner(user_client, user):
    created = user_client.post("/api/addresses", NEW_ADDRESS, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert Address.objects.get(pk=pk).user == user
    assert user_client.get(f"/api/addresses/{pk}").json()["city"] == "Portland"
    updated = user_client.patch(f"/api/addresses/{pk}", {"city": "Salem"}, format="json")
    assert updated.json()["city"] == "Salem"
    assert user_client.delete(f"/api/addresses/{pk}").status_code == 204
    assert not Address.objects.filter(pk=pk).exists()


def test_address_list_shows_only_own(user_client, address, other_user):
    Address.objects.create(user=other_user, **NEW_ADDRESS)
    results = user_client.get("/api/addresses").json()["results"]
    assert [item["id"] for item in results] == [address.pk]


def test_another_users_address_is_not_found(client_for, address, other_user):
    """Seed flaw: any logged-in user could read or delete anyone's address."""
    intruder = client_for(other_user)
    assert intruder.get(f"/api/addresses/{address.pk}").status_code == 404
    assert (
        intruder.patch(f"/api/addresses/{address.pk}", {"city": "X"}, format="json").status_code
        == 404
    )
    assert intruder.delete(f"/api/addresses/{address.pk}").status_code == 404
    address.refresh_from_db()
    assert address.city == "Springfield"


def test_address_owner_cannot_be_reassigned(user_client, address, other_user):
    user_client.patch(f"/api/addresses/{address.pk}", {"user": other_user.pk}, format="json")
    address.refresh_from_db()
    assert address.user_id != other_user.pk


def test_address_missing_fields_is_400(user_client):
    response = user_client.post("/api/addresses", {"name": "A"}, format="json")
    assert response.status_code == 400
    assert "city" in response.json()


def test_addresses_require_authentication(anon_client):
    assert anon_client.get("/api/addresses").status_code == 401
