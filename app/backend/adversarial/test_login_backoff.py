"""Issue 14, items 1 and 2: login back-off that cannot be turned against the account owner."""

import re

from adversarial.conftest import LIMITS, PASSWORD

PER_PAIR = int(LIMITS["LOGIN_FAILURES_PER_ACCOUNT_ADDRESS"])
PER_ACCOUNT = int(LIMITS["LOGIN_FAILURES_PER_ACCOUNT"])
PER_ADDRESS = int(LIMITS["LOGIN_FAILURES_PER_ADDRESS"])


def test_guessing_from_one_address_stops_that_address_only(visitor, new_email):
    owner, attacker = visitor(), visitor()
    owner.register(new_email())
    statuses = [attacker.login(owner.email, f"guess-{n}").status for n in range(PER_PAIR + 3)]
    assert statuses == [401] * PER_PAIR + [429] * 3
    refused = attacker.login(owner.email, PASSWORD)
    assert refused.status == 429, "the right password does not get through during the back-off"
    assert int(refused.headers["retry-after"]) > 0
    assert owner.login(owner.email).status == 200


def test_a_distributed_flood_spares_the_owners_known_address(visitor, new_email):
    owner = visitor()
    owner.register(new_email())
    assert owner.login(owner.email).status == 200
    for _ in range(PER_ACCOUNT):
        assert visitor().login(owner.email, "guess").status == 401
    assert visitor().login(owner.email, PASSWORD).status == 429, "a new address must wait"
    assert owner.login(owner.email).status == 200, "the owner's usual address may still log in"


def test_one_address_trying_many_accounts_is_stopped(visitor, new_email):
    stuffer = visitor()
    statuses = [
        stuffer.login(new_email(), "leaked-password").status for _ in range(PER_ADDRESS + 2)
    ]
    assert statuses == [401] * PER_ADDRESS + [429] * 2


def admin_login(client, email: str, password: str) -> int:
    form = client.call("GET", "/admin/login/")
    assert form.status == 200, form.text
    cookie = re.search(r"csrftoken=([^;]+)", form.headers["set-cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    body = f"csrfmiddlewaretoken={token}&username={email}&password={password}&next=/admin/"
    return client.call(
        "POST",
        "/admin/login/",
        raw=body.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        },
    ).status


def test_the_admin_login_backs_off_like_the_api(visitor, new_email):
    owner, attacker = visitor(), visitor()
    owner.register(new_email())
    statuses = [admin_login(attacker, owner.email, f"guess{n}") for n in range(PER_PAIR + 2)]
    assert statuses == [200] * PER_PAIR + [429] * 2, "the form again on a failure, then 429"
