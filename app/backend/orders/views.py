import re
from collections import Counter
from typing import ClassVar

from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Address
from orders import services
from orders.models import Order
from orders.serializers import CheckoutSerializer, OrderSerializer, StatusSerializer
from payments.gateways import GatewayUnavailableError, InvalidPaymentMethodError, get_gateway
from payments.models import Card, Payment
from payments.signals import ChargeRefusedError
from payments.views import GatewayUnavailable

IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # printable ASCII, as Stripe's keys


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise ValidationError(
            {"idempotency_key": ["Send 1 to 255 printable ASCII characters, e.g. a UUID."]}
        )
    return key


class CheckoutView(APIView):
    """POST one order. With an `Idempotency-Key` header, retrying the same request (same
    key, same items) returns the same order and never charges again."""

    permission_classes: ClassVar = [permissions.IsAuthenticated]

    @extend_schema(request=CheckoutSerializer, responses={201: OrderSerializer})
    def post(self, request: Request) -> Response:
        key = idempotency_key(request)
        serializer = CheckoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Owner-filtered lookups: another user's address or card is "not found", not usable.
        address = Address.objects.filter(pk=data["address_id"], user=request.user).first()
        if address is None:
            raise ValidationError({"address_id": ["No such address in your account."]})
        card = Card.objects.filter(pk=data["card_id"], user=request.user).first()
        if card is None:
            raise ValidationError({"card_id": ["No such card in your account."]})
        if card.is_expired(timezone.localdate()):
            raise ValidationError({"card_id": ["This card has expired; use another card."]})
        if card.provider != get_gateway().name:
            raise ValidationError(
                {"card_id": ["The current payment provider cannot charge this card; add it again."]}
            )
        quantities: Counter[int] = Counter()
        for line in data["items"]:
            quantities[line["product_id"]] += line["quantity"]
        try:
            result = services.checkout(request.user, quantities, address, card, key)
        except services.IdempotencyKeyReusedError as error:
            return Response(
                {"code": "idempotency_key_reused", "detail": str(error)},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        except services.UnknownProductsError as error:
            raise ValidationError({"items": [str(error)]}) from None
        except services.OutOfStockError as error:
            return Response(
                {
                    "code": "out_of_stock",
                    "detail": str(error),
                    "available": {str(pk): units for pk, units in error.shortages.items()},
                },
                status=status.HTTP_409_CONFLICT,
            )
        except InvalidPaymentMethodError as error:
            raise ValidationError({"card_id": [str(error)]}) from None
        except GatewayUnavailableError as error:
            raise GatewayUnavailable(str(error)) from None
        except ChargeRefusedError as error:
            return Response(
                {"code": "charge_refused", "detail": str(error)},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        body = OrderSerializer(result.order).data
        headers = {"Idempotent-Replayed": "true"} if result.replayed else None
        if result.payment is None or result.payment.status != Payment.Status.SUCCEEDED:
            return Response(
                {
                    "code": "card_declined",
                    "decline_code": result.payment.failure_code,
                    "detail": "The card was declined; the order was cancelled. Use another card.",
                    "order": body,
                },
                status=status.HTTP_402_PAYMENT_REQUIRED,
                headers=headers,
            )
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OrderSerializer
    permission_classes: ClassVar = [permissions.IsAuthenticated]

    def get_queryset(self) -> QuerySet[Order]:
        queryset = Order.objects.select_related("user").prefetch_related("items")
        if not self.request.user.is_staff:
            queryset = queryset.filter(user=self.request.user)
        search = self.request.query_params.get("search", "").strip()
        if search:
            condition = Q(items__product_name__icontains=search) | Q(user__email__icontains=search)
            if search.isdigit():
                condition |= Q(pk=int(search))
            queryset = queryset.filter(condition).distinct()
        return queryset

    @action(
        detail=True,
        methods=["patch"],
        url_path="status",
        permission_classes=[permissions.IsAdminUser],
    )
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        serializer = StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.set_status(order, serializer.validated_data["status"])
        return Response(OrderSerializer(order).data)
