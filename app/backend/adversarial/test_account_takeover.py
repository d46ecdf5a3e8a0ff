"""Issue 14, items 3 and 6: a stolen access token cannot take the account over; e-mail case."""

from adversarial.conftest import PASSWORD

NEW_PASSWORD = "Another-Horse-42"


def test_changing_the_email_needs_the_current_password(customer, new_email):
    target = new_email()
    for body in ({"email": target}, {"email": target, "current_password": "wrong"}):
        refused = customer.call("PATCH", "/api/account", body)
        assert refused.status == 400, refused.text
        assert "current_password" in refused.json()
    assert customer.call("GET", "/api/account").json()["email"] == customer.email
    changed = customer.call(
        "PATCH", "/api/account", {"email": target, "current_password": PASSWORD}
    )
    assert changed.status == 200, changed.text
    assert changed.json()["email"] == target


def test_changing_the_password_needs_the_current_password(customer):
    refused = customer.call("PATCH", "/api/account", {"password": NEW_PASSWORD})
    assert refused.status == 400, refused.text
    assert customer.login(customer.email, NEW_PASSWORD).status == 401


def test_names_change_without_the_password(customer):
    body = {"first_name": "Ada", "email": customer.email.upper()}
    changed = customer.call("PATCH", "/api/account", body)
    assert changed.status == 200, changed.text
    assert changed.json()["first_name"] == "Ada"


def test_a_password_change_revokes_every_refresh_token(customer, visitor):
    elsewhere = visitor()
    assert elsewhere.login(customer.email).status == 200
    rotated = customer.call("POST", "/api/auth/token/refresh", {"refresh": customer.refresh})
    assert rotated.status == 200, rotated.text
    customer.refresh = rotated.json()["refresh"]
    changed = customer.call(
        "PATCH", "/api/account", {"password": NEW_PASSWORD, "current_password": PASSWORD}
    )
    assert changed.status == 200, changed.text
    for refresh in (customer.refresh, elsewhere.refresh):
        answer = customer.call("POST", "/api/auth/token/refresh", {"refresh": refresh})
        assert answer.status == 401, answer.text
    assert customer.login(customer.email, NEW_PASSWORD).status == 200


def test_an_email_registered_in_mixed_case_logs_in_as_typed(visitor):
    client = visitor()
    client.register("Mixed.Case@Example.TEST")
    assert client.login("Mixed.Case@Example.TEST").status == 200
    assert client.login("mixed.case@example.test").status == 200
    twin = client.call(
        "POST", "/api/auth/register", {"email": "MIXED.case@example.test", "password": PASSWORD}
    )
    assert twin.status == 400, twin.text


def test_an_email_cannot_be_changed_to_another_accounts_in_other_case(customer, visitor, new_email):
    other = visitor()
    other.register(new_email())
    taken = customer.call(
        "PATCH", "/api/account", {"email": other.email.upper(), "current_password": PASSWORD}
    )
    assert taken.status == 400, taken.text
