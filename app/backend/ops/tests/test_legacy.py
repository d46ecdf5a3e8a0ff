"""The legacy import on a small database in the original's schema, built here."""

import os
import sqlite3
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import CommandError, call_command

from accounts.models import Address, User
from orders.models import Order, OrderItem
from payments.models import Card
from products.models import Product

pytestmark = pytest.mark.django_db

REFERENCE_DB = Path(
    os.environ.get(
        "LEGACY_REFERENCE_DB",
        Path(__file__).resolve().parents[4].parent
        / "shared"
        / "reference-data"
        / "seed_db.sqlite3",
    )
)

LEGACY_SCHEMA = (Path(__file__).parent / "legacy_schema.sql").read_text()
PANS = ["4242424242424242", "5105105105105100", "378282246310005"]


@pytest.fixture
def pbkdf2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]


@pytest.fixture
def legacy_db(tmp_path, pbkdf2):
    path = tmp_path / "db.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(LEGACY_SCHEMA)
    # The original's hasher and iteration count (Django 3.2).
    hashed = PBKDF2PasswordHasher().encode("Legacy-Pass-1", "legacysalt123", iterations=260000)
    db.executemany(
        "INSERT INTO auth_user VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                1,
                hashed,
                "2021-06-25 08:35:13.820363",
                1,
                "yash",
                "",
                "Owner@Example.com",
                1,
                1,
                "2021-06-11 08:19:57",
                "Yash",
            ),
            (
                10,
                hashed,
                None,
                0,
                "testuser",
                "",
                "testuser@example.com",
                0,
                1,
                "2021-06-23 14:30:53",
                "",
            ),
            (
                11,
                "JY4N&RZyg%",
                None,
                0,
                "plain",
                "",
                "plain@example.com",
                0,
                1,
                "2023-03-07 19:47:52",
                "",
            ),
        ],
    )
    db.executemany(
        "INSERT INTO product_product VALUES (?,?,?,?,?,?)",
        [
            (2, "Bolt Headphones", "Wireless", 1200.99, 1, "bolt.jpg"),
            (3, "Old Phone", "Retro", 100, 0, None),
        ],
    )
    db.executemany(
        "INSERT INTO account_billingaddress VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (14, "Yash", "9650266386", "Somewhere", "near park", "New Delhi", "Delhi", 1, "110000"),
            (19, "Test", "9995555222", "Planet earth", "", "Unknown", "Unknown", 10, "110020"),
        ],
    )
    db.executemany(
        "INSERT INTO account_stripemodel VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                26,
                "card_1",
                1,
                PANS[0],
                "8",
                "2028",
                "cus_1",
                "o@example.com",
                "New Delhi",
                "INDIA",
                "Delhi",
                "111111",
                "Yash",
            ),
            (
                43,
                "card_2",
                10,
                PANS[1],
                "05",
                "2025",
                "cus_2",
                "t@example.com",
                None,
                None,
                None,
                None,
                None,
            ),
            (
                47,
                "uuid",
                11,
                PANS[2],
                "10",
                "2023",
                "cus_3",
                "p@example.com",
                "X",
                "USA",
                "AK",
                "10435",
                "P",
            ),
        ],
    )
    db.executemany(
        "INSERT INTO account_ordermodel VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                24,
                "Yash",
                PANS[0],
                "Somewhere, New Delhi",
                1,
                1200.99,
                1,
                "01 July 2021",
                1,
                "Bolt Headphones",
                "2021-06-29 16:03:10.030860",
            ),
            (
                25,
                "Test",
                "5100",
                "Planet earth",
                1,
                5999.99,
                0,
                "Not Delivered",
                10,
                "Computer Chair",
                "2021-06-29 14:25:42",
            ),
            (
                26,
                "Test",
                "5100",
                "Planet earth",
                0,
                None,
                0,
                "Not Delivered",
                10,
                "Old Phone",
                None,
            ),
        ],
    )
    db.commit()
    db.close()
    return path


