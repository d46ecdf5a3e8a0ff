"""Training data from the shop's own database: every order placed with a saved card."""

from fraud.ml.signals import Transaction, signal_rows
from fraud.scoring import card_key
from orders.models import Order


def signal_rows_from_database() -> list[dict[str, object]]:
    """One signal row per charge attempt (order), history computed in time order, exactly
    as a live checkout sees it. Legacy orders without a saved card carry no expiry or
    address and are left out."""
    orders = Order.objects.filter(card__isnull=False, user__isnull=False).select_related("card")
    transactions = [
        Transaction(
            user_id=order.user_id,
            card_key=card_key(order.card),
            exp_month=order.card.exp_month,
            exp_year=order.card.exp_year,
            address_state=order.card.address_state,
            address_zip=order.card.address_zip,
            address_country=order.card.address_country,
            amount=float(order.total),
            at=(order.paid_at or order.created_at).timestamp(),
            succeeded=order.status != Order.Status.CANCELLED,
        )
        for order in orders.iterator(chunk_size=2000)
    ]
    return [dict(row) for row in signal_rows(transactions)]
