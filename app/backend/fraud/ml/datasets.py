"""Reading training/scoring data: the seed's SQLite table and CSV files, validated."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import datetime
from pathlib import Path

from fraud.ml.preprocess import SEED_COLUMNS
from fraud.ml.signals import SIGNAL_FEATURES, Transaction, signal_rows

# A raw transaction log, turned into signal features (history computed in time order).
TRANSACTION_COLUMNS = (
    "user_id",
    "card_key",
    "exp_month",
    "exp_year",
    "address_state",
    "address_zip",
    "amount",
    "timestamp",
)


class DatasetError(ValueError):
    """The data cannot be used; the message says what to fix."""


def load_seed_sqlite(path: Path, table: str = "account_stripemodel") -> list[dict[str, object]]:
    if not path.is_file():
        raise DatasetError(f"{path} does not exist")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if table not in tables:
            raise DatasetError(f"{path} has no table {table!r} (tables: {sorted(tables)})")
        return [dict(r) for r in conn.execute(f'SELECT * FROM "{table}"')]  # noqa: S608 - checked name


def _timestamp(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def transactions_to_signal_rows(records: list[dict[str, str]]) -> list[dict[str, object]]:
    txs = []
    for line, r in enumerate(records, start=2):
        try:
            txs.append(
                Transaction(
                    user_id=int(r["user_id"]),
                    card_key=r["card_key"],
                    exp_month=int(r["exp_month"]),
                    exp_year=int(r["exp_year"]),
                    address_state=r["address_state"],
                    address_zip=r["address_zip"],
                    amount=float(r["amount"]),
                    at=_timestamp(r["timestamp"]),
                    address_country=r.get("address_country") or "US",
                    succeeded=(r.get("succeeded") or "true").strip().lower()
                    in {"1", "true", "yes"},
                )
            )
        except (KeyError, ValueError) as exc:
            raise DatasetError(f"line {line}: {exc}; fix or remove that row") from exc
    return [dict(row) for row in signal_rows(txs)]


def parse_csv(text: str, feature_set: str) -> list[dict[str, object]]:
    """Rows for `feature_set` from CSV text.

    seed: the account_stripemodel columns (extra columns are ignored);
    signals: either the eight feature columns or a transaction log (TRANSACTION_COLUMNS).
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        raise DatasetError("the file is empty: expected a header line and data rows")
    reader.fieldnames = header
    records = list(reader)
    if not records:
        raise DatasetError("the file has a header but no data rows")
    if feature_set == "seed":
        _require(header, SEED_COLUMNS, "seed")
        return [dict(r) for r in records]
    if feature_set != "signals":
        raise DatasetError(f"unknown feature set {feature_set!r}: use 'seed' or 'signals'")
    if all(c in header for c in SIGNAL_FEATURES):
        return [dict(r) for r in records]
    if all(c in header for c in TRANSACTION_COLUMNS):
        return transactions_to_signal_rows(records)
    missing_features = [c for c in SIGNAL_FEATURES if c not in header]
    missing_tx = [c for c in TRANSACTION_COLUMNS if c not in header]
    raise DatasetError(
        "wrong columns for the signals feature set: give either the feature columns "
        f"(missing {missing_features}) or a transaction log (missing {missing_tx})"
    )


def _require(header: list[str], columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in header]
    if missing:
        raise DatasetError(
            f"wrong columns for the {name} feature set: missing {missing}; the file has {header}"
        )
