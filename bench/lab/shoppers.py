"""Accounts for the benchmarks that sign in: made on the deployed shop, used through the LB.

The accounts, their tokens, an address each and a product are made in one `manage.py shell`
on the first app server (registering through the API would meet its login throttle); each
card is added through the API, as the SPA does, so it is the payment gateway's own.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from ecomops_lab.probe import LabView, http_request

_SCRIPT = """
import json
from accounts.models import Address, User
from products.models import Product
from rest_framework_simplejwt.tokens import RefreshToken
made = []
for n in range({count}):
    user = User.objects.create_user("bench-{run}-%d@example.com" % n)
    address = Address.objects.create(
        user=user, name="Bench", phone_number="5550100", line1="1 Lab Street",
        city="Springfield", state="Oregon", postal_code="97001",
    )
    made.append({{"token": str(RefreshToken.for_user(user).access_token), "address": address.pk}})
product = Product.objects.create(
    name="Bench {run}", description="bench/lab", price="3.00", stock=10**7
)
print("BENCH", json.dumps({{"shoppers": made, "product": product.pk}}))
"""


@dataclass(frozen=True)
class Shopper:
    token: str
    address: int
    card: int | None


def make(view: LabView, count: int, cards: bool) -> tuple[list[Shopper], int]:
    """`count` new shoppers, each with an address (and a card if `cards`), and a product they
    can all buy.

    Their access tokens live JWT_ACCESS_MINUTES (5 by default): use them at once.
    """
    run = secrets.token_hex(4)
    out = view.django_shell(view.app_servers[0]["name"], _SCRIPT.format(count=count, run=run))
    made = json.loads(out.split("BENCH ", 1)[1])
    shoppers = []
    for account in made["shoppers"]:
        if not cards:
            shoppers.append(Shopper(account["token"], account["address"], None))
            continue
        status, raw = http_request(
            "POST",
            f"{view.lb_url}/api/cards",
            {"payment_method": "pm_card_visa"},
            {"Authorization": f"Bearer {account['token']}"},
        )
        if status != 201:
            raise RuntimeError(f"adding a bench shopper's card: {status} {raw[:300]!r}")
        shoppers.append(Shopper(account["token"], account["address"], json.loads(raw)["id"]))
    return shoppers, int(made["product"])
