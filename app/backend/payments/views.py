from typing import ClassVar

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsOwner
from payments.gateways import GatewayUnavailableError, InvalidPaymentMethodError, get_gateway
from payments.models import Card
from payments.serializers import CardSerializer


class GatewayUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The payment provider is unavailable; retry later."
    default_code = "gateway_unavailable"


class CardViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CardSerializer
    permission_classes: ClassVar = [permissions.IsAuthenticated, IsOwner]

    def get_queryset(self) -> QuerySet[Card]:
        return Card.objects.filter(user=self.request.user)

    def perform_create(self, serializer: CardSerializer) -> None:
        gateway = get_gateway()
        user = self.request.user
        customer_id = (
            Card.objects.filter(user=user, provider=gateway.name)
            .exclude(provider_customer_id="")
            .values_list("provider_customer_id", flat=True)
            .first()
        ) or ""
        data = serializer.validated_data
        try:
            details = gateway.save_payment_method(
                data.pop("payment_method"), email=user.email, customer_id=customer_id
            )
        except InvalidPaymentMethodError as error:
            raise ValidationError({"payment_method": [str(error)]}) from None
        except GatewayUnavailableError as error:
            raise GatewayUnavailable(str(error)) from None
        serializer.save(
            user=user,
            brand=details.brand,
            last4=details.last4,
            exp_month=data.get("exp_month", details.exp_month),
            exp_year=data.get("exp_year", details.exp_year),
            provider=gateway.name,
            provider_payment_method_id=details.payment_method_id,
            provider_customer_id=details.customer_id,
        )


@extend_schema(
    responses=inline_serializer(
        "PaymentConfig",
        {
            "payment_gateway": serializers.CharField(),
            "stripe_publishable_key": serializers.CharField(),
        },
    )
)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def payment_config(request: Request) -> Response:
    """What the frontend needs to collect cards: which gateway, and Stripe's public key."""
    return Response(
        {
            "payment_gateway": settings.PAYMENT_GATEWAY,
            "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        }
    )
