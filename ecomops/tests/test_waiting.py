"""wait_for: the one way tests and smoke checks wait for an asynchronous condition."""

from __future__ import annotations

import pytest
from ecomops.waiting import wait_for


def test_returns_the_first_truthy_answer() -> None:
    answers = iter([None, [], ["target up"]])
    assert wait_for("a target up", lambda: next(answers), timeout=5, interval=0) == ["target up"]


def test_an_error_until_the_condition_holds_is_tolerated() -> None:
    attempts: list[int] = []

    def flaky() -> bool:
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionRefusedError("not listening yet")
        return True

    assert wait_for("a listening port", flaky, timeout=5, interval=0) is True
    assert len(attempts) == 3


def test_a_timeout_names_what_was_awaited_and_the_last_answer() -> None:
    def refused() -> bool:
        raise ConnectionRefusedError("port 9090")

    with pytest.raises(TimeoutError, match=r"Prometheus answering: not true after 0s") as info:
        wait_for("Prometheus answering", refused, timeout=0.05, interval=0.01)
    assert "port 9090" in str(info.value)
