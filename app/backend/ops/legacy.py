"""Import the original application's SQLite database into our schema, once.

Card numbers are reduced to brand and last four digits on the way in; passwords that the
original stored without hashing are replaced by an unusable password (the user resets it).
Every row keeps its legacy id, so running the import again adds nothing.
"""

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.auth.hashers import identify_hasher, make_password
from django.db import transaction

from accounts.models import Address, User
from ops.locks import advisory_lock
from orders.models import Order, OrderItem
from payments.models import Card
from products.models import Product

REQUIRED_TABLES = (
    "auth_user",
    "account_billingaddress",
    "account_stripemodel",
    "account_ordermodel",
    "product_product",
)


class LegacyImportError(Exception):
    pass


@dataclass
class Summary:
    imported: Counter[str] = field(default_factory=Counter)
    already_present: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    unhashed_passwords: int = 0

    def lines(self) -> list[str]:
        tables = ["users", "products", "addresses", "cards", "orders"]
        out = [
            f"{name}: {self.imported[name]} imported, {self.already_present[name]} already present"
            + (f", {self.skipped[name]} skipped" if self.skipped[name] else "")
            for name in tables
        ]
        if self.unhashed_passwords:
            out.append(
                f"{self.unhashed_passwords} user(s) had a plaintext password: it was not kept; "
                "they must use password reset"
            )
        return out


def card_brand(number: str) -> str:
    """Card network from the number's prefix (IIN ranges)."""
    if number.startswith("4"):
        return "visa"
    prefix2, prefix4 = int(number[:2] or 0), int(number[:4] or 0)
    if 51 <= prefix2 <= 55 or 2221 <= prefix4 <= 2720:
        return "mastercard"
    if prefix2 in (34, 37):
        return "amex"
    if number.startswith(("6011", "65")) or 644 <= int(number[:3] or 0) <= 649:
        return "discover"
    if prefix2 == 35 or number.startswith(("2131", "1800")):
        return "jcb"
    if prefix2 in (30, 36, 38, 39):
        return "diners"
    return "unknown"


