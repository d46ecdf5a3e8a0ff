"""The admin dashboard on /admin/fraud/: access, content, histogram, export, uploads."""

import csv
import io
import itertools
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fraud.ml.signals import signal_rows
from fraud.ml.synthetic import card_transactions
from fraud.models import ClassifierVersion, ModelVersion, TransactionScore

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def flagged_score(active_model, user):
    return TransactionScore.objects.create(
        user=user,
        model_version=active_model,
        score=9.5,
        threshold=active_model.threshold,
        is_anomaly=True,
        action="flagged",
        amount="120.00",
        succeeded=True,
        features={"card": "visa ****4242", "address_state": "Oregon", "address_zip": "=cmd()"},
    )


def _signals_csv(n_users: int = 40) -> bytes:
    rows = signal_rows(t.tx for t in card_transactions(n_users=n_users))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_dashboard_is_for_admins_only(make_user, active_model):
    anonymous = Client().get("/admin/fraud/")
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    staff_without_rights = Client()
    staff_without_rights.force_login(make_user("staff@example.com", is_staff=True))
    assert staff_without_rights.get("/admin/fraud/").status_code == 404
    assert (
        staff_without_rights.get("/admin/fraud/transactionscore/histogram.png").status_code == 403
    )
    customer = Client()
    customer.force_login(make_user("customer@example.com"))
    assert customer.get("/admin/fraud/transactionscore/export.csv").status_code == 302


def test_dashboard_shows_stats_badge_and_flagged_rows(admin_client, flagged_score):
    page = admin_client.get("/admin/fraud/").content.decode()
    assert 'id="fraud-dashboard"' in page
    assert 'id="fraud-alert-badge"' in page and "1 new alert" in page
    assert "visa ****4242" in page and "9.5000" in page
    flagged_score.acknowledged = True
    flagged_score.save()
    assert 'id="fraud-alert-badge"' not in admin_client.get("/admin/fraud/").content.decode()


def test_an_unscored_shop_says_so_instead_of_an_empty_chart(admin_client, active_model):
    page = admin_client.get("/admin/fraud/").content.decode()
    assert 'id="fraud-histogram-empty"' in page and "No transaction scored yet" in page
    assert 'id="fraud-histogram"' not in page
    # The admin index's 600 px "dashboard" column squeezed the tables (issue 21).
    assert 'class="app-fraud fraud-page"' in page and 'class="colM"' in page


def test_the_histogram_draws_round_ticks_and_the_threshold(admin_client, flagged_score, user):
    for score in (0.013, 0.021, 0.034, 0.055):
        TransactionScore.objects.create(
            user=user, score=score, threshold=flagged_score.threshold, is_anomaly=False
        )
    page = admin_client.get("/admin/fraud/").content.decode()
    start = page.index('id="fraud-histogram"')
    svg = page[start : page.index("</figure>", start)]
    x_axis = svg.split('class="tick-x"')[1].split("</div>")[0]
    x_labels = re.findall(r"<span[^>]*>([\d.]+)</span>", x_axis)
    assert x_labels and float(x_labels[-1]) >= 9.5  # the flagged score lies on the axis
    steps = {round(float(b) - float(a), 9) for a, b in itertools.pairwise(x_labels)}
    assert len(steps) == 1 and next(iter(steps)) in {1.0, 2.0, 5.0, 10.0}
    assert f"threshold {flagged_score.threshold:.4f}" in svg
    assert "5 scored transactions" in page


def test_the_active_model_shows_its_training_data(admin_client, active_model):
    page = admin_client.get("/admin/fraud/").content.decode()
    assert 'id="fraud-active-model"' in page
    assert f"v{active_model.version} (signals)" in page
    assert f"test, {active_model.report['rows_used']} rows" in page


def test_histogram_is_a_png(admin_client, flagged_score):
    response = admin_client.get("/admin/fraud/transactionscore/histogram.png")
    assert response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_csv_export_lists_anomalies_and_defuses_formulas(admin_client, flagged_score):
    response = admin_client.get("/admin/fraud/transactionscore/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["created_at", "order_id", "user_email"]
    assert rows[1][2] == "alice@example.com" and rows[1][5] == "9.500000"
    assert "'=cmd()" in rows[1]


def _upload(client, content: bytes, feature_set: str = "signals", name: str = "data.csv"):
    return client.post(
        "/admin/fraud/transactionscore/upload/",
        {
            "file": SimpleUploadedFile(name, content, "text/csv"),
            "feature_set": feature_set,
            "activate": "on",
        },
        follow=True,
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"colour,size\nred,3\n", "wrong columns"),
        (b"", "empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
    ],
)
def test_bad_uploads_are_refused_and_leave_the_model_alone(
    admin_client, active_model, content, message
):
    page = _upload(admin_client, content).content.decode()
    assert "Upload refused" in page and message in page
    assert list(ModelVersion.objects.values_list("version", "is_active")) == [(1, True)]


