"""Every charge attempt is scored; a scoring failure is logged and never breaks checkout.

The one exception is chosen by the operator: FRAUD_API_UNAVAILABLE=refuse stops a charge
before it happens when the fraud API does not answer.
"""

import logging
from typing import Any

from django.dispatch import receiver

from fraud.scoring import refuse_unless_scorable, score_checkout
from payments.signals import charge_requested, payment_attempted

logger = logging.getLogger(__name__)


@receiver(payment_attempted, dispatch_uid="fraud.score_checkout")
def score_payment_attempt(
    sender: Any, *, payment: Any, order: Any, card: Any, succeeded: bool, **kwargs: Any
) -> None:
    try:
        score_checkout(payment=payment, order=order, card=card, succeeded=succeeded)
    except Exception:
        logger.exception("Fraud scoring failed; checkout continues", extra={"order_id": order.pk})


@receiver(charge_requested, dispatch_uid="fraud.refuse_unless_scorable")
def refuse_charge_unless_scorable(sender: Any, **kwargs: Any) -> None:
    refuse_unless_scorable()
