"""Sent after every charge attempt, successful or not (the fraud app listens).

Arguments: sender=Payment, payment, order, card, succeeded.
"""

from django.dispatch import Signal

payment_attempted = Signal()