def test_oversized_upload_is_refused(admin_client, active_model, settings):
    settings.FRAUD_MAX_UPLOAD_BYTES = 100
    page = _upload(admin_client, _signals_csv()).content.decode()
    assert "the limit is 100" in page
    assert ModelVersion.objects.count() == 1


def test_good_upload_trains_activates_and_can_be_rolled_back(admin_client, active_model):
    page = _upload(admin_client, _signals_csv()).content.decode()
    assert "Trained model v2 and activated" in page
    assert ModelVersion.objects.get(is_active=True).source == "upload:data.csv"
    page = admin_client.post(
        "/admin/fraud/transactionscore/rollback/", follow=True
    ).content.decode()
    assert "model v1 is active" in page
    assert ModelVersion.objects.get(is_active=True).version == 1


def test_retrain_on_an_empty_shop_is_refused_clearly(admin_client, active_model):
    page = admin_client.post("/admin/fraud/transactionscore/retrain/", follow=True)
    assert "Not retrained, active model unchanged: only 0 usable rows" in page.content.decode()
    assert ModelVersion.objects.count() == 1


def test_the_dashboard_shows_the_logistic_regression_and_its_probabilities(
    admin_client, flagged_score, active_classifier
):
    page = admin_client.get("/admin/fraud/").content.decode()
    assert 'id="fraud-no-classifier"' not in page
    start = page.index('id="fraud-active-classifier"')
    facts = page[start : page.index("</table>", start)]
    assert f"v{active_classifier.version} (signals)" in facts
    roc_auc = active_classifier.report["validation"]["roc_auc"]
    assert f"ROC-AUC {roc_auc:.3f}" in facts
    assert "the autoencoder decides" in facts
    assert 'id="fraud-classifier-frauds" class="num">0 of 0<' in page
    flagged_score.classifier_version = active_classifier
    flagged_score.fraud_probability = 0.875
    flagged_score.save()
    page = admin_client.get("/admin/fraud/").content.decode()
    flagged = page[page.index('id="fraud-flagged"') :]
    assert "0.875" in flagged.split("</table>")[0]
    assert 'id="fraud-classifier-frauds" class="num">1 of 1<' in page


def test_a_shop_without_a_regression_says_how_to_get_one(admin_client, active_model):
    page = admin_client.get("/admin/fraud/").content.decode()
    assert 'id="fraud-no-classifier"' in page and "fraud_bootstrap" in page


def test_the_logistic_regression_rolls_back_on_its_own(
    admin_client, active_model, register_classifier
):
    register_classifier()
    register_classifier()
    page = admin_client.post(
        "/admin/fraud/transactionscore/rollback/", {"kind": "logistic"}, follow=True
    ).content.decode()
    assert "Rolled back: logistic regression v1 is active." in page
    assert ClassifierVersion.objects.get(is_active=True).version == 1
    assert ModelVersion.objects.get(is_active=True) == active_model
    page = admin_client.post(
        "/admin/fraud/transactionscore/rollback/", {"kind": "logistic"}, follow=True
    ).content.decode()
    assert "Logistic regression v1 is the oldest" in page  # the admin capitalises messages


def test_the_admin_activates_a_chosen_logistic_regression(admin_client, register_classifier):
    first = register_classifier()
    register_classifier()
    page = admin_client.post(
        "/admin/fraud/classifierversion/",
        {"action": "activate", "_selected_action": [first.pk]},
        follow=True,
    ).content.decode()
    assert "Logistic regression v1 is now active." in page
    assert ClassifierVersion.objects.get(is_active=True) == first


def test_the_export_carries_the_probability(admin_client, flagged_score, active_classifier):
    flagged_score.classifier_version = active_classifier
    flagged_score.fraud_probability = 0.25
    flagged_score.save()
    content = admin_client.get("/admin/fraud/transactionscore/export.csv").content.decode()
    row = next(csv.DictReader(io.StringIO(content)))
    assert row["fraud_probability"] == "0.250000" and row["classifier_version"] == "1"
