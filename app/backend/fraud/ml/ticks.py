"""Axis ticks at round numbers (1, 2 or 5 times a power of ten), after Heckbert's "nice
numbers for graph labels" (Graphics Gems, 1990): 0, 0.5, 1, 1.5 rather than 0, 0.33, 0.66."""

from __future__ import annotations

import math
from dataclasses import dataclass


def nice_number(value: float, *, rounded: bool) -> float:
    """The round number near `value`: nearest when `rounded`, else the next one up."""
    exponent = math.floor(math.log10(value))
    fraction = value / 10**exponent
    if rounded:
        nice = 1 if fraction < 1.5 else 2 if fraction < 3 else 5 if fraction < 7 else 10
    else:
        nice = 1 if fraction <= 1 else 2 if fraction <= 2 else 5 if fraction <= 5 else 10
    return nice * 10.0**exponent


@dataclass(frozen=True)
class Ticks:
    values: tuple[float, ...]
    step: float

    @property
    def lo(self) -> float:
        return self.values[0]

    @property
    def hi(self) -> float:
        return self.values[-1]

    @property
    def decimals(self) -> int:
        return max(0, -math.floor(math.log10(self.step)))

    def label(self, value: float) -> str:
        return f"{value:.{self.decimals}f}"

    def labels(self) -> list[str]:
        return [self.label(v) for v in self.values]


def nice_ticks(lo: float, hi: float, count: int = 6, min_step: float = 0.0) -> Ticks:
    """About `count` round ticks covering [lo, hi]; the axis then spans the first to the last.
    `min_step` 1 keeps counts on whole numbers."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"axis limits must be finite, got {lo!r} and {hi!r}")
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    span = nice_number(hi - lo, rounded=False)
    step = max(nice_number(span / max(count - 1, 1), rounded=True), min_step)
    first, last = math.floor(lo / step), math.ceil(hi / step)
    decimals = max(0, -math.floor(math.log10(step)))
    # Rounded to the step's decimals: 3 * 0.1 is 0.30000000000000004 in binary.
    values = tuple(round(i * step, decimals) for i in range(first, last + 1))
    return Ticks(values, step)
