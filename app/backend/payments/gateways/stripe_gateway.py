"""Stripe through its official SDK: PaymentMethods attached to a Customer, PaymentIntents.

Card numbers are collected by Stripe.js in the browser; this server only sees `pm_...` ids.
"""

import logging

import stripe

from payments.gateways.base import (
    CardDetails,
    Charge,
    ChargeResult,
    GatewayUnavailableError,
    InvalidPaymentMethodError,
)

logger = logging.getLogger(__name__)


class StripeGateway:
    name = "stripe"

    def __init__(self, secret_key: str, http_client: stripe.HTTPClient | None = None) -> None:
        self._client = stripe.StripeClient(
            secret_key, http_client=http_client, max_network_retries=2
        )

    def save_payment_method(
        self, payment_method: str, *, email: str, customer_id: str
    ) -> CardDetails:
        try:
            if not customer_id:
                customer_id = self._client.v1.customers.create(params={"email": email}).id
            method = self._client.v1.payment_methods.attach(
                payment_method, params={"customer": customer_id}
            )
        except (stripe.InvalidRequestError, stripe.CardError) as error:
            raise InvalidPaymentMethodError(error.user_message or str(error)) from error
        except stripe.StripeError as error:
            logger.warning("Stripe error while saving a card", extra={"stripe_error": str(error)})
            raise GatewayUnavailableError(
                "The payment provider is unavailable; retry later."
            ) from error
        card = method.card
        if card is None:
            raise InvalidPaymentMethodError("Only card payment methods are accepted.")
        return CardDetails(
            brand=card.brand,
            last4=card.last4,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
            payment_method_id=method.id,
            customer_id=customer_id,
        )

    def charge(self, charge: Charge) -> ChargeResult:
        params: dict[str, object] = {
            "amount": charge.amount_cents,
            "currency": charge.currency,
            "payment_method": charge.payment_method_id,
            "confirm": True,
            "off_session": True,
            "description": charge.description,
        }
        if charge.customer_id:
            params["customer"] = charge.customer_id
        try:
            intent = self._client.v1.payment_intents.create(
                params=params, options={"idempotency_key": charge.idempotency_key}
            )
        except stripe.CardError as error:
            details = (error.json_body or {}).get("error", {})
            return ChargeResult(
                succeeded=False,
                payment_id=(details.get("payment_intent") or {}).get("id", ""),
                failure_code=details.get("decline_code") or error.code or "card_declined",
                message=error.user_message or "Your card was declined.",
            )
        except stripe.InvalidRequestError as error:
            raise InvalidPaymentMethodError(error.user_message or str(error)) from error
        except stripe.StripeError as error:
            logger.warning("Stripe error while charging", extra={"stripe_error": str(error)})
            raise GatewayUnavailableError(
                "The payment provider is unavailable; retry later."
            ) from error
        if intent.status == "succeeded":
            return ChargeResult(succeeded=True, payment_id=intent.id)
        # Off-session charges cannot complete 3-D Secure; the customer must use another card.
        return ChargeResult(
            succeeded=False,
            payment_id=intent.id,
            failure_code="authentication_required",
            message="This card needs authentication; use another card.",
        )