def _aware(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _delivered_at(value: str | None) -> datetime | None:
    """The original kept a display string ("01 July 2021" or "Not Delivered")."""
    try:
        return datetime.strptime(value or "", "%d %B %Y").replace(tzinfo=UTC)
    except ValueError:
        return None


def _decimal(value: object) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return Decimal("0.00")


def _password(stored: str, summary: Summary) -> str:
    try:
        identify_hasher(stored)
    except ValueError:
        summary.unhashed_passwords += 1
        return make_password(None)
    return stored


def _open(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise LegacyImportError(f"{path} does not exist; pass the original db.sqlite3.")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        raise LegacyImportError(
            f"{path} is not the original application's database: missing {', '.join(missing)}."
        )
    return db


def _new_rows(
    db: sqlite3.Connection, table: str, model: type, summary_key: str, summary: Summary
) -> list[sqlite3.Row]:
    known = set(model.objects.exclude(legacy_id=None).values_list("legacy_id", flat=True))
    rows = db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()  # noqa: S608 - fixed names
    summary.already_present[summary_key] = sum(row["id"] in known for row in rows)
    return [row for row in rows if row["id"] not in known]


def _user_map() -> dict[int, int]:
    return dict(User.objects.exclude(legacy_id=None).values_list("legacy_id", "pk"))


def _import_users(db: sqlite3.Connection, summary: Summary) -> None:
    taken = {email.lower() for email in User.objects.values_list("email", flat=True)}
    users = []
    for row in _new_rows(db, "auth_user", User, "users", summary):
        email = (row["email"] or f"legacy-user-{row['id']}@legacy.invalid").strip().lower()
        if email in taken:
            summary.skipped["users"] += 1
            continue
        taken.add(email)
        users.append(
            User(
                legacy_id=row["id"],
                email=email,
                password=_password(row["password"], summary),
                first_name=row["first_name"],
                last_name=row["last_name"],
                is_staff=bool(row["is_staff"]),
                is_superuser=bool(row["is_superuser"]),
                is_active=bool(row["is_active"]),
                date_joined=_aware(row["date_joined"]),
                last_login=_aware(row["last_login"]),
            )
        )
    User.objects.bulk_create(users, batch_size=1000)
    summary.imported["users"] = len(users)


def _import_products(db: sqlite3.Connection, summary: Summary, in_stock_units: int) -> None:
    products = [
        Product(
            legacy_id=row["id"],
            name=row["name"],
            description=row["description"],
            price=_decimal(row["price"]),
            # The original only knew "in stock" or not.
            stock=in_stock_units if row["stock"] else 0,
        )
        for row in _new_rows(db, "product_product", Product, "products", summary)
    ]
    Product.objects.bulk_create(products)
    summary.imported["products"] = len(products)


def _import_addresses(db: sqlite3.Connection, summary: Summary) -> None:
    users = _user_map()
    addresses = []
    for row in _new_rows(db, "account_billingaddress", Address, "addresses", summary):
        if row["user_id"] not in users:
            summary.skipped["addresses"] += 1
            continue
        addresses.append(
            Address(
                legacy_id=row["id"],
                user_id=users[row["user_id"]],
                name=row["name"],
                phone_number=row["phone_number"],
                line1=row["house_no"],
                landmark=row["landmark"],
                city=row["city"],
                state=row["state"],
                postal_code=row["pin_code"],
            )
        )
    Address.objects.bulk_create(addresses, batch_size=1000)
    summary.imported["addresses"] = len(addresses)


def _import_cards(db: sqlite3.Connection, summary: Summary) -> None:
    users = _user_map()
    cards = []
    for row in _new_rows(db, "account_stripemodel", Card, "cards", summary):
        number = "".join(ch for ch in (row["card_number"] or "") if ch.isdigit())
        month, year = int(row["exp_month"] or 0), int(row["exp_year"] or 0)
        if row["user_id"] not in users or len(number) < 12 or not 1 <= month <= 12:
            summary.skipped["cards"] += 1
            continue
        cards.append(
            Card(
                legacy_id=row["id"],
                user_id=users[row["user_id"]],
                brand=card_brand(number),
                last4=number[-4:],
                exp_month=month,
                exp_year=year,
                name_on_card=row["name_on_card"] or "",
                address_city=row["address_city"] or "",
                address_country=row["address_country"] or "",
                address_state=row["address_state"] or "",
                address_zip=row["address_zip"] or "",
                # Not chargeable: the original's provider ids belong to someone else's account.
                provider="legacy",
                provider_payment_method_id=row["card_id"] or "",
                provider_customer_id=row["customer_id"] or "",
            )
        )
    Card.objects.bulk_create(cards, batch_size=1000)
    summary.imported["cards"] = len(cards)


def _order_status(row: sqlite3.Row) -> str:
    if row["is_delivered"]:
        return Order.Status.DELIVERED
    return Order.Status.PAID if row["paid_status"] else Order.Status.PENDING


def _import_orders(db: sqlite3.Connection, summary: Summary, currency: str) -> None:
    users = _user_map()
    products = dict(Product.objects.exclude(legacy_id=None).values_list("name", "pk"))
    orders, lines = [], []
    for row in _new_rows(db, "account_ordermodel", Order, "orders", summary):
        digits = "".join(ch for ch in (row["card_number"] or "") if ch.isdigit())
        total = _decimal(row["total_price"])
        orders.append(
            Order(
                legacy_id=row["id"],
                user_id=users.get(row["user_id"]),
                status=_order_status(row),
                total=total,
                currency=currency,
                shipping_address=", ".join(p for p in (row["name"], row["address"]) if p),
                card_last4=digits[-4:],
                paid_at=_aware(row["paid_at"]),
                delivered_at=_delivered_at(row["delivered_at"]),
            )
        )
        name = row["ordered_item"] or "(unknown item)"
        lines.append((name, total))
    created = Order.objects.bulk_create(orders, batch_size=2000)
    OrderItem.objects.bulk_create(
        (
            OrderItem(
                order=order,
                product_id=products.get(name),
                product_name=name,
                unit_price=total,
                quantity=1,
            )
            for order, (name, total) in zip(created, lines, strict=True)
        ),
        batch_size=2000,
    )
    summary.imported["orders"] = len(created)


def import_legacy(path: Path, *, in_stock_units: int = 10, currency: str = "inr") -> Summary:
    """Import everything in one transaction: either the whole database lands, or nothing."""
    db = _open(path)
    summary = Summary()
    try:
        with advisory_lock("import_legacy"), transaction.atomic():
            _import_users(db, summary)
            _import_products(db, summary, in_stock_units)
            _import_addresses(db, summary)
            _import_cards(db, summary)
            _import_orders(db, summary, currency)
    finally:
        db.close()
    return summary
