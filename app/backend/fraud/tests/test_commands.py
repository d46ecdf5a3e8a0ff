"""Management commands: train, list/activate/rollback, score a CSV."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fraud.models import ClassifierVersion, ModelVersion

pytestmark = pytest.mark.django_db

SEED_HEADER = "id,user_id,card_number,exp_month,exp_year,address_state,address_zip\n"


def _seed_csv(path: Path, n: int = 60) -> Path:
    lines = [
        f"{i},{i},{4000000000000000 + i * 7919},{1 + i % 12},{2026 + i % 6},"
        f"{['Ohio', 'Texas', 'Utah'][i % 3]},{10000 + i * 37}\n"
        for i in range(n)
    ]
    path.write_text(SEED_HEADER + "".join(lines))
    return path


def test_train_synthetic_registers_an_active_signals_model():
    out = io.StringIO()
    call_command("fraud_train", "--synthetic", "--epochs", "3", stdout=out)
    assert "model v1 (signals)" in out.getvalue() and "active" in out.getvalue()
    assert ModelVersion.objects.get().feature_set == "signals"


def test_train_seed_csv_without_activation_keeps_the_current_model(tmp_path, active_model):
    call_command(
        "fraud_train",
        "--csv",
        str(_seed_csv(tmp_path / "s.csv")),
        "--feature-set",
        "seed",
        "--epochs",
        "2",
        "--no-activate",
        stdout=io.StringIO(),
    )
    assert ModelVersion.objects.get(is_active=True) == active_model
    assert ModelVersion.objects.get(version=2).feature_set == "seed"


def test_train_with_a_bad_file_fails_clearly_and_changes_nothing(tmp_path, active_model):
    bad = tmp_path / "bad.csv"
    bad.write_text("colour\nred\n")
    with pytest.raises(CommandError, match=r"wrong columns.*active model is unchanged"):
        call_command("fraud_train", "--csv", str(bad), "--feature-set", "seed")
    assert ModelVersion.objects.count() == 1


def test_models_command_activates_and_rolls_back(register_model):
    register_model()
    register_model()
    out = io.StringIO()
    call_command("fraud_models", "--rollback", stdout=out)
    assert "* v1" in out.getvalue()
    call_command("fraud_models", "--activate", "2", stdout=io.StringIO())
    assert ModelVersion.objects.get(is_active=True).version == 2
    with pytest.raises(CommandError, match="no model v7"):
        call_command("fraud_models", "--activate", "7")


def test_models_command_manages_the_logistic_regression_by_kind(active_model, register_classifier):
    register_classifier()
    register_classifier()
    out = io.StringIO()
    call_command("fraud_models", "--kind", "logistic", "--rollback", stdout=out)
    assert "* v1" in out.getvalue() and "  v2" in out.getvalue()
    assert ClassifierVersion.objects.get(is_active=True).version == 1
    assert ModelVersion.objects.get(is_active=True) == active_model
    call_command("fraud_models", "--kind", "logistic", "--activate", "2", stdout=io.StringIO())
    out = io.StringIO()
    call_command("fraud_models", "--kind", "logistic", "--json", stdout=out)
    assert json.loads(out.getvalue())["version"] == 2
    with pytest.raises(CommandError, match="no logistic regression v7"):
        call_command("fraud_models", "--kind", "logistic", "--activate", "7")


def test_score_csv_adds_score_columns(tmp_path):
    data = _seed_csv(tmp_path / "s.csv", 80)
    call_command(
        "fraud_train",
        "--csv",
        str(data),
        "--feature-set",
        "seed",
        "--epochs",
        "2",
        stdout=io.StringIO(),
    )
    out = tmp_path / "scored.csv"
    err = io.StringIO()
    call_command("fraud_score_csv", str(data), "--out", str(out), stderr=err)
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 80 and all(float(r["score"]) >= 0 for r in rows)
    assert sum(r["is_anomaly"] == "True" for r in rows) >= 1
    assert "scored 80/80 rows with model v1" in err.getvalue()
