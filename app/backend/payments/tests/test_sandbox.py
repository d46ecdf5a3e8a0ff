import pytest

from payments.gateways import Charge, InvalidPaymentMethodError
from payments.gateways.sandbox import TEST_CARDS, SandboxGateway, tokenize_number


def charge(pm: str, key: str = "order-1"):
    return SandboxGateway().charge(
        Charge(
            amount_cents=1000,
            currency="usd",
            payment_method_id=pm,
            customer_id="",
            idempotency_key=key,
            description="test",
        )
    )


def test_4242_succeeds_and_4000_0002_is_declined():
    assert charge(tokenize_number("4242424242424242")).succeeded
    declined = charge(tokenize_number("4000000000000002"))
    assert not declined.succeeded
    assert declined.failure_code == "generic_decline"


@pytest.mark.parametrize(
    ("pm", "code"),
    [
        ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card"),
        ("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc"),
    ],
)
def test_decline_codes_follow_stripe(pm, code):
    assert charge(pm).failure_code == code


def test_same_idempotency_key_gives_same_payment_id():
    assert charge("pm_card_visa", "k").payment_id == charge("pm_card_visa", "k").payment_id
    assert charge("pm_card_visa", "k").payment_id != charge("pm_card_visa", "other").payment_id


def test_every_test_number_is_a_valid_luhn_number():
    def luhn_ok(number: str) -> bool:
        digits = [int(d) for d in reversed(number)]
        total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
        return total % 10 == 0

    assert all(luhn_ok(card.number) for card in TEST_CARDS.values())


def test_unknown_method_is_rejected():
    with pytest.raises(InvalidPaymentMethodError):
        SandboxGateway().save_payment_method("pm_unknown", email="a@example.com", customer_id="")
