"""Every charge attempt is scored; a scoring failure is logged and never breaks checkout."""

import logging
from typing import Any

from django.dispatch import receiver

from fraud.scoring import score_checkout
from payments.signals import payment_attempted

logger = logging.getLogger(__name__)


@receiver(payment_attempted, dispatch_uid="fraud.score_checkout")
def score_payment_attempt(
    sender: Any, *, payment: Any, order: Any, card: Any, succeeded: bool, **kwargs: Any
) -> None:
    try:
        score_checkout(payment=payment, order=order, card=card, succeeded=succeeded)
    except Exception:
        logger.exception("Fraud scoring failed; checkout continues", extra={"order_id": order.pk})
