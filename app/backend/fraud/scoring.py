"""Scoring live transactions: features from the database, alerts, metrics, the order's score."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Avg
from django.utils import timezone
from prometheus_client import Counter

from fraud import conf
from fraud.ml.signals import Context, Transaction, signal_vector
from fraud.models import TransactionScore
from fraud.registry import active_detector
from payments.models import Card, Payment

logger = logging.getLogger(__name__)

SCORED = Counter(
    "fraud_scored_total", "Transactions scored by the fraud model", ["source", "result"]
)
ALERTS = Counter("fraud_alerts_total", "High reconstruction-error transactions (fraud alerts)")


def card_key(card: Any) -> str:
    """A fingerprint without the card number: the same physical card saved by two accounts
    has the same brand, last four digits and expiry."""
    return f"{card.brand}:{card.last4}:{card.exp_month:02d}/{card.exp_year}"


@dataclass(frozen=True)
class CardDetails:
    """What scoring needs to know about a card: a saved Card or one described to the API."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int
    address_state: str = ""
    address_zip: str = ""
    address_country: str = ""


def database_context(
    user_id: int | None, card: Any, at: datetime, exclude_payment: int | None = None
) -> Context:
    """The signal context from the shop's tables, as of `at`."""
    same_card = Card.objects.filter(
        brand=card.brand, last4=card.last4, exp_month=card.exp_month, exp_year=card.exp_year
    )
    before = Payment.objects.filter(order__user_id=user_id, created_at__lt=at)
    if exclude_payment is not None:
        before = before.exclude(pk=exclude_payment)
    mean = before.filter(status=Payment.Status.SUCCEEDED).aggregate(m=Avg("amount"))["m"]
    user_cards = Card.objects.filter(user_id=user_id).count()
    if not same_card.filter(user_id=user_id).exists():
        user_cards += 1  # a card the user has not saved counts too
    return Context(
        card_users=same_card.exclude(user_id=user_id).values("user").distinct().count(),
        user_cards=user_cards,
        attempts_1h=before.filter(created_at__gte=at - timedelta(hours=1)).count(),
        declines_24h=before.filter(
            created_at__gte=at - timedelta(days=1), status=Payment.Status.FAILED
        ).count(),
        user_mean_amount=float(mean or 0.0),
    )


def transaction_features(
    user_id: int | None,
    card: Any,
    amount: float,
    at: datetime,
    *,
    succeeded: bool = True,
    exclude_payment: int | None = None,
) -> dict[str, float]:
    tx = Transaction(
        user_id=user_id or 0,
        card_key=card_key(card),
        exp_month=card.exp_month,
        exp_year=card.exp_year,
        address_state=card.address_state,
        address_zip=card.address_zip,
        address_country=card.address_country,
        amount=amount,
        at=at.timestamp(),
        succeeded=succeeded,
    )
    return signal_vector(tx, database_context(user_id, card, at, exclude_payment))


def checkout_features(order: Any, card: Any, payment: Any, succeeded: bool) -> dict[str, float]:
    return transaction_features(
        order.user_id,
        card,
        float(order.total),
        payment.created_at or timezone.now(),
        succeeded=succeeded,
        exclude_payment=payment.pk,
    )


def record_alert(score: TransactionScore) -> None:
    ALERTS.inc()
    logger.warning(
        "Fraud alert: high reconstruction error",
        extra={
            "order_id": score.order_id,
            "user_id": score.user_id,
            "score": round(score.score, 6),
            "threshold": round(score.threshold, 6),
            "action": score.action,
        },
    )


def score_checkout(
    *, payment: Any, order: Any, card: Any, succeeded: bool
) -> TransactionScore | None:
    """Score one checkout and keep the result on the order. Never raises into checkout."""
    try:
        version, detector = active_detector()
    except LookupError:
        logger.info("Checkout not scored: no active fraud model", extra={"order_id": order.pk})
        SCORED.labels("checkout", "skipped").inc()
        return None
    if detector.feature_set != "signals":
        # The seed's columns include the full card number, which this shop never stores.
        logger.warning(
            "Checkout not scored: the active fraud model uses the seed feature set; "
            "activate a 'signals' model (manage.py fraud_train --synthetic)",
            extra={"order_id": order.pk, "version": version.version},
        )
        SCORED.labels("checkout", "skipped").inc()
        return None
    features = checkout_features(order, card, payment, succeeded)
    error = float(detector.errors([features])[0])
    anomalous = error > detector.threshold
    action = TransactionScore.Action.NONE
    if anomalous:
        action = TransactionScore.Action.FLAGGED
        if conf.block_anomalies() and succeeded:
            # The charge has happened (the signal follows it): hold the order for review.
            order.status = "pending"
            order.save(update_fields=["status"])
            action = TransactionScore.Action.HELD
    score, _ = TransactionScore.objects.update_or_create(
        order=order,
        defaults={
            "payment": payment,
            "user": order.user,
            "model_version": version,
            "score": error,
            "threshold": detector.threshold,
            "is_anomaly": anomalous,
            "action": action,
            "amount": order.total,
            "succeeded": succeeded,
            "features": {
                **features,
                "card": f"{card.brand} ****{card.last4}",
                "address_state": card.address_state,
                "address_zip": card.address_zip,
            },
        },
    )
    SCORED.labels("checkout", "anomaly" if anomalous else "normal").inc()
    if anomalous:
        record_alert(score)
    return score
