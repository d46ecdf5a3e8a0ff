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
    readonly_fields = ("total", "currency", "card", "card_brand", "card_last4", "paid_at")
    raw_id_fields = ("user",)
    inlines = (OrderItemInline,)
