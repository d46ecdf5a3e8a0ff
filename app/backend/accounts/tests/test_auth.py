import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "Sturdy-Passw0rd"


def register(client, **overrides):
    body = {"email": "new@example.com", "password": PASSWORD, "first_name": "Nia", **overrides}
    return client.post("/api/auth/register", body, format="json")


def login(client, email="new@example.com", password=PASSWORD):
    return client.post("/api/auth/token", {"email": email, "password": password}, format="json")


def test_register_then_login_returns_tokens(anon_client):
    response = register(anon_client, email="New@Example.com")
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "new@example.com"
    assert "password" not in response.json()
    tokens = login(anon_client)
    assert tokens.status_code == 200
    assert set(tokens.json()) == {"access", "refresh"}


def test_register_stores_a_hash_not_the_password(anon_client):
    register(anon_client)
    stored = User.objects.get(email="new@example.com").password
    assert PASSWORD not in stored
    assert stored.count("$") >= 2


def test_register_twice_with_same_email_is_refused(anon_client):
    register(anon_client)
    response = register(anon_client, email="NEW@example.com")
    assert response.status_code == 400
    assert "already exists" in response.json()["email"][0]


def test_register_refuses_weak_password(anon_client):
    response = register(anon_client, password="123")
    assert response.status_code == 400
    assert "password" in response.json()


def test_register_cannot_grant_itself_staff(anon_client):
    register(anon_client, is_staff=True, is_superuser=True)
    user = User.objects.get(email="new@example.com")
    assert not user.is_staff
    assert not user.is_superuser


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"email": "x@example.com", "password": ', "application/json"),
        ('["not", "an", "object"]', "application/json"),
        ('{"email": 12, "password": ["a"]}', "application/json"),
    ],
)
def test_register_rejects_malformed_input_with_400(anon_client, body, content_type):
    response = anon_client.post("/api/auth/register", body, content_type=content_type)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_login_with_wrong_password_is_401(anon_client, user):
    response = login(anon_client, user.email, "wrong-password")
    assert response.status_code == 401


def test_refresh_rotates_and_blacklists_the_old_token(anon_client, user):
    refresh = login(anon_client, user.email, "Correct-Horse-9").json()["refresh"]
    rotated = anon_client.post("/api/auth/token/refresh", {"refresh": refresh}, format="json")
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != refresh
    replay = anon_client.post("/api/auth/token/refresh", {"refresh": refresh}, format="json")
    assert replay.status_code == 401


def test_logout_blacklists_the_refresh_token(anon_client, client_for, user):
    refresh = login(anon_client, user.email, "Correct-Horse-9").json()["refresh"]
    response = client_for(user).post("/api/auth/logout", {"refresh": refresh}, format="json")
    assert response.status_code == 205
    again = anon_client.post("/api/auth/token/refresh", {"refresh": refresh}, format="json")
    assert again.status_code == 401


def test_logout_refuses_another_users_token(anon_client, client_for, user, other_user):
    refresh = login(anon_client, user.email, "Correct-Horse-9").json()["refresh"]
    response = client_for(other_user).post("/api/auth/logout", {"refresh": refresh}, format="json")
    assert response.status_code == 403


def test_logout_with_garbage_token_is_400(user_client):
    response = user_client.post("/api/auth/logout", {"refresh": "garbage"}, format="json")
    assert response.status_code == 400
