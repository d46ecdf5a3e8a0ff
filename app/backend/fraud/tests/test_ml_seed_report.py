"""`make fraud-report` on a small stand-in for the reference data, and its skip path."""

import csv
import json
import sqlite3

from fraud.ml import seed_report

COLUMNS = (
    "id",
    "card_id",
    "user_id",
    "card_number",
    "exp_month",
    "exp_year",
    "customer_id",
    "email",
    "address_city",
    "address_country",
    "address_state",
    "address_zip",
    "name_on_card",
)


def _row(i: int, user_offset: int = 0) -> tuple:
    state = ["Ohio", "Texas", "Utah", "Iowa"][i % 4]
    return (
        i,
        f"c{i}",
        i + user_offset,
        str(4000000000000000 + i * 7919),
        f"{1 + i % 12:02d}",
        str(2026 + i % 7),
        f"cus{i}",
        f"u{i}@example.com",
        "Town",
        "USA",
        state,
        str(10000 + i * 31),
        f"Name {i}",
    )


def test_report_writes_the_seed_table(tmp_path, capsys):
    ref = tmp_path / "ref"
    ref.mkdir()
    db = sqlite3.connect(ref / "seed_db.sqlite3")
    db.execute(f"CREATE TABLE account_stripemodel ({', '.join(COLUMNS)})")
    db.executemany(
        "INSERT INTO account_stripemodel VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_row(i) for i in range(150)],
    )
    db.commit()
    db.close()
    with (ref / "account_stripemodel_fraud_data.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(_row(i, user_offset=5000) for i in range(40))

    assert (
        seed_report.main(
            ["--reference-dir", str(ref), "--out", str(tmp_path / "out"), "--epochs", "3"]
        )
        == 0
    )
    table = json.loads((tmp_path / "out" / "seed_table.json").read_text())
    assert table["param_count"] == 570
    assert table["threshold"] > 0
    assert 0 < table["test_anomaly_share"] <= 0.1
    assert 0 <= table["new_anomaly_share"] <= 1
    assert table["user_id_range"]["new_outside_train_range"] == 1.0
    assert (tmp_path / "out" / "seed_test_errors.png").read_bytes()[:4] == b"\x89PNG"
    printed = capsys.readouterr().out
    assert "threshold                   2.0501" in printed


def test_report_skips_clearly_without_reference_data(tmp_path, capsys):
    assert seed_report.main(["--reference-dir", str(tmp_path), "--out", str(tmp_path)]) == 0
    assert "SKIPPED, reference data not found" in capsys.readouterr().out
    assert not (tmp_path / "seed_table.json").exists()
