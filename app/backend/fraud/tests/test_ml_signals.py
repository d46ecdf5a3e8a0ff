"""The behavioural feature set."""

from fraud.ml.signals import DAY, HOUR, History, Transaction, expiry_months, zip_state_mismatch

JAN_2026 = 1_767_225_600.0


def tx(user=1, card="c1", amount=50.0, at=JAN_2026, ok=True, zip_code="97201", exp=(12, 2027)):
    return Transaction(user, card, exp[0], exp[1], "Oregon", zip_code, amount, at, succeeded=ok)


def test_zip_state_consistency():
    assert zip_state_mismatch("Oregon", "97201") == 0.0
    assert zip_state_mismatch("OR", "10001") == 1.0
    assert zip_state_mismatch("Delhi", "111111", "INDIA") == 0.0  # outside the US: unknown
    assert zip_state_mismatch("Atlantis", "12345") == 0.0


def test_expiry_horizon_in_months():
    assert expiry_months(12, 2027, JAN_2026) == 23
    assert expiry_months(6, 2025, JAN_2026) == -7


def test_history_counts_only_what_happened_before():
    history = History()
    history.add(tx(amount=40))
    history.add(tx(amount=60, at=JAN_2026 + 10))
    history.add(tx(ok=False, at=JAN_2026 + 20))
    history.add(tx(user=2, card="c1", at=JAN_2026 - 2 * DAY))
    ctx = history.context(tx(card="c2", at=JAN_2026 + 30 * 60))
    assert ctx.card_users == 0  # c2 never seen
    assert ctx.user_cards == 2
    assert ctx.attempts_1h == 3
    assert ctx.declines_24h == 1
    assert ctx.user_mean_amount == 50.0  # declined attempts are not spending
    later = history.context(tx(at=JAN_2026 + 2 * HOUR))
    assert later.attempts_1h == 0
    assert later.card_users == 1  # user 2 used c1
