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
from ops.locks import advisory_lock
from orders.models import Order, OrderItem
from payments.gateways import Charge, GatewayUnavailableError, get_gateway
from payments.models import Card, Payment
from payments.signals import charge_requested, payment_attempted
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


class IdempotencyKeyReusedError(Exception):
    def __init__(self, order: Order) -> None:
        super().__init__(
            f"This Idempotency-Key was used for order {order.pk} with other items; "
            "send a new key for a new checkout."
        )
        self.order = order


@dataclass(frozen=True)
class CheckoutResult:
    order: Order
    payment: Payment | None
    replayed: bool = False  # an earlier request with the same Idempotency-Key made the order


def _reserve(
    user: User, quantities: Counter[int], address: Address, card: Card, idempotency_key: str | None
) -> Order:
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
            idempotency_key=idempotency_key,
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


def _release(order: Order, *, forget_key: bool = False) -> None:
    """Give a failed order's stock back and cancel it.

    `forget_key` frees the customer's Idempotency-Key when nothing was charged, so a retry
    with it is a new attempt rather than a replay of this failure.
    """
    with transaction.atomic():
        for item in order.items.exclude(product=None).order_by("product_id"):
            Product.objects.filter(pk=item.product_id).update(stock=F("stock") + item.quantity)
        order.status = Order.Status.CANCELLED
        fields = ["status"]
        if forget_key:
            order.idempotency_key = None
            fields.append("idempotency_key")
        order.save(update_fields=fields)


def _charge(order: Order, card: Card) -> CheckoutResult:
    """Charge a pending order and settle it; safe to run again on the same pending order.

    The gateway's idempotency key is the order's, so charging a pending order a second time
    (its first answer was lost) returns the first charge instead of making another.
    """
    try:
        charge_requested.send(sender=Payment, order=order, card=card)
        result = get_gateway().charge(
            Charge(
                amount_cents=int(order.total * 100),
                currency=order.currency,
                payment_method_id=card.provider_payment_method_id,
                customer_id=card.provider_customer_id,
                idempotency_key=f"order-{order.pk}",
                description=f"Order {order.pk}",
            )
        )
    except GatewayUnavailableError:
        # The provider may have charged before the connection failed: a keyed order stays
        # pending so the customer's retry asks the provider again under the same key.
        if order.idempotency_key is None:
            _release(order)
        raise
    except Exception:
        _release(order, forget_key=True)
        raise
    # The payment record and the order's status are written together or not at all: if the
    # database fails here the order stays pending and a retry settles it.
    with transaction.atomic():
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


def _require_same_cart(order: Order, quantities: Counter[int]) -> None:
    ordered = Counter({item.product_id: item.quantity for item in order.items.all()})
    if ordered != quantities:
        raise IdempotencyKeyReusedError(order)


def checkout(
    user: User,
    quantities: Counter[int],
    address: Address,
    card: Card,
    idempotency_key: str | None = None,
) -> CheckoutResult:
    """Reserve, charge and settle one order; with a key, at most one order per key and user.

    Requests with the same key run one after the other (an advisory lock, released with the
    session if the process dies): the first makes the order, the others see it. A retry finds
    a pending order (its first try failed midway) and finishes it, or a settled one and
    returns it unchanged.
    """
    if idempotency_key is None:
        order = _reserve(user, quantities, address, card, None)
        # The charge runs outside any transaction: no row lock is held while the provider answers.
        return _charge(order, card)
    with advisory_lock(f"checkout:{user.pk}:{idempotency_key}", quiet=True):
        order = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
        if order is None:
            order = _reserve(user, quantities, address, card, idempotency_key)
        else:
            _require_same_cart(order, quantities)
            if order.status != Order.Status.PENDING:
                return CheckoutResult(order=order, payment=order.payments.last(), replayed=True)
        return _charge(order, order.card or card)


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
