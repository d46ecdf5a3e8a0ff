from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models


class Card(models.Model):
    """A saved payment method. The card number never reaches this table: the gateway holds it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cards"
    )
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    name_on_card = models.CharField(max_length=200, blank=True)
    address_city = models.CharField(max_length=120, blank=True)
    address_country = models.CharField(max_length=120, blank=True)
    address_state = models.CharField(max_length=120, blank=True)
    address_zip = models.CharField(max_length=12, blank=True)
    provider = models.CharField(max_length=20)
    provider_payment_method_id = models.CharField(max_length=255)
    provider_customer_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    legacy_id = models.IntegerField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # Guards the schema itself: four digits, nothing longer can be stored.
            models.CheckConstraint(
                condition=models.Q(last4__regex=r"^[0-9]{4}$"), name="card_last4_is_4_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(exp_month__gte=1, exp_month__lte=12), name="card_exp_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} ending {self.last4}"

    def is_expired(self, today: date) -> bool:
        """A card is valid through the last day of its expiry month."""
        return (self.exp_year, self.exp_month) < (today.year, today.month)


class Payment(models.Model):
    class Status(models.TextChoices):
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="payments")
    card = models.ForeignKey(Card, on_delete=models.SET_NULL, null=True, related_name="payments")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    provider = models.CharField(max_length=20)
    provider_payment_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    failure_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.status}"
