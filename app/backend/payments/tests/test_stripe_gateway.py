"""The Stripe adapter against the real SDK, with its HTTP client replaced: no network.

The fake client records every request the SDK makes and answers with Stripe-shaped JSON,
so these tests check what we send (endpoints, parameters, idempotency keys) and how we
handle Stripe's answers and errors.
"""

import json
from urllib.parse import parse_qs, urlparse

import pytest
import stripe

from payments.gateways import Charge, GatewayUnavailableError, InvalidPaymentMethodError
from payments.gateways.stripe_gateway import StripeGateway


class RecordingHTTPClient(stripe.HTTPClient):
    name = "recording"

    def __init__(self, responses):
        super().__init__()
        self.responses = list(responses)
        self.requests = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        self.requests.append(
            {
                "method": method.upper(),
                "path": urlparse(url).path,
                "headers": dict(headers or {}),
                "form": parse_qs(post_data or ""),
            }
        )
        status, body = self.responses.pop(0)
        return json.dumps(body), status, {"request-id": "req_test"}

    def close(self):
        pass


CARD = {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030}


def gateway(*responses):
    client = RecordingHTTPClient(responses)
    return StripeGateway("sk_test_fake", http_client=client), client


def test_save_card_creates_customer_then_attaches_method():
    gw, http = gateway(
        (200, {"id": "cus_123", "object": "customer"}),
        (200, {"id": "pm_1", "object": "payment_method", "type": "card", "card": CARD}),
    )
    details = gw.save_payment_method("pm_1", email="a@example.com", customer_id="")
    assert (details.brand, details.last4, details.customer_id) == ("visa", "4242", "cus_123")
    assert [(r["method"], r["path"]) for r in http.requests] == [
        ("POST", "/v1/customers"),
        ("POST", "/v1/payment_methods/pm_1/attach"),
    ]
    assert http.requests[1]["form"] == {"customer": ["cus_123"]}
    assert http.requests[0]["headers"]["Authorization"] == "Bearer sk_test_fake"


def test_save_card_reuses_existing_customer():
    gw, http = gateway(
        (200, {"id": "pm_2", "object": "payment_method", "type": "card", "card": CARD}),
    )
    gw.save_payment_method("pm_2", email="a@example.com", customer_id="cus_9")
    assert [r["path"] for r in http.requests] == ["/v1/payment_methods/pm_2/attach"]


def test_save_card_with_unknown_method_is_invalid():
    gw, _ = gateway(
        (
            404,
            {
                "error": {
                    "type": "invalid_request_error",
                    "code": "resource_missing",
                    "message": "No such PaymentMethod: 'pm_x'",
                }
            },
        )
    )
    with pytest.raises(InvalidPaymentMethodError, match="No such PaymentMethod"):
        gw.save_payment_method("pm_x", email="a@example.com", customer_id="cus_1")


def charge(gw):
    return gw.charge(
        Charge(
            amount_cents=12345,
            currency="usd",
            payment_method_id="pm_1",
            customer_id="cus_1",
            idempotency_key="order-7",
            description="Order 7",
        )
    )


def test_charge_confirms_a_payment_intent_with_idempotency_key():
    gw, http = gateway((200, {"id": "pi_1", "object": "payment_intent", "status": "succeeded"}))
    result = charge(gw)
    assert result.succeeded
    assert result.payment_id == "pi_1"
    (request,) = http.requests
    assert request["path"] == "/v1/payment_intents"
    assert request["headers"]["Idempotency-Key"] == "order-7"
    assert request["form"]["amount"] == ["12345"]
    assert request["form"]["confirm"] == ["true"]
    assert request["form"]["customer"] == ["cus_1"]
    assert request["form"]["payment_method"] == ["pm_1"]


def test_card_error_becomes_a_decline_with_stripes_code():
    gw, _ = gateway(
        (
            402,
            {
                "error": {
                    "type": "card_error",
                    "code": "card_declined",
                    "decline_code": "insufficient_funds",
                    "message": "Your card has insufficient funds.",
                    "payment_intent": {"id": "pi_declined", "object": "payment_intent"},
                }
            },
        )
    )
    result = charge(gw)
    assert not result.succeeded
    assert result.failure_code == "insufficient_funds"
    assert result.payment_id == "pi_declined"


def test_intent_needing_authentication_is_a_decline():
    gw, _ = gateway(
        (200, {"id": "pi_3ds", "object": "payment_intent", "status": "requires_action"})
    )
    result = charge(gw)
    assert not result.succeeded
    assert result.failure_code == "authentication_required"


def test_stripe_outage_is_gateway_unavailable():
    gw, http = gateway(
        *[(500, {"error": {"type": "api_error", "message": "Internal"}})] * 3,
    )
    with pytest.raises(GatewayUnavailableError):
        charge(gw)
    # The SDK retried with the same idempotency key, so the charge cannot happen twice.
    keys = {r["headers"]["Idempotency-Key"] for r in http.requests}
    assert keys == {"order-7"}


def test_bad_api_key_is_gateway_unavailable():
    gw, _ = gateway(
        (401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}})
    )
    with pytest.raises(GatewayUnavailableError):
        charge(gw)
