from django.contrib import admin

from payments.models import Card, Payment


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ("user", "brand", "last4", "exp_month", "exp_year", "provider")
    search_fields = ("user__email", "last4")
    raw_id_fields = ("user",)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("order", "amount", "currency", "status", "failure_code", "created_at")
    list_filter = ("status", "provider")
    raw_id_fields = ("order", "card")
