"""CSV validation: wrong columns, empty files and bad rows get errors that say what to fix."""

from pathlib import Path

import pytest

from fraud.ml.creditcard import load_creditcard_csv
from fraud.ml.datasets import DatasetError, load_seed_sqlite, parse_csv

SEED_CSV = (
    "id,user_id,card_number,exp_month,exp_year,address_state,address_zip,email\n"
    "1,5,4242424242424242,08,2028,Texas,75001,a@example.com\n"
)


def test_seed_csv_is_read():
    rows = parse_csv(SEED_CSV, "seed")
    assert rows[0]["address_state"] == "Texas"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("user_id,card_number\n", "no data rows"),
        ("user_id,colour\n1,red\n", "missing ['card_number'"),
    ],
)
def test_bad_seed_csv(text, message):
    with pytest.raises(DatasetError, match=message.replace("[", r"\[")):
        parse_csv(text, "seed")


def test_transaction_log_becomes_signal_features():
    text = (
        "user_id,card_key,exp_month,exp_year,address_state,address_zip,amount,timestamp\n"
        "1,k1,12,2030,Texas,75001,20.0,2026-01-01T10:00:00Z\n"
        "2,k1,12,2030,Texas,10001,25.0,2026-01-01T10:05:00Z\n"
    )
    rows = parse_csv(text, "signals")
    assert rows[1]["card_users"] == 1.0 and rows[1]["zip_state_mismatch"] == 1.0


def test_signals_csv_with_wrong_columns_lists_both_accepted_layouts():
    with pytest.raises(DatasetError, match="transaction log"):
        parse_csv("a,b\n1,2\n", "signals")


def test_sqlite_without_the_table(tmp_path: Path):
    import sqlite3

    db = tmp_path / "x.sqlite3"
    sqlite3.connect(db).execute("CREATE TABLE other (id int)")
    with pytest.raises(DatasetError, match="no table 'account_stripemodel'"):
        load_seed_sqlite(db)


def test_creditcard_loader_checks_columns(tmp_path: Path):
    bad = tmp_path / "cc.csv"
    bad.write_text("Time,V1,Amount\n0,1,2\n")
    with pytest.raises(ValueError, match="missing columns"):
        load_creditcard_csv(bad)
