"""Reproduce the seed's autoencoder table on the seed's own data, side by side.

    python -m fraud.ml.seed_report --reference-dir ../shared/reference-data --out reports/fraud

Exit code 0 with a clear "skipped" line when the reference data are absent (they are never
committed); 2 on unusable data.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

from fraud.ml.autoencoder import param_count
from fraud.ml.datasets import DatasetError, load_seed_sqlite
from fraud.ml.detector import error_stats, mask_card, train
from fraud.ml.plots import histogram_png

SEED_FIGURES = {
    "threshold": 2.0501,
    "mean": 0.9018,
    "median": 0.8045,
    "min": 0.0258,
    "max": 3.4886,
    "std": 0.5461,
    "test_anomalies": 30,
    "test_anomaly_share": 0.0499,
    "new_anomalies": 718,
    "new_anomaly_share": 0.6825,
}
SPREAD_SEEDS = (1, 2, 3, 4, 5)
# The seed documents give no epoch count; the figures depend on it as much as on the draw.
SPREAD_EPOCHS = (10, 20, 50)


def build(reference: Path, out: Path, epochs: int = 50) -> dict[str, object]:
    rows = load_seed_sqlite(reference / "seed_db.sqlite3")
    with (reference / "account_stripemodel_fraud_data.csv").open(newline="") as handle:
        new_rows = list(csv.DictReader(handle))
    result = train(rows, "seed", epochs=epochs, seed=42)
    detector = result.detector
    new_errors = detector.errors(new_rows)
    new_flags = new_errors > detector.threshold
    user_ids = np.array([float(r["user_id"]) for r in rows if r.get("user_id") is not None])
    new_ids = np.array([float(r["user_id"]) for r in new_rows])
    outside = new_ids > user_ids.max()
    # Run-to-run spread: the seed's Keras run is one draw of the initialisation, with an
    # unknown number of epochs.
    spread = []
    for n_epochs in SPREAD_EPOCHS:
        for s in SPREAD_SEEDS:
            other = train(rows, "seed", epochs=n_epochs, seed=s)
            spread.append(
                {
                    "epochs": n_epochs,
                    "seed": s,
                    "threshold": other.detector.threshold,
                    "mean": error_stats(other.test_errors)["mean"],
                    "std": error_stats(other.test_errors)["std"],
                    "new_anomaly_share": float(
                        np.mean(other.detector.errors(new_rows) > other.detector.threshold)
                    ),
                }
            )
    stats = error_stats(result.test_errors)
    ours = {
        "threshold": detector.threshold,
        **stats,
        "test_anomalies": result.report["test_anomalies"],
        "test_anomaly_share": result.report["test_anomaly_share"],
        "new_anomalies": int(new_flags.sum()),
        "new_anomaly_share": float(new_flags.mean()),
    }
    top_new = np.argsort(-np.nan_to_num(new_errors, nan=-1.0))[:5]
    report: dict[str, object] = {
        "param_count": detector.autoencoder.n_params,
        "threshold": detector.threshold,
        "test_anomaly_share": ours["test_anomaly_share"],
        "new_anomaly_share": ours["new_anomaly_share"],
        "ours": ours,
        "seed": SEED_FIGURES,
        "rows": {
            "train": result.report["n_train"],
            "test": result.report["n_test"],
            "new": len(new_rows),
            "dropped": result.report["rows_in"] - result.report["rows_used"],
        },  # type: ignore[operator]
        "train_seconds": result.report["train_seconds"],
        "epochs": epochs,
        "top_test_anomalies": result.report["top_anomalies"],
        "top_new_anomalies": [
            {
                **{
                    k: mask_card(new_rows[i]).get(k)
                    for k in (
                        "id",
                        "user_id",
                        "card_number",
                        "exp_month",
                        "exp_year",
                        "address_state",
                        "address_zip",
                    )
                },
                "error": float(new_errors[i]),
            }
            for i in top_new
        ],
        "spread": spread,
        "user_id_range": {
            "train": [float(user_ids.min()), float(user_ids.max())],
            "new": [float(new_ids.min()), float(new_ids.max())],
            "new_outside_train_range": float(np.mean(outside)),
            "anomaly_share_outside": float(np.mean(new_flags[outside])) if outside.any() else 0.0,
            "anomaly_share_inside": float(np.mean(new_flags[~outside]))
            if (~outside).any()
            else 0.0,
        },
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "seed_table.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / "seed_test_errors.png").write_bytes(
        histogram_png(
            result.test_errors, detector.threshold, "Seed data: test reconstruction error"
        )
    )
    (out / "seed_new_errors.png").write_bytes(
        histogram_png(new_errors, detector.threshold, "Seed 'new dataset': reconstruction error")
    )
    return report


def render(report: dict[str, object]) -> str:
    ours, seed = report["ours"], report["seed"]
    assert isinstance(ours, dict) and isinstance(seed, dict)
    lines = [
        f"Autoencoder on the seed's data: {report['param_count']} trainable parameters "
        f"(expected {param_count(6)}), {report['epochs']} epochs "
        f"in {report['train_seconds']:.2f} s",
        f"{'figure':<22}{'seed':>12}{'ours':>12}",
    ]
    for key in SEED_FIGURES:
        a, b = seed[key], ours[key]
        fmt = (
            "{:>12.2%}"
            if key.endswith("share")
            else "{:>12d}"
            if isinstance(a, int)
            else "{:>12.4f}"
        )
        lines.append(f"{key:<22}" + fmt.format(a) + fmt.format(b))
    spread = report["spread"]
    assert isinstance(spread, list)
    lines.append(f"spread over initialisation seeds {SPREAD_SEEDS}:")
    for n_epochs in SPREAD_EPOCHS:
        runs = [s for s in spread if s["epochs"] == n_epochs]
        lo_hi = {
            k: (min(r[k] for r in runs), max(r[k] for r in runs))
            for k in ("threshold", "mean", "std", "new_anomaly_share")
        }
        t, m, d, n = (lo_hi[k] for k in ("threshold", "mean", "std", "new_anomaly_share"))
        lines.append(
            f"  {n_epochs:>3} epochs: threshold {t[0]:.4f}..{t[1]:.4f}  mean {m[0]:.4f}..{m[1]:.4f}"
            f"  std {d[0]:.4f}..{d[1]:.4f}  new share {n[0]:.2%}..{n[1]:.2%}"
        )
    for title, key in (("test split", "top_test_anomalies"), ("new dataset", "top_new_anomalies")):
        top = report[key]
        assert isinstance(top, list)
        lines.append(f"top 5 anomalies, {title} (card numbers cut to the last four digits):")
        lines += [
            "  "
            + ", ".join(f"{k}={v}" for k, v in row.items() if k != "error")
            + f", error={row['error']:.4f}"
            for row in top
        ]
    ranges = report["user_id_range"]
    assert isinstance(ranges, dict)
    lines += [
        f"new dataset user ids {ranges['new'][0]:.0f}..{ranges['new'][1]:.0f} vs training "
        f"{ranges['train'][0]:.0f}..{ranges['train'][1]:.0f}: "
        f"{ranges['new_outside_train_range']:.0%} lie outside the training range; anomaly share "
        f"{ranges['anomaly_share_outside']:.2%} among those, {ranges['anomaly_share_inside']:.2%} "
        "among the rest",
        "Gap: the threshold, error statistics and new-data share move with the random "
        "initialisation and the epoch count (not given by the seed); the seed's figures lie in "
        "the 10-20 epoch spread above. The test share is 5% by construction (95th percentile). "
        "The new dataset looks anomalous mostly because user_id is used as a number: see the "
        "signals feature set (metrics printed next by make fraud-report).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference-dir", type=Path, default=Path("../shared/reference-data"))
    parser.add_argument("--out", type=Path, default=Path("reports/fraud"))
    parser.add_argument("--epochs", type=int, default=50)
    args = parser.parse_args(argv)
    needed = [
        args.reference_dir / n for n in ("seed_db.sqlite3", "account_stripemodel_fraud_data.csv")
    ]
    absent = [str(p) for p in needed if not p.is_file()]
    if absent:
        print(
            f"fraud-report: SKIPPED, reference data not found: {', '.join(absent)} "
            "(set FRAUD_REFERENCE_DIR to the folder holding them)"
        )
        return 0
    try:
        report = build(args.reference_dir, args.out, args.epochs)
    except (DatasetError, ValueError) as exc:
        print(f"fraud-report: error: {exc}", file=sys.stderr)
        return 2
    print(render(report))
    print(f"wrote {args.out / 'seed_table.json'} and seed_*_errors.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
