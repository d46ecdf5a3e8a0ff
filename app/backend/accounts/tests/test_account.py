import pytest
from django.db import IntegrityError, transaction

from accounts.models import User

PASSWORD = "Correct-Horse-9"  # conftest.py's

pytestmark = pytest.mark.django_db


def test_account_requires_authentication(anon_client):
    assert anon_client.get("/api/account").status_code == 401


def test_account_shows_only_the_callers_profile(user_client, user, other_user):
    body = user_client.get("/api/account").json()
    assert body["email"] == user.email
    assert "password" not in body


def test_account_update_changes_names_but_never_privileges(user_client, user):
    response = user_client.patch(
        "/api/account",
        {"first_name": "Alicia", "is_staff": True, "is_superuser": True, "id": 999},
        format="json",
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.first_name == "Alicia"
    assert not user.is_staff
    assert not user.is_superuser
    assert user.pk != 999


def test_account_password_change_is_hashed_and_usable(user_client, user):
    response = user_client.patch(
        "/api/account",
        {"password": "Brand-New-Pass-1", "current_password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("Brand-New-Pass-1")


def test_account_email_cannot_take_another_users_address(user_client, other_user):
    response = user_client.patch(
        "/api/account",
        {"email": other_user.email.upper(), "current_password": PASSWORD},
        format="json",
    )
    assert response.status_code == 400
    assert "already exists" in response.json()["email"][0]


def test_emails_differing_only_in_case_cannot_both_be_stored(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email=user.email.upper())


def test_account_delete_needs_the_right_password(user_client, user):
    response = user_client.delete("/api/account", {"password": "nope"}, format="json")
    assert response.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()
    response = user_client.delete("/api/account", {"password": "Correct-Horse-9"}, format="json")
    assert response.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()


def test_account_delete_without_password_is_400(user_client, user):
    assert user_client.delete("/api/account", {}, format="json").status_code == 400
    assert User.objects.filter(pk=user.pk).exists()
