"""A deterministic gateway for the lab and tests, following Stripe's public test cards.

Payment method ids (`pm_card_visa`, `pm_card_chargeDeclined`, ...) and the test card numbers
behave as they do in Stripe test mode: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is
declined, and so on. No other number is accepted, so a real card number is refused.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from payments.gateways.base import (
    CardDetails,
    Charge,
    ChargeResult,
    InvalidPaymentMethodError,
)


@dataclass(frozen=True)
class TestCard:
    number: str
    brand: str
    decline_code: str = ""  # empty: the charge succeeds


TEST_CARDS: dict[str, TestCard] = {
    "pm_card_visa": TestCard("4242424242424242", "visa"),
    "pm_card_visa_debit": TestCard("4000056655665556", "visa"),
    "pm_card_mastercard": TestCard("5555555555554444", "mastercard"),
    "pm_card_amex": TestCard("378282246310005", "amex"),
    "pm_card_discover": TestCard("6011111111111117", "discover"),
    "pm_card_chargeDeclined": TestCard("4000000000000002", "visa", "generic_decline"),
    "pm_card_chargeDeclinedInsufficientFunds": TestCard(
        "4000000000009995", "visa", "insufficient_funds"
    ),
    "pm_card_chargeDeclinedLostCard": TestCard("4000000000009987", "visa", "lost_card"),
    "pm_card_chargeDeclinedStolenCard": TestCard("4000000000009979", "visa", "stolen_card"),
    "pm_card_chargeDeclinedExpiredCard": TestCard("4000000000000069", "visa", "expired_card"),
    "pm_card_chargeDeclinedIncorrectCvc": TestCard("4000000000000127", "visa", "incorrect_cvc"),
    "pm_card_chargeDeclinedProcessingError": TestCard(
        "4000000000000119", "visa", "processing_error"
    ),
    "pm_card_radarBlock": TestCard("4100000000000019", "visa", "fraudulent"),
}
_BY_NUMBER = {card.number: pm_id for pm_id, card in TEST_CARDS.items()}


def tokenize_number(number: str) -> str:
    """The payment method id of a test card number; the number itself is not kept."""
    digits = "".join(ch for ch in number if ch.isdigit())
    try:
        return _BY_NUMBER[digits]
    except KeyError:
        raise InvalidPaymentMethodError(
            "The sandbox gateway only accepts Stripe test card numbers, e.g. 4242424242424242 "
            "(succeeds) or 4000000000000002 (declined)."
        ) from None


class SandboxGateway:
    name = "sandbox"

    def save_payment_method(
        self, payment_method: str, *, email: str, customer_id: str
    ) -> CardDetails:
        card = TEST_CARDS.get(payment_method)
        if card is None:
            raise InvalidPaymentMethodError(
                f"Unknown payment method {payment_method!r}; use a Stripe test id such as "
                f"pm_card_visa or pm_card_chargeDeclined."
            )
        customer = customer_id or "cus_sandbox_" + hashlib.sha256(email.encode()).hexdigest()[:14]
        return CardDetails(
            brand=card.brand,
            last4=card.number[-4:],
            # Stripe's test payment methods expire in December a few years ahead.
            exp_month=12,
            exp_year=datetime.now(tz=UTC).year + 3,
            payment_method_id=payment_method,
            customer_id=customer,
        )

    def charge(self, charge: Charge) -> ChargeResult:
        card = TEST_CARDS.get(charge.payment_method_id)
        if card is None:
            raise InvalidPaymentMethodError(f"Unknown payment method {charge.payment_method_id!r}.")
        key = charge.idempotency_key.encode()
        payment_id = "pi_sandbox_" + hashlib.sha256(key).hexdigest()[:24]
        if card.decline_code:
            return ChargeResult(
                succeeded=False,
                payment_id=payment_id,
                failure_code=card.decline_code,
                message="Your card was declined.",
            )
        return ChargeResult(succeeded=True, payment_id=payment_id)
