"""Round axis ticks: 1, 2 or 5 times a power of ten, covering the data."""

import math

import pytest

from fraud.ml.ticks import nice_ticks


def _is_round_step(step: float) -> bool:
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(math.isclose(mantissa, m) for m in (1, 2, 5, 10))


@pytest.mark.parametrize(
    ("lo", "hi"), [(0, 1.1), (0, 0.0123), (0, 3002), (0, 47), (0, 1.7985), (0.2, 0.3), (0, 1e-5)]
)
def test_ticks_are_round_evenly_spaced_and_cover_the_range(lo, hi):
    ticks = nice_ticks(lo, hi)
    assert _is_round_step(ticks.step)
    assert ticks.lo <= lo and ticks.hi >= hi
    assert 3 <= len(ticks.values) <= 8
    for a, b in zip(ticks.values, ticks.values[1:], strict=False):
        assert math.isclose(b - a, ticks.step, rel_tol=1e-9)
    for value, label in zip(ticks.values, ticks.labels(), strict=True):
        assert math.isclose(float(label), value, abs_tol=ticks.step / 1000)
        assert math.isclose(value / ticks.step, round(value / ticks.step), abs_tol=1e-9)


def test_the_empty_chart_ticks_of_the_issue_become_round():
    # The old axis divided 0..1.1 in fifths: 0.22, 0.44, 0.66, 0.88, 1.1.
    assert nice_ticks(0.0, 1.1).labels() == ["0.0", "0.5", "1.0", "1.5"]


def test_counts_keep_whole_number_ticks():
    assert nice_ticks(0, 1, count=5, min_step=1).labels() == ["0", "1"]
    assert nice_ticks(0, 3, count=5, min_step=1).labels() == ["0", "1", "2", "3"]


def test_a_flat_range_still_gets_an_axis_and_bad_limits_are_refused():
    assert nice_ticks(2.0, 2.0).hi > 2.0
    with pytest.raises(ValueError, match="finite"):
        nice_ticks(0.0, math.inf)
