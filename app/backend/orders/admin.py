from django.contrib import admin

from orders.models import Order, OrderItem


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    readonly_fields = ("product", "product_name", "unit_price", "quantity")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "status", "total", "currency", "created_at", "delivered_at")
    list_filter = ("status",)
    search_fields = ("id", "user__email", "items__product_name")
    readonly_fields = (
        "total",
        "currency",
        "card",
        "card_brand",
        "card_last4",
        "paid_at",
        "fraud_check",
    )
    raw_id_fields = ("user",)
    inlines = (OrderItemInline,)

    @admin.display(description="fraud score")
    def fraud_check(self, order: Order) -> str:
        # The reverse one-to-one raises an AttributeError subclass when the order has none.
        score = getattr(order, "fraud_score", None)
        if score is None:
            return "not scored (no active fraud model at checkout)"
        if score.score is None:
            return "not scored (the fraud API did not answer): flagged for review"
        version = f"model v{score.model_version.version}" if score.model_version else "model gone"
        verdict = "anomaly" if score.is_anomaly else "normal"
        shown = f"{score.score:.4f} (threshold {score.threshold:.4f}, {version}): {verdict}"
        if score.fraud_probability is None or score.classifier_version is None:
            return shown
        classifier = f"logistic regression v{score.classifier_version.version}"
        # Recorded beside the autoencoder's verdict, which alone decides (fraud/README.md).
        return f"{shown}; fraud probability {score.fraud_probability:.3f} ({classifier})"
