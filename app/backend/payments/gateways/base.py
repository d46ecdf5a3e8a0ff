"""The gateway interface: save a payment method, charge it."""

from dataclasses import dataclass
from typing import Protocol

from config.redaction import mask_card_numbers


class InvalidPaymentMethodError(Exception):
    """The payment method (id or test number) is unknown or unusable: a 400 for the client.

    Its message reaches the client, so a card number typed where an id belongs (which the
    provider's own messages quote back) is masked here, in the one place they all pass.
    """

    def __init__(self, message: str) -> None:
        super().__init__(mask_card_numbers(message))


class GatewayUnavailableError(Exception):
    """The provider could not be reached or failed: a 503, the client may retry."""


@dataclass(frozen=True)
class CardDetails:
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    payment_method_id: str
    customer_id: str = ""


@dataclass(frozen=True)
class Charge:
    """One charge of a saved payment method; a repeated idempotency key never charges twice."""

    amount_cents: int
    currency: str
    payment_method_id: str
    customer_id: str
    idempotency_key: str
    description: str


@dataclass(frozen=True)
class ChargeResult:
    succeeded: bool
    payment_id: str = ""
    failure_code: str = ""
    message: str = ""


class Gateway(Protocol):
    name: str

    def save_payment_method(
        self, payment_method: str, *, email: str, customer_id: str
    ) -> CardDetails:
        """Resolve a payment method id into card details, attached to a reusable customer."""
        ...

    def charge(self, charge: Charge) -> ChargeResult:
        """Charge the saved method once; a repeated idempotency key never charges twice."""
        ...
