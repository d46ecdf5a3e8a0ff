"""Scoring live transactions: features from the database, alerts, metrics, the order's score."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Avg
from django.utils import timezone
from prometheus_client import Counter

from fraud import conf, remote
from fraud.ml.signals import Context, Transaction, signal_vector
from fraud.models import ClassifierVersion, ModelVersion, TransactionScore
from fraud.registry import active_classifier, active_detector
from payments.models import Card, Payment
from payments.signals import ChargeRefusedError

logger = logging.getLogger(__name__)

SCORED = Counter(
    "fraud_scored_total", "Transactions scored by the fraud model", ["source", "result"]
)
ALERTS = Counter("fraud_alerts_total", "High reconstruction-error transactions (fraud alerts)")


def card_key(card: Any) -> str:
    """A fingerprint without the card number: the same physical card saved by two accounts
    has the same brand, last four digits and expiry."""
    return f"{card.brand}:{card.last4}:{card.exp_month:02d}/{card.exp_year}"


class FraudCheckUnavailableError(ChargeRefusedError):
    def __init__(self) -> None:
        super().__init__(
            "The fraud check is unavailable, so nothing was charged; try again in a minute."
        )


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


@dataclass(frozen=True)
class Verdict:
    """The models' answer for one transaction, wherever they ran. The autoencoder decides
    (`anomalous`); the logistic regression's probability is recorded beside it."""

    version: ModelVersion | None
    score: float
    threshold: float
    anomalous: bool
    classifier: ClassifierVersion | None = None
    fraud_probability: float | None = None


def _local_verdict(order: Any, features: dict[str, float]) -> Verdict | None:
    try:
        version, detector = active_detector()
    except LookupError:
        logger.info("Checkout not scored: no active fraud model", extra={"order_id": order.pk})
        return None
    if detector.feature_set != "signals":
        # The seed's columns include the full card number, which this shop never stores.
        logger.warning(
            "Checkout not scored: the active fraud model uses the seed feature set; "
            "activate a 'signals' model (manage.py fraud_train --synthetic)",
            extra={"order_id": order.pk, "version": version.version},
        )
        return None
    error = float(detector.errors([features])[0])
    try:
        classifier, model = active_classifier()
    except LookupError:
        classifier, probability = None, None
    else:
        probability = float(model.probabilities([features])[0])
    return Verdict(
        version, error, detector.threshold, error > detector.threshold, classifier, probability
    )


def _remote_verdict(features: dict[str, float]) -> Verdict:
    """Scored by the fraud API; raises FraudApiUnavailableError when it cannot answer."""
    answer = remote.score(features)
    version = ModelVersion.objects.defer("artifact").filter(version=answer.model_version).first()
    classifier = None
    if answer.classifier_version is not None:
        classifier = (
            ClassifierVersion.objects.defer("artifact")
            .filter(version=answer.classifier_version)
            .first()
        )
    return Verdict(
        version,
        answer.score,
        answer.threshold,
        answer.is_anomaly,
        classifier,
        answer.fraud_probability,
    )


def _card_summary(card: Any) -> dict[str, str]:
    return {
        "card": f"{card.brand} ****{card.last4}",
        "address_state": card.address_state,
        "address_zip": card.address_zip,
    }


def _flag_unscored(
    order: Any, payment: Any, card: Any, succeeded: bool, features: dict[str, float], why: str
) -> TransactionScore:
    """The fraud API could not answer: the checkout went through, a person looks at it."""
    logger.warning(
        "Checkout not scored: the fraud API did not answer; flagged for review",
        extra={"order_id": order.pk, "error": why},
    )
    score, _ = TransactionScore.objects.update_or_create(
        order=order,
        defaults={
            "payment": payment,
            "user": order.user,
            "model_version": None,
            "score": None,
            "threshold": None,
            "is_anomaly": False,
            "classifier_version": None,
            "fraud_probability": None,
            "action": TransactionScore.Action.REVIEW,
            "amount": order.total,
            "succeeded": succeeded,
            "features": {**features, **_card_summary(card), "unscored_reason": why[:300]},
        },
    )
    SCORED.labels("checkout", "unavailable").inc()
    return score


def score_checkout(
    *, payment: Any, order: Any, card: Any, succeeded: bool
) -> TransactionScore | None:
    """Score one checkout and keep the result on the order. Never raises into checkout.

    With FRAUD_API_URL set the fraud API scores it (features come from this database);
    otherwise the active model is loaded in this process.
    """
    features = checkout_features(order, card, payment, succeeded)
    if conf.fraud_api_url():
        try:
            verdict: Verdict | None = _remote_verdict(features)
        except remote.FraudApiNoModelError:
            # As in process: without an active model there is nothing to score with.
            logger.info("Checkout not scored: no active fraud model", extra={"order_id": order.pk})
            verdict = None
        except remote.FraudApiUnavailableError as error:
            return _flag_unscored(order, payment, card, succeeded, features, str(error))
    else:
        verdict = _local_verdict(order, features)
    if verdict is None:
        SCORED.labels("checkout", "skipped").inc()
        return None
    action = TransactionScore.Action.NONE
    if verdict.anomalous:
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
            "model_version": verdict.version,
            "score": verdict.score,
            "threshold": verdict.threshold,
            "is_anomaly": verdict.anomalous,
            "classifier_version": verdict.classifier,
            "fraud_probability": verdict.fraud_probability,
            "action": action,
            "amount": order.total,
            "succeeded": succeeded,
            "features": {**features, **_card_summary(card)},
        },
    )
    SCORED.labels("checkout", "anomaly" if verdict.anomalous else "normal").inc()
    if verdict.anomalous:
        record_alert(score)
    return score


def refuse_unless_scorable() -> None:
    """Before a charge, with FRAUD_API_UNAVAILABLE=refuse: nothing is charged unless the fraud
    API answers now (raises FraudCheckUnavailableError)."""
    if not conf.fraud_api_url() or conf.fraud_api_unavailable() != "refuse":
        return
    try:
        remote.check_ready()
    except remote.FraudApiNoModelError:
        return  # no active model anywhere: checkouts go unscored, as without the service
    except remote.FraudApiUnavailableError as error:
        logger.warning("Checkout refused: no fraud API answer", extra={"error": str(error)})
        SCORED.labels("checkout", "refused").inc()
        raise FraudCheckUnavailableError from error
