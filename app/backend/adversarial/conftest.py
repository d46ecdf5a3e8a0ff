"""The shop as an outsider meets it: gunicorn with several workers on PostgreSQL, over HTTP.

The server believes X-Forwarded-For only from 127.0.0.1, standing for the storefront's nginx:
a visitor's requests carry the address nginx would have set, and `source="127.0.0.2"` is a
client reaching the backend without any of our proxies in between.
"""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from liveserver import Answer, LiveBackend, live_backend

PASSWORD = "Correct-Horse-9"
# Small limits keep the suite short; the logic is the one production runs with.
LIMITS = {
    "AUTH_THROTTLE_RATE": "20/min",
    "LOGIN_FAILURES_PER_ACCOUNT_ADDRESS": "3",
    "LOGIN_FAILURES_PER_ACCOUNT": "8",
    "LOGIN_FAILURES_PER_ADDRESS": "12",
}


@pytest.fixture(scope="session")
def shop(pg_cluster, tmp_path_factory) -> Iterator[LiveBackend]:
    with live_backend(
        pg_cluster,
        "adversarial",
        tmp_path_factory.mktemp("adversarial"),
        # The test settings' fast password hasher; everything else is production's.
        DJANGO_SETTINGS_MODULE="config.test_settings",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        SEED_CATALOGUE="true",
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="2",
        TRUSTED_PROXY_CIDRS="127.0.0.1/32",
        **LIMITS,
    ) as server:
        yield server


_addresses = (f"198.18.{n // 250}.{n % 250 + 1}" for n in itertools.count())
_emails = (f"outsider{n}@example.test" for n in itertools.count())


@dataclass
class Visitor:
    """One client of the shop, at its own address, signed in once `login` succeeded."""

    shop: LiveBackend
    address: str
    email: str = ""
    access: str = ""
    refresh: str = ""

    def call(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Answer:
        sent = {"X-Forwarded-For": self.address}
        if self.access:
            sent["Authorization"] = f"Bearer {self.access}"
        return self.shop.request(method, path, body, headers={**sent, **(headers or {})}, raw=raw)

    def register(self, email: str, password: str = PASSWORD) -> Answer:
        answer = self.call("POST", "/api/auth/register", {"email": email, "password": password})
        assert answer.status == 201, answer.text
        self.email = email
        return answer

    def login(self, email: str, password: str = PASSWORD) -> Answer:
        answer = self.call("POST", "/api/auth/token", {"email": email, "password": password})
        if answer.status == 200:
            self.access, self.refresh = answer.json()["access"], answer.json()["refresh"]
        return answer


@pytest.fixture
def visitor(shop):
    """visitor() is a new client at a fresh address; visitor(address) one at that address."""

    def make(address: str | None = None) -> Visitor:
        return Visitor(shop, address or next(_addresses))

    return make


@pytest.fixture
def new_email():
    return lambda: next(_emails)


@pytest.fixture
def customer(visitor, new_email) -> Visitor:
    """A signed-in customer."""
    client = visitor()
    client.register(new_email())
    assert client.login(client.email).status == 200
    return client
