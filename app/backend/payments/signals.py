"""Signals around a charge (the fraud app listens).

charge_requested: sent before the provider is asked, arguments sender=Payment, order, card. A
receiver that raises ChargeRefusedError stops the checkout: nothing is charged, the order is
cancelled and the customer is told to retry.

payment_attempted: sent after every charge attempt, successful or not. Arguments:
sender=Payment, payment, order, card, succeeded.
"""

from django.dispatch import Signal

charge_requested = Signal()
payment_attempted = Signal()


class ChargeRefusedError(Exception):
    """A charge_requested receiver refused the charge; its message is for the customer."""
