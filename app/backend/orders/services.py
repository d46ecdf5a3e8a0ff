"""Checkout: price on the server, reserve stock atomically, charge, then settle the order."""

import logging
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Address, User
from orders.models import Order, OrderItem
from payments.gateways import get_gateway
from payments.models import Card, Payment
from payments.signals import payment_attempted
from products.models import Product

logger = logging.getLogger(__name__)


class UnknownProductsError(Exception):
    def __init__(self, ids: list[int]) -> None:
        super().__init__(f"Unknown product id(s): {', '.join(map(str, ids))}.")
        self.ids = ids


class OutOfStockError(Exception):
    def __init__(self, shortages: dict[int, int]) -> None:
        super().__init__("Not enough stock for product id(s): " + ", ".join(map(str, shortages)))
        self.shortages = shortages  # product id -> units available


@dataclass(frozen=True)
class CheckoutResult:
    order: Order
    payment: Payment


def _reserve(user: User, quantities: Counter[int], address: Address, card: Card) -> Order:
    """Create the pending order and take its stock in one transaction.

    Rows are locked in id order so two checkouts on overlapping products cannot deadlock.
    """
    with transaction.atomic():
        products = {
            product.pk: product
            for product in Product.objects.select_for_update()
            .filter(pk__in=quantities)
            .order_by("pk")
        }
        missing = sorted(set(quantities) - set(products))
        if missing:
            raise UnknownProductsError(missing)
        shortages = {
            pk: products[pk].stock for pk, qty in quantities.items() if products[pk].stock < qty
        }
        if shortages:
            raise OutOfStockError(shortages)
        total = sum((products[pk].price * qty for pk, qty in quantities.items()), Decimal("0"))
        order = Order.objects.create(
            user=user,
            total=total,
            currency=settings.PAYMENT_CURRENCY,
            shipping_address=address.as_text(),
            card=card,
            card_brand=card.brand,
            card_last4=card.last4,
        )
        OrderItem.objects.bulk_create(
            OrderItem(
                order=order,
                product=products[pk],
                product_name=products[pk].name,
                unit_price=products[pk].price,
                quantity=qty,
            )
            for pk, qty in quantities.items()
        )
        for pk, qty in quantities.items():
            Product.objects.filter(pk=pk).update(stock=F("stock") - qty)
        return order


def _release(order: Order) -> None:
    """Give a failed order's stock back and cancel it."""
    with transaction.atomic():
        for item in order.items.exclude(product=None).order_by("product_id"):
            Product.objects.filter(pk=item.product_id).update(stock=F("stock") + item.quantity)
        order.status = Order.Status.CANCELLED
        order.save(update_fields=["status"])


def checkout(user: User, quantities: Counter[int], address: Address, card: Card) -> CheckoutResult:
    order = _reserve(user, quantities, address, card)
    # The charge runs outside any transaction: no row lock is held while the provider answers.
    try:
        result = get_gateway().charge(
            amount_cents=int(order.total * 100),
            currency=order.currency,
            payment_method_id=card.provider_payment_method_id,
            customer_id=card.provider_customer_id,
            idempotency_key=f"order-{order.pk}",
            description=f"Order {order.pk}",
        )
    except Exception:
        _release(order)
        raise
    payment = Payment.objects.create(
        order=order,
        card=card,
        amount=order.total,
        currency=order.currency,
        provider=card.provider,
        provider_payment_id=result.payment_id,
        status=Payment.Status.SUCCEEDED if result.succeeded else Payment.Status.FAILED,
        failure_code=result.failure_code,
    )
    if result.succeeded:
        order.status = Order.Status.PAID
        order.paid_at = timezone.now()
        order.save(update_fields=["status", "paid_at"])
    else:
        _release(order)
    logger.info(
        "Checkout %s",
        "paid" if result.succeeded else "declined",
        extra={
            "order_id": order.pk,
            "total": str(order.total),
            "failure_code": result.failure_code,
        },
    )
    payment_attempted.send(
        sender=Payment, payment=payment, order=order, card=card, succeeded=result.succeeded
    )
    return CheckoutResult(order=order, payment=payment)


def set_status(order: Order, status: str) -> Order:
    """Admin status change; timestamps follow the status, never the client."""
    order.status = status
    fields = ["status"]
    if status == Order.Status.DELIVERED and order.delivered_at is None:
        order.delivered_at = timezone.now()
        fields.append("delivered_at")
    if status == Order.Status.PAID and order.paid_at is None:
        order.paid_at = timezone.now()
        fields.append("paid_at")
    order.save(update_fields=fields)
    return order
