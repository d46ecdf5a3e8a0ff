"""Issue 14, item 6: no card number in any answer or log line; expired cards refused."""

import pytest

NUMBER = "4242424242424242"


@pytest.mark.parametrize(
    "body",
    [
        {"payment_method": NUMBER},
        {"payment_method": "4242 4242 4242 4242"},
        {"number": NUMBER, "payment_method": NUMBER, "exp_month": 13},
    ],
)
def test_a_card_number_sent_as_payment_method_is_never_echoed(customer, shop, body):
    answer = customer.call("POST", "/api/cards", body)
    assert answer.status == 400, answer.text
    digits = "".join(ch for ch in answer.text if ch.isdigit())
    assert NUMBER not in digits, answer.text
    assert NUMBER not in shop.log.read_text().replace(" ", "")


def test_a_card_that_expired_in_2001_is_refused(customer):
    answer = customer.call(
        "POST", "/api/cards", {"payment_method": "pm_card_visa", "exp_month": 1, "exp_year": 2001}
    )
    assert answer.status == 400, answer.text
    assert "expired" in answer.json()["exp_year"][0]
    assert customer.call("GET", "/api/cards").json()["count"] == 0
