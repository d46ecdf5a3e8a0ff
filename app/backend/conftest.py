"""Shared fixtures: a real, throwaway PostgreSQL cluster (see pgcluster.py), users, clients."""

from collections.abc import Iterator

import pytest

from pgcluster import PgCluster, running_cluster

PASSWORD = "Correct-Horse-9"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    try:
        with running_cluster() as cluster:
            yield cluster
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def django_db_setup(
    pg_cluster: PgCluster, django_db_blocker, django_test_environment
) -> Iterator[None]:
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    # Mutating in place: Django's connection objects hold this very dict.
    settings.DATABASES["default"].update(
        HOST=str(pg_cluster.socket_dir), PORT=pg_cluster.port, USER=pg_cluster.user, PASSWORD=""
    )
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False)
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture
def make_user(db):
    from accounts.models import User

    counter = iter(range(1, 10_000))

    def make(email: str | None = None, password: str = PASSWORD, **extra) -> User:
        return User.objects.create_user(
            email or f"user{next(counter)}@example.com", password, **extra
        )

    return make


@pytest.fixture
def user(make_user):
    return make_user("alice@example.com")


@pytest.fixture
def other_user(make_user):
    return make_user("mallory@example.com")


@pytest.fixture
def staff_user(make_user):
    return make_user("admin@example.com", is_staff=True, is_superuser=True)


def _client_for(user=None):
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def anon_client():
    return _client_for()


@pytest.fixture
def client_for():
    return _client_for


@pytest.fixture
def user_client(user):
    return _client_for(user)


@pytest.fixture
def staff_client(staff_user):
    return _client_for(staff_user)


@pytest.fixture
def address(user):
    from accounts.models import Address

    return Address.objects.create(
        user=user,
        name="Alice",
        phone_number="5550100",
        line1="1 Test Street",
        city="Springfield",
        state="Oregon",
        postal_code="97001",
    )


@pytest.fixture
def make_card():
    from payments.models import Card

    def make(owner, payment_method: str = "pm_card_visa", last4: str = "4242") -> Card:
        return Card.objects.create(
            user=owner,
            brand="visa",
            last4=last4,
            exp_month=12,
            exp_year=2030,
            provider="sandbox",
            provider_payment_method_id=payment_method,
        )

    return make


@pytest.fixture
def card(user, make_card):
    return make_card(user)


@pytest.fixture
def make_product(db):
    from products.models import Product

    def make(name: str = "Widget", price: str = "10.00", stock: int = 5) -> Product:
        return Product.objects.create(name=name, description=f"A {name}", price=price, stock=stock)

    return make


@pytest.fixture
def digit_runs_in_database():
    """Every run of 12-19 digits stored in any table: where a full card number would hide."""
    from django.db import connection

    def scan() -> set[str]:
        found: set[str] = set()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
            for (table,) in cursor.fetchall():
                # The table name comes from the catalogue and is quoted as an identifier.
                quoted = connection.ops.quote_name(table)
                cursor.execute(
                    f"SELECT DISTINCT m[1] FROM {quoted} t, "  # noqa: S608
                    "regexp_matches(t::text, '([0-9]{12,19})', 'g') AS m"
                )
                found.update(row[0] for row in cursor.fetchall())
        return found

    return scan
