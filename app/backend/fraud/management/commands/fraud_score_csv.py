"""Score every row of a CSV with the active model; write the rows back with their score."""

import csv
import sys
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fraud.ml.datasets import DatasetError, parse_csv
from fraud.registry import NoActiveModelError, active_detector


class Command(BaseCommand):
    help = (
        "Score a CSV with the active model (or --model-version N).\n"
        "  manage.py fraud_score_csv new_cards.csv --out scored.csv\n"
        "Adds columns score, is_anomaly; rows that cannot be scored get an empty score."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", type=Path)
        parser.add_argument("--out", type=Path, help="output CSV (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version, detector = active_detector()
            rows = parse_csv(options["csv"].read_text(encoding="utf-8"), detector.feature_set)
        except (NoActiveModelError, OSError, DatasetError) as exc:
            raise CommandError(str(exc)) from exc
        errors = detector.errors(rows)
        fields = [*rows[0].keys(), "score", "is_anomaly"]
        handle = options["out"].open("w", newline="") if options["out"] else sys.stdout
        try:
            writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
            writer.writeheader()
            for row, error in zip(rows, errors, strict=True):
                ok = bool(np.isfinite(error))
                writer.writerow(
                    {
                        **row,
                        "score": f"{error:.6f}" if ok else "",
                        "is_anomaly": bool(error > detector.threshold) if ok else "",
                    }
                )
        finally:
            if options["out"]:
                handle.close()
        flagged = int(np.sum(errors > detector.threshold))
        scored = int(np.isfinite(errors).sum())
        self.stderr.write(
            f"scored {scored}/{len(rows)} rows with model v{version.version}: {flagged} "
            f"anomalies ({flagged / len(rows):.2%}), threshold {detector.threshold:.4f}"
        )
