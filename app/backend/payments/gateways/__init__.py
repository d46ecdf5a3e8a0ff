"""Payment gateways behind one interface; `get_gateway()` picks the configured one."""

from django.conf import settings

from payments.gateways.base import (
    CardDetails,
    Charge,
    ChargeResult,
    Gateway,
    GatewayUnavailableError,
    InvalidPaymentMethodError,
)


def get_gateway() -> Gateway:
    if settings.PAYMENT_GATEWAY == "stripe":
        from payments.gateways.stripe_gateway import StripeGateway

        return StripeGateway(settings.STRIPE_SECRET_KEY)
    from payments.gateways.sandbox import SandboxGateway

    return SandboxGateway()


__all__ = [
    "CardDetails",
    "Charge",
    "ChargeResult",
    "Gateway",
    "GatewayUnavailableError",
    "InvalidPaymentMethodError",
    "get_gateway",
]
