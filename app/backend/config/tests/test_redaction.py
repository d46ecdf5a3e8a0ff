import json
import logging

import pytest

from config.logging import JsonFormatter
from config.redaction import mask_card_numbers


@pytest.mark.parametrize(
    "text",
    ["4242424242424242", "4242 4242 4242 4242", "4242-4242-4242-4242", "'378282246310005'"],
)
def test_card_numbers_keep_only_their_last_four_digits(text):
    masked = mask_card_numbers(f"Unknown payment method {text}.")
    assert "card ending" in masked
    assert "42424242" not in masked.replace(" ", "").replace("-", "")
    assert "8282246" not in masked


@pytest.mark.parametrize("text", ["order 12345", "pi_sandbox_0123456789ab", "2026-12-01T21:44:07"])
def test_other_numbers_are_left_alone(text):
    assert mask_card_numbers(text) == text


def test_log_lines_never_carry_a_card_number():
    record = logging.LogRecord("x", logging.WARNING, "", 0, "saw %s", ("4000000000000002",), None)
    record.payment_method = "4000 0000 0000 0002"
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "saw [card ending 0002]"
    assert line["payment_method"] == "[card ending 0002]"
