"""Loader for the public credit-card-transactions CSV (Time, V1..V28, Amount, Class)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from fraud.ml.synthetic import CREDITCARD_COLUMNS

Array = NDArray[np.float64]


def load_creditcard_csv(path: Path) -> tuple[Array, Array]:
    """(features n x 30, labels n). Raises ValueError naming what is wrong with the file."""
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip().strip('"') for h in next(reader, [])]
        missing = [c for c in CREDITCARD_COLUMNS if c not in header]
        if missing:
            raise ValueError(
                f"{path}: missing columns {missing}; expected the creditcard.csv layout "
                f"{', '.join(CREDITCARD_COLUMNS)}"
            )
        order = [header.index(c) for c in CREDITCARD_COLUMNS]
        rows = []
        for line, record in enumerate(reader, start=2):
            try:
                rows.append([float(record[i].strip('"')) for i in order])
            except (ValueError, IndexError) as exc:
                raise ValueError(f"{path}:{line}: not a number row ({exc})") from exc
    if not rows:
        raise ValueError(f"{path}: no data rows")
    data = np.array(rows)
    return data[:, :-1], data[:, -1]
