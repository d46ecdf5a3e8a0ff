"""Preprocessing shared by both feature sets: cleaning, label encoding, scaling, splitting."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Row = Mapping[str, object]

# The seed's six inputs: what was left of account_stripemodel once ids, e-mails, names
# and free-text address parts were dropped.
SEED_COLUMNS = ("user_id", "card_number", "exp_month", "exp_year", "address_state", "address_zip")
SEED_NUMERIC = ("user_id", "card_number", "exp_month", "exp_year", "address_zip")
UNKNOWN_LABEL = -1.0


def number(value: object) -> float | None:
    """The value as a finite float, or None (missing, text, NaN, infinity)."""
    if value is None:
        return None
    try:
        parsed = float(str(value).strip())
    except ValueError:
        return None
    return parsed if math.isfinite(parsed) else None


def usable_seed_row(row: Row) -> bool:
    """Every seed column present and finite (the seed's dropna + infinity removal)."""
    state = row.get("address_state")
    if state is None or str(state).strip() == "":
        return False
    return all(number(row.get(col)) is not None for col in SEED_NUMERIC)


@dataclass
class LabelEncoder:
    """sklearn's LabelEncoder (sorted classes); unseen labels map to -1 instead of raising,
    because a live checkout must be scored even from a state never seen in training."""

    classes: list[str]

    @classmethod
    def fit(cls, values: Iterable[str]) -> LabelEncoder:
        return cls(sorted(set(values)))

    def transform(self, values: Iterable[str]) -> Array:
        index = {c: float(i) for i, c in enumerate(self.classes)}
        return np.array([index.get(v, UNKNOWN_LABEL) for v in values], dtype=np.float64)


SCALERS = ("standard", "minmax")


@dataclass
class Scaler:
    """(x - shift) / scale. "standard" is sklearn's StandardScaler (the seed's choice);
    "minmax" maps training data to [0, 1], the range a sigmoid output can reproduce."""

    kind: str
    shift: Array
    scale: Array

    @classmethod
    def fit(cls, x: Array, kind: str = "standard") -> Scaler:
        if kind == "standard":
            shift, scale = x.mean(axis=0), x.std(axis=0)  # population std, as sklearn
        elif kind == "minmax":
            shift, scale = x.min(axis=0), x.max(axis=0) - x.min(axis=0)
        else:
            raise ValueError(f"unknown scaler {kind!r}; choose one of {SCALERS}")
        scale = np.where(scale == 0, 1.0, scale)
        return cls(kind=kind, shift=shift, scale=scale)

    def transform(self, x: Array) -> Array:
        return (x - self.shift) / self.scale


def seed_matrix(rows: Sequence[Row], encoder: LabelEncoder) -> Array:
    """Raw (unscaled) seed feature matrix for already-cleaned rows."""
    states = encoder.transform(str(r["address_state"]).strip() for r in rows)
    columns = []
    for col in SEED_COLUMNS:
        if col == "address_state":
            columns.append(states)
        else:
            columns.append(np.array([float(str(r[col])) for r in rows], dtype=np.float64))
    return np.column_stack(columns) if rows else np.empty((0, len(SEED_COLUMNS)))


def train_test_indices(n: int, test_size: float = 0.2, seed: int = 42) -> tuple[Array, Array]:
    """Same permutation as sklearn's train_test_split(test_size, random_state=seed)."""
    n_test = math.ceil(test_size * n)
    permutation = np.random.RandomState(seed).permutation(n)
    return permutation[n_test:], permutation[:n_test]
