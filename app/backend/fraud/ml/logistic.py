"""The seed's supervised model: L2 logistic regression (C=0.01) on undersampled data.

Same objective as sklearn's LogisticRegression(C=0.01): C * sum(log-loss) + ||w||^2 / 2,
intercept not penalised. With ~30 features Newton's method converges in a few exact steps,
so no iterative-solver tuning is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fraud.ml.metrics import Confusion, average_precision, precision_recall_curve, roc_auc

Array = NDArray[np.float64]


def _sigmoid(z: Array) -> Array:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


@dataclass
class LogisticRegression:
    c: float = 0.01
    max_iter: int = 50
    coef: Array | None = None
    intercept: float = 0.0

    def fit(self, x: Array, y: Array) -> LogisticRegression:
        n, d = x.shape
        xb = np.column_stack([x, np.ones(n)])
        w = np.zeros(d + 1)
        penalty = np.r_[np.ones(d), 0.0]
        for _ in range(self.max_iter):
            p = _sigmoid(xb @ w)
            grad = self.c * xb.T @ (p - y) + penalty * w
            hess = self.c * (xb.T * (p * (1 - p))) @ xb + np.diag(penalty) + 1e-10 * np.eye(d + 1)
            step = np.linalg.solve(hess, grad)
            w -= step
            if np.max(np.abs(step)) < 1e-8:
                break
        self.coef, self.intercept = w[:d], float(w[d])
        return self

    def predict_proba(self, x: Array) -> Array:
        if self.coef is None:
            raise RuntimeError("fit() the model before predicting")
        return _sigmoid(x @ self.coef + self.intercept)


def stratified_split(y: Array, test_size: float = 0.3, seed: int = 42) -> tuple[Array, Array]:
    """70/30 split keeping the class ratio in both parts."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for label in (0, 1):
        idx = rng.permutation(np.flatnonzero(y == label))
        n_test = round(test_size * len(idx))
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def undersample(y: Array, seed: int = 42) -> Array:
    """Indices with every positive and as many randomly chosen negatives."""
    rng = np.random.default_rng(seed)
    pos = np.flatnonzero(y == 1)
    neg = rng.choice(np.flatnonzero(y == 0), size=min(len(pos), int((y == 0).sum())), replace=False)
    return np.sort(np.concatenate([pos, neg]))


def at_false_positive_rate(y: Array, scores: Array, target: float) -> dict[str, float]:
    """The operating point flagging the most rows while keeping FPR <= target."""
    negatives = np.sort(scores[y == 0])[::-1]
    threshold = float(negatives[min(int(target * len(negatives)), len(negatives) - 1)])
    return {**Confusion.of(y, scores > threshold).as_dict(), "threshold": threshold}


CURVE_POINTS = 1000
PAPER_FPR = 5e-4  # the paper reports recall ~0.8 and precision ~0.7 at this rate


def run(x: Array, y: Array, c: float = 0.01, seed: int = 42) -> dict[str, object]:
    """Split 70/30, undersample the training part only, fit, evaluate on the untouched 30%.

    Features are standardised on the training sample (Time and Amount are not PCA outputs).
    """
    if int(y.sum()) < 4:
        raise ValueError("need at least 4 positive rows (Class == 1) to split and train")
    train_idx, test_idx = stratified_split(y, 0.3, seed)
    sample = train_idx[undersample(y[train_idx], seed)]
    mean, std = x[sample].mean(axis=0), x[sample].std(axis=0)
    std[std == 0] = 1.0
    model = LogisticRegression(c=c).fit((x[sample] - mean) / std, y[sample])
    scores = model.predict_proba((x[test_idx] - mean) / std)
    y_test = y[test_idx]
    precision, recall, thresholds = precision_recall_curve(y_test, scores)
    # One point per distinct score is tens of thousands: a thousand draw the same curve.
    keep = np.unique(np.linspace(0, len(thresholds) - 1, CURVE_POINTS).astype(int))
    confusion = Confusion.of(y_test, scores >= 0.5)
    return {
        "c": c,
        "n_rows": len(y),
        "positive_share": float(y.mean()),
        "n_train_undersampled": len(sample),
        "n_test": len(test_idx),
        "threshold": 0.5,
        "confusion": confusion.as_dict(),
        "at_paper_fpr": at_false_positive_rate(y_test, scores, PAPER_FPR),
        "roc_auc": roc_auc(y_test, scores),
        "average_precision": average_precision(y_test, scores),
        "curve": {
            "precision": precision[keep].tolist(),
            "recall": recall[keep].tolist(),
            "thresholds": thresholds[keep].tolist(),
        },
    }
