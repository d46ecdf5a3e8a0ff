from typing import Any, ClassVar

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from payments.gateways import InvalidPaymentMethodError
from payments.gateways.sandbox import tokenize_number
from payments.models import Card


class CardSerializer(serializers.ModelSerializer):
    """Input: a provider payment method id, or (sandbox only) a test card number.

    The number is write-only and turned into a payment method id during validation; it is
    never saved, logged or returned.
    """

    payment_method = serializers.CharField(write_only=True, required=False, max_length=255)
    number = serializers.CharField(write_only=True, required=False, max_length=23)

    class Meta:
        model = Card
        fields: ClassVar[list[str]] = [
            "id",
            "payment_method",
            "number",
            "brand",
            "last4",
            "exp_month",
            "exp_year",
            "name_on_card",
            "address_city",
            "address_country",
            "address_state",
            "address_zip",
            "provider",
            "created_at",
        ]
        read_only_fields: ClassVar[list[str]] = [
            "id",
            "brand",
            "last4",
            "provider",
            "created_at",
        ]
        extra_kwargs: ClassVar[dict[str, dict[str, Any]]] = {
            "exp_month": {"required": False, "min_value": 1, "max_value": 12},
            "exp_year": {"required": False, "min_value": 2000, "max_value": 2100},
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "exp_year" in attrs or "exp_month" in attrs:
            expiry = Card(exp_month=attrs.get("exp_month", 12), exp_year=attrs.get("exp_year", 0))
            if "exp_year" in attrs and expiry.is_expired(timezone.localdate()):
                raise serializers.ValidationError(
                    {"exp_year": "This card has expired; use a card that is still valid."}
                )
        number = attrs.pop("number", None)
        if number is not None:
            if settings.PAYMENT_GATEWAY != "sandbox":
                raise serializers.ValidationError(
                    {"number": "Card numbers are not accepted; send a Stripe payment_method id."}
                )
            try:
                attrs["payment_method"] = tokenize_number(number)
            except InvalidPaymentMethodError as error:
                raise serializers.ValidationError({"number": str(error)}) from None
        elif not attrs.get("payment_method"):
            raise serializers.ValidationError(
                {"payment_method": "Send a payment method id such as pm_card_visa."}
            )
        return attrs
