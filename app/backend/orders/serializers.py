from typing import Any, ClassVar

from rest_framework import serializers

from orders.models import Order, OrderItem

MAX_QUANTITY = 100
MAX_LINES = 50


class OrderItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderItem
        fields: ClassVar[list[str]] = ["id", "product", "product_name", "unit_price", "quantity"]


class OrderSerializer(serializers.ModelSerializer):
    items = OrderItemSerializer(many=True, read_only=True)
    user_email = serializers.EmailField(source="user.email", read_only=True, default=None)

    class Meta:
        model = Order
        fields: ClassVar[list[str]] = [
            "id",
            "user",
            "user_email",
            "status",
            "total",
            "currency",
            "shipping_address",
            "card_brand",
            "card_last4",
            "items",
            "created_at",
            "paid_at",
            "delivered_at",
        ]
        read_only_fields = fields


class CartLineSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class CheckoutSerializer(serializers.Serializer):
    """Only what the customer chooses; prices, totals and statuses are the server's."""

    items = CartLineSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    address_id = serializers.IntegerField(min_value=1)
    card_id = serializers.IntegerField(min_value=1)

    def validate_items(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        total_per_product: dict[int, int] = {}
        for line in value:
            pid = line["product_id"]
            total_per_product[pid] = total_per_product.get(pid, 0) + line["quantity"]
        if any(qty > MAX_QUANTITY for qty in total_per_product.values()):
            raise serializers.ValidationError(f"At most {MAX_QUANTITY} units per product.")
        return value


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.choices)
