"""Issue 14, item 1: throttles key on the address our proxies saw and count in one store."""

ATTEMPTS = 150


def wrong_password(client, email: str, *, forged: str | None = None, source: str = "127.0.0.1"):
    headers = {"X-Forwarded-For": client.address if forged is None else forged}
    return client.shop.request(
        "POST",
        "/api/auth/token",
        {"email": email, "password": "not-the-password"},
        headers=headers,
        source=source,
    )


def test_a_new_forged_x_forwarded_for_per_guess_does_not_escape_the_throttle(visitor, new_email):
    attacker, victim = visitor(), visitor()
    victim.register(new_email())
    statuses = [
        # What nginx sends on: the client's own X-Forwarded-For is gone, the LB's hop stays.
        wrong_password(
            attacker, victim.email, forged=f"10.9.{n // 250}.{n % 250}, {attacker.address}"
        ).status
        for n in range(ATTEMPTS)
    ]
    assert statuses.count(401) <= 3, statuses
    assert set(statuses) == {401, 429}


def test_a_client_reaching_the_backend_directly_cannot_choose_its_address(visitor, new_email):
    owner = visitor()
    owner.register(new_email())
    statuses = [
        wrong_password(owner, owner.email, forged=f"203.0.113.{n}", source="127.0.0.2").status
        for n in range(1, 11)
    ]
    assert statuses[:3] == [401] * 3
    assert set(statuses[3:]) == {429}, statuses
    # Its guesses were counted on its own address, not on the ones it wrote.
    assert owner.login(owner.email).status == 200


def test_every_worker_counts_in_the_same_store(visitor):
    """20 registrations a minute per address, whichever of the 3 workers answers."""
    client = visitor()
    statuses = [
        client.call("POST", "/api/auth/register", {"email": "x", "password": "y"}).status
        for _ in range(40)
    ]
    assert statuses.count(429) == 20, statuses
    assert set(statuses[:20]) == {400}


def test_one_address_flooding_does_not_lock_out_the_others(visitor, new_email):
    flooder, neighbour = visitor(), visitor()
    neighbour.register(new_email())
    for _ in range(30):
        flooder.call("POST", "/api/auth/register", {"email": "x", "password": "y"})
    assert flooder.call("POST", "/api/auth/register", {"email": "x", "password": "y"}).status == 429
    assert neighbour.login(neighbour.email).status == 200
    assert (
        visitor().call("POST", "/api/auth/register", {"email": "x", "password": "y"}).status == 400
    )
