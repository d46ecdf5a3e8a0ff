"""A trained anomaly detector: feature extraction + scaler + autoencoder + threshold.

It serialises to a small .npz blob (no pickle) so the application can version it in its
database and activate or roll back a version in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from fraud.ml.artifact import pack, unpack
from fraud.ml.autoencoder import Autoencoder, param_count
from fraud.ml.preprocess import (
    SEED_COLUMNS,
    LabelEncoder,
    Scaler,
    number,
    seed_matrix,
    train_test_indices,
    usable_seed_row,
)
from fraud.ml.signals import SIGNAL_FEATURES

Array = NDArray[np.float64]
Row = Mapping[str, object]

FEATURE_SETS = {"seed": SEED_COLUMNS, "signals": SIGNAL_FEATURES}
# The seed standardised its inputs; the signals set is min-max scaled so the sigmoid
# output layer can actually reproduce normal rows.
DEFAULT_SCALER = {"seed": "standard", "signals": "minmax"}
THRESHOLD_PERCENTILE = 95.0
KIND = "autoencoder"


class InvalidRowsError(ValueError):
    """No usable row: every row misses a feature or holds a non-numeric value."""


def _usable(row: Row, feature_set: str) -> bool:
    if feature_set == "seed":
        return usable_seed_row(row)
    return all(number(row.get(c)) is not None for c in SIGNAL_FEATURES)


def clean_rows(rows: Sequence[Row], feature_set: str) -> tuple[list[dict[str, object]], list[int]]:
    """(usable rows, their indices in the input). Original values are kept: the matrix
    converts them, and reports show what was read."""
    index = [i for i, row in enumerate(rows) if _usable(row, feature_set)]
    return [dict(rows[i]) for i in index], index


def raw_features(rows: Sequence[Row], feature_set: str, state_classes: list[str]) -> Array:
    """Unscaled feature matrix of rows that are already clean."""
    if feature_set == "seed":
        return seed_matrix(rows, LabelEncoder(state_classes))
    return np.array([[float(str(r[c])) for c in SIGNAL_FEATURES] for r in rows]).reshape(
        len(rows), len(SIGNAL_FEATURES)
    )


@dataclass
class Detector:
    feature_set: str
    scaler: Scaler
    autoencoder: Autoencoder
    threshold: float
    state_classes: list[str] = field(default_factory=list)
    metadata: dict[str, object] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return FEATURE_SETS[self.feature_set]

    def raw_matrix(self, rows: Sequence[Row]) -> Array:
        return raw_features(rows, self.feature_set, self.state_classes)

    def errors_of_matrix(self, raw: Array) -> Array:
        return self.autoencoder.reconstruction_error(self.scaler.transform(raw))

    def errors(self, rows: Sequence[Row]) -> Array:
        """Reconstruction error per input row; NaN for rows that cannot be scored."""
        kept, index = clean_rows(rows, self.feature_set)
        out = np.full(len(rows), np.nan)
        if kept:
            out[index] = self.errors_of_matrix(self.raw_matrix(kept))
        return out

    def to_bytes(self) -> bytes:
        meta = {
            "feature_set": self.feature_set,
            "scaler": self.scaler.kind,
            "threshold": self.threshold,
            "state_classes": self.state_classes,
            "n_features": self.autoencoder.n_features,
            "metadata": self.metadata,
        }
        arrays = {
            "params": self.autoencoder.params,
            "shift": self.scaler.shift,
            "scale": self.scaler.scale,
        }
        return pack(KIND, arrays, meta)

    @classmethod
    def from_bytes(cls, blob: bytes) -> Detector:
        arrays, meta = unpack(blob, KIND)
        autoencoder = Autoencoder(int(str(meta["n_features"])))
        autoencoder.set_params(arrays["params"])
        scaler = Scaler(str(meta["scaler"]), arrays["shift"], arrays["scale"])
        return cls(
            feature_set=str(meta["feature_set"]),
            scaler=scaler,
            autoencoder=autoencoder,
            threshold=float(str(meta["threshold"])),
            state_classes=list(meta["state_classes"]),  # type: ignore[call-overload]
            metadata=dict(meta["metadata"]),  # type: ignore[call-overload]
        )


def error_stats(errors: Array) -> dict[str, float]:
    return {
        "mean": float(np.mean(errors)),
        "median": float(np.median(errors)),
        "min": float(np.min(errors)),
        "max": float(np.max(errors)),
        "std": float(np.std(errors)),
    }


def mask_card(row: Mapping[str, object]) -> dict[str, object]:
    """Row details safe to show: full card numbers are cut to their last four digits."""
    shown = dict(row)
    if "card_number" in shown:
        digits = str(shown["card_number"]).split(".")[0]
        shown["card_number"] = "*" * max(len(digits) - 4, 0) + digits[-4:]
    return shown


@dataclass
class TrainResult:
    detector: Detector
    report: dict[str, object]
    test_errors: Array
    test_rows: list[dict[str, object]]
    loss: list[float]


def train(
    rows: Sequence[Row],
    feature_set: str = "seed",
    *,
    epochs: int = 50,
    batch_size: int = 32,
    seed: int = 42,
    scaler: str | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> TrainResult:
    """The seed's pipeline: clean, encode, 80/20 split, scale, fit, threshold = p95 of test."""
    if feature_set not in FEATURE_SETS:
        raise ValueError(f"unknown feature set {feature_set!r}; choose one of {list(FEATURE_SETS)}")
    started = time.perf_counter()
    kept, _ = clean_rows(rows, feature_set)
    if len(kept) < 10:
        raise InvalidRowsError(
            f"only {len(kept)} usable rows out of {len(rows)}: training needs at least 10 rows "
            f"with every column of the {feature_set!r} feature set: "
            f"{', '.join(FEATURE_SETS[feature_set])}"
        )
    classes = (
        sorted({str(r["address_state"]).strip() for r in kept}) if feature_set == "seed" else []
    )
    raw = raw_features(kept, feature_set, classes)
    train_idx, test_idx = train_test_indices(len(kept), 0.2, seed)
    fitted = Scaler.fit(raw[train_idx], scaler or DEFAULT_SCALER[feature_set])
    x_train, x_test = fitted.transform(raw[train_idx]), fitted.transform(raw[test_idx])
    model = Autoencoder(raw.shape[1], seed=seed)
    history = model.fit(
        x_train, epochs=epochs, batch_size=batch_size, x_val=x_test, seed=seed, progress=progress
    )
    test_errors = model.reconstruction_error(x_test)
    threshold = float(np.percentile(test_errors, THRESHOLD_PERCENTILE))
    flagged = test_errors > threshold
    test_rows = [kept[i] for i in test_idx]
    top = np.argsort(-test_errors)[:5]
    seconds = time.perf_counter() - started
    report: dict[str, object] = {
        "feature_set": feature_set,
        "scaler": fitted.kind,
        "rows_in": len(rows),
        "rows_used": len(kept),
        "n_train": len(train_idx),
        "n_test": len(test_idx),
        "param_count": model.n_params,
        "expected_param_count": param_count(raw.shape[1]),
        "epochs": epochs,
        "final_loss": history.loss[-1],
        "final_val_loss": history.val_loss[-1],
        "threshold": threshold,
        "test_errors": error_stats(test_errors),
        "test_anomalies": int(flagged.sum()),
        "test_anomaly_share": float(flagged.mean()),
        "top_anomalies": [
            {
                **{c: mask_card(test_rows[i]).get(c) for c in ("id", *FEATURE_SETS[feature_set])},
                "error": float(test_errors[i]),
            }
            for i in top
        ],
        "train_seconds": seconds,
    }
    detector = Detector(
        feature_set=feature_set,
        scaler=fitted,
        autoencoder=model,
        threshold=threshold,
        state_classes=classes,
        metadata={k: report[k] for k in ("rows_used", "n_train", "n_test", "epochs")},
    )
    return TrainResult(detector, report, test_errors, test_rows, history.loss)
