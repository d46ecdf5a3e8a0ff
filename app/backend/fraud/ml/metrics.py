"""Classification metrics (the ones sklearn would give), for labels in {0, 1}."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Confusion:
    tp: int
    fp: int
    tn: int
    fn: int

    @classmethod
    def of(cls, y_true: Array, y_pred: Array) -> Confusion:
        t = y_true.astype(bool)
        p = y_pred.astype(bool)
        return cls(
            tp=int(np.sum(t & p)),
            fp=int(np.sum(~t & p)),
            tn=int(np.sum(~t & ~p)),
            fn=int(np.sum(t & ~p)),
        )

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_positive_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            **asdict(self),
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "false_positive_rate": self.false_positive_rate,
        }


def roc_auc(y_true: Array, scores: Array) -> float:
    """Probability that a random positive outranks a random negative (ties count half)."""
    y = y_true.astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC-AUC needs both classes in y_true")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # Average ranks over ties.
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def precision_recall_curve(y_true: Array, scores: Array) -> tuple[Array, Array, Array]:
    """(precision, recall, thresholds) for every distinct score, highest threshold last."""
    order = np.argsort(-scores, kind="mergesort")
    s = scores[order]
    y = y_true[order].astype(np.float64)
    distinct = np.r_[np.where(np.diff(s))[0], len(s) - 1]
    tps = np.cumsum(y)[distinct]
    fps = (distinct + 1) - tps
    precision = tps / (tps + fps)
    recall = tps / max(y.sum(), 1.0)
    return precision[::-1], recall[::-1], s[distinct][::-1]


def average_precision(y_true: Array, scores: Array) -> float:
    """Area under the precision-recall curve as a step sum (sklearn's definition)."""
    precision, recall, _ = precision_recall_curve(y_true, scores)
    # Walk from the highest threshold down, so recall grows from 0.
    steps = np.diff(np.r_[0.0, recall[::-1]])
    return float(np.sum(steps * precision[::-1]))


def binary_report(y_true: Array, scores: Array, threshold: float) -> dict[str, float]:
    report = Confusion.of(y_true, scores > threshold).as_dict()
    report["roc_auc"] = roc_auc(y_true, scores)
    report["average_precision"] = average_precision(y_true, scores)
    report["threshold"] = float(threshold)
    return report
