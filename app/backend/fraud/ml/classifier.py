"""The served logistic-regression model (seed 003): fraud probability from the signals.

The seed's supervised pipeline (logistic.py: L2 logistic regression, C=0.01, trained on an
undersampled training part) applied to the application's own feature vector, the signals
set, so the same row the autoencoder scores at checkout gets a probability too. Labels are
required: the deploy trains it on the labelled SYNTHETIC transactions of fraud.ml.synthetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from fraud.ml.artifact import pack, unpack
from fraud.ml.detector import InvalidRowsError, Row, clean_rows, raw_features
from fraud.ml.logistic import LogisticRegression, stratified_split, undersample
from fraud.ml.metrics import binary_report
from fraud.ml.preprocess import Scaler
from fraud.ml.signals import SIGNAL_FEATURES

Array = NDArray[np.float64]
KIND = "logistic"
FEATURE_SET = "signals"
# Trained on a balanced sample, the model reads 0.5 as "as likely fraud as not".
THRESHOLD = 0.5


@dataclass
class Classifier:
    scaler: Scaler
    model: LogisticRegression
    threshold: float = THRESHOLD
    metadata: dict[str, object] = field(default_factory=dict)

    feature_set = FEATURE_SET

    @property
    def columns(self) -> tuple[str, ...]:
        return SIGNAL_FEATURES

    def probabilities_of_matrix(self, raw: Array) -> Array:
        return self.model.predict_proba(self.scaler.transform(raw))

    def probabilities(self, rows: Sequence[Row]) -> Array:
        """Fraud probability per input row; NaN for rows that cannot be scored."""
        kept, index = clean_rows(rows, FEATURE_SET)
        out = np.full(len(rows), np.nan)
        if kept:
            out[index] = self.probabilities_of_matrix(raw_features(kept, FEATURE_SET, []))
        return out

    def to_bytes(self) -> bytes:
        if self.model.coef is None:
            raise RuntimeError("fit() the model before saving it")
        meta = {
            "feature_set": FEATURE_SET,
            "scaler": self.scaler.kind,
            "threshold": self.threshold,
            "c": self.model.c,
            "intercept": self.model.intercept,
            "metadata": self.metadata,
        }
        arrays = {"coef": self.model.coef, "shift": self.scaler.shift, "scale": self.scaler.scale}
        return pack(KIND, arrays, meta)

    @classmethod
    def from_bytes(cls, blob: bytes) -> Classifier:
        arrays, meta = unpack(blob, KIND)
        if arrays["coef"].shape != (len(SIGNAL_FEATURES),):
            raise ValueError(
                f"expected {len(SIGNAL_FEATURES)} coefficients, got {arrays['coef'].size}: "
                "the artifact was trained on another feature set"
            )
        model = LogisticRegression(
            c=float(str(meta["c"])), coef=arrays["coef"], intercept=float(str(meta["intercept"]))
        )
        return cls(
            scaler=Scaler(str(meta["scaler"]), arrays["shift"], arrays["scale"]),
            model=model,
            threshold=float(str(meta["threshold"])),
            metadata=dict(meta["metadata"]),  # type: ignore[call-overload]
        )


@dataclass
class ClassifierResult:
    classifier: Classifier
    report: dict[str, object]


def train_classifier(
    rows: Sequence[Row], labels: Sequence[float], *, c: float = 0.01, seed: int = 42
) -> ClassifierResult:
    """The seed's pipeline on signal rows: stratified 70/30 split, undersample the training
    part, standardise on it, fit; the report measures the untouched 30% at THRESHOLD."""
    kept, index = clean_rows(rows, FEATURE_SET)
    y = np.asarray(labels, dtype=np.float64)[index]
    if int(y.sum()) < 4 or int((y == 0).sum()) < 4:
        raise InvalidRowsError(
            f"{len(kept)} usable rows with {int(y.sum())} labelled fraud: the logistic "
            "regression needs at least 4 of each class, with every signals column: "
            f"{', '.join(SIGNAL_FEATURES)}"
        )
    raw = raw_features(kept, FEATURE_SET, [])
    train_idx, test_idx = stratified_split(y, 0.3, seed)
    sample = train_idx[undersample(y[train_idx], seed)]
    scaler = Scaler.fit(raw[sample], "standard")
    model = LogisticRegression(c=c).fit(scaler.transform(raw[sample]), y[sample])
    classifier = Classifier(scaler, model)
    probabilities = classifier.probabilities_of_matrix(raw[test_idx])
    validation: dict[str, object] = dict(binary_report(y[test_idx], probabilities, THRESHOLD))
    validation["n_eval"] = len(test_idx)
    validation["fraud_share"] = float(y[test_idx].mean())
    report: dict[str, object] = {
        "algorithm": "logistic regression (L2, Newton), undersampled training part",
        "feature_set": FEATURE_SET,
        "c": c,
        "rows_in": len(rows),
        "rows_used": len(kept),
        "n_train_undersampled": len(sample),
        "n_test": len(test_idx),
        "threshold": THRESHOLD,
        "coefficients": dict(zip(SIGNAL_FEATURES, model.coef.tolist(), strict=True)),  # type: ignore[union-attr]
        "validation": validation,
    }
    classifier.metadata = {k: report[k] for k in ("rows_used", "n_train_undersampled", "c")}
    return ClassifierResult(classifier, report)