def test_import_brings_everything_over(legacy_db, capsys):
    call_command("import_legacy", str(legacy_db))
    assert User.objects.count() == 3
    assert Product.objects.count() == 2
    assert Address.objects.count() == 2
    assert Card.objects.count() == 3
    assert Order.objects.count() == 3
    assert "orders: 3 imported, 0 already present" in capsys.readouterr().out
    owner = User.objects.get(email="owner@example.com")
    assert owner.is_staff and owner.is_superuser
    assert owner.addresses.get().postal_code == "110000"


def test_import_keeps_password_hashes_usable(legacy_db, anon_client):
    call_command("import_legacy", str(legacy_db))
    response = anon_client.post(
        "/api/auth/token",
        {"email": "testuser@example.com", "password": "Legacy-Pass-1"},
        format="json",
    )
    assert response.status_code == 200


def test_plaintext_legacy_passwords_are_not_kept(legacy_db, capsys):
    call_command("import_legacy", str(legacy_db))
    user = User.objects.get(email="plain@example.com")
    assert not user.has_usable_password()
    assert "JY4N&RZyg%" not in user.password
    assert "1 user(s) had a plaintext password" in capsys.readouterr().out


def test_cards_are_reduced_to_brand_last4_expiry(legacy_db, digit_runs_in_database):
    call_command("import_legacy", str(legacy_db))
    cards = {c.legacy_id: c for c in Card.objects.all()}
    assert (cards[26].brand, cards[26].last4, cards[26].exp_month, cards[26].exp_year) == (
        "visa",
        "4242",
        8,
        2028,
    )
    assert (cards[43].brand, cards[43].last4) == ("mastercard", "5100")
    assert (cards[47].brand, cards[47].last4) == ("amex", "0005")
    assert not set(PANS) & digit_runs_in_database()


def test_orders_map_flags_to_statuses_and_items(legacy_db):
    call_command("import_legacy", str(legacy_db))
    orders = {o.legacy_id: o for o in Order.objects.all()}
    assert orders[24].status == "delivered"
    assert orders[24].delivered_at.year == 2021
    assert orders[24].card_last4 == "4242"
    assert orders[25].status == "paid"
    assert orders[26].status == "pending"
    item = OrderItem.objects.get(order=orders[24])
    assert item.product.name == "Bolt Headphones"
    assert str(item.unit_price) == "1200.99"
    assert OrderItem.objects.get(order=orders[25]).product is None  # not in the catalogue


def test_import_twice_adds_nothing(legacy_db, capsys):
    call_command("import_legacy", str(legacy_db))
    call_command("import_legacy", str(legacy_db))
    assert User.objects.count() == 3
    assert Order.objects.count() == 3
    assert "users: 0 imported, 3 already present" in capsys.readouterr().out


def test_import_is_all_or_nothing(legacy_db):
    db = sqlite3.connect(legacy_db)
    # An order whose total cannot fit our schema makes PostgreSQL reject the last step.
    db.execute("UPDATE account_ordermodel SET total_price = 1e15 WHERE id = 26")
    db.commit()
    db.close()
    with pytest.raises(Exception, match="numeric field overflow"):
        call_command("import_legacy", str(legacy_db))
    assert User.objects.count() == 0
    assert Card.objects.count() == 0


def test_not_a_legacy_database_is_a_clear_error(tmp_path):
    path = tmp_path / "other.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE x (id integer)").connection.close()
    with pytest.raises(CommandError, match="missing auth_user"):
        call_command("import_legacy", str(path))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_legacy", str(tmp_path / "missing.sqlite3"))


@pytest.mark.legacy_reference
@pytest.mark.skipif(not REFERENCE_DB.is_file(), reason=f"reference database absent: {REFERENCE_DB}")
def test_reference_database_imports_whole(digit_runs_in_database):
    call_command("import_legacy", str(REFERENCE_DB))
    counts = (
        User.objects.count(),
        Address.objects.count(),
        Card.objects.count(),
        Order.objects.count(),
        Product.objects.count(),
    )
    assert counts == (3003, 3004, 3002, 15005, 33)
    db = sqlite3.connect(f"file:{REFERENCE_DB}?mode=ro", uri=True)
    legacy_numbers = {row[0] for row in db.execute("SELECT card_number FROM account_stripemodel")}
    db.close()
    assert not legacy_numbers & digit_runs_in_database()
