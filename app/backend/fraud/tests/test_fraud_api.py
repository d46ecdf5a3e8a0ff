"""The fraud API (app/fraud-api) as a real gunicorn process on the test database, and checkout
scoring through it, including what happens when it is down or slow."""

import socket
import time
from collections.abc import Callable, Iterator

import pytest
from prometheus_client import REGISTRY

from fraud import services
from fraud.models import ClassifierVersion, TransactionScore
from fraud.registry import activate_version, rollback
from fraud.tests.test_api import NORMAL, ODD
from liveserver import LiveBackend, live_fraud_api
from orders.models import Order
from payments.models import Payment

# The service reads committed rows from another process: no test transaction around them.
pytestmark = pytest.mark.django_db(transaction=True)


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout}s for {what}")
        time.sleep(0.1)


def serving(api: LiveBackend, version: int, logistic: int | None = None) -> Callable[[], bool]:
    """The service answers ready with autoencoder `version` (and `logistic`, when given)."""

    def check() -> bool:
        answer = api.request("GET", "/readyz")
        if answer.status != 200 or answer.json()["model_version"] != version:
            return False
        return logistic is None or answer.json()["logistic_version"] == logistic

    return check


@pytest.fixture
def fraud_api(pg_cluster, tmp_path) -> Iterator[LiveBackend]:
    from django.db import connection

    with live_fraud_api(
        pg_cluster, connection.settings_dict["NAME"], tmp_path, FRAUD_API_RELOAD_SECONDS="0.2"
    ) as api:
        yield api


@pytest.fixture
def via_api(settings, fraud_api) -> LiveBackend:
    settings.FRAUD_API_URL = fraud_api.url
    settings.FRAUD_API_TIMEOUT = 2.0
    return fraud_api


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers: a fraud API that hangs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def buy(user_client, address, card, make_product):
    product = make_product(price="25.00", stock=100)

    def checkout():
        body = {
            "items": [{"product_id": product.pk, "quantity": 1}],
            "address_id": address.pk,
            "card_id": card.pk,
        }
        return user_client.post("/api/checkout", body, format="json")

    checkout.product = product
    return checkout


def test_scores_one_row_and_a_batch_as_the_backend_does(fraud_api, active_model):
    from fraud.registry import active_detector

    wait_until(serving(fraud_api, active_model.version), 10, "the service to load v1")
    _, detector = active_detector()
    one = fraud_api.request("POST", "/score", {"features": NORMAL})
    assert one.status == 200
    body = one.json()
    assert body["score"] == pytest.approx(float(detector.errors([NORMAL])[0]), rel=1e-12)
    assert body["is_anomaly"] is (body["score"] > detector.threshold)
    assert (body["model_version"], body["feature_set"]) == (active_model.version, "signals")
    odd = {**NORMAL, "declines_24h": 9, "card_users": 5, "amount_log_ratio": 3}
    batch = fraud_api.request("POST", "/score", {"rows": [NORMAL, odd, {"log_amount": 1}]})
    results = batch.json()["results"]
    expected = detector.errors([NORMAL, odd])
    assert [r["score"] for r in results[:2]] == pytest.approx(list(expected), rel=1e-12)
    assert results[2] == {
        "score": None,
        "is_anomaly": None,
        "fraud_probability": None,
        "is_fraud": None,
    }
    assert one.json()["logistic"] is None and body["fraud_probability"] is None


def test_refuses_what_it_cannot_score_and_says_what_to_send(fraud_api, active_model):
    wait_until(serving(fraud_api, active_model.version), 10, "the service to load v1")
    missing = fraud_api.request("POST", "/score", {"features": {"log_amount": 1}})
    assert missing.status == 400 and "expiry_months" in missing.json()["detail"]
    assert fraud_api.request("POST", "/score", raw=b"{not json").status == 400
    assert fraud_api.request("POST", "/score", {"row": NORMAL}).status == 400
    assert fraud_api.request("GET", "/score").status == 405
    assert fraud_api.request("GET", "/nowhere").status == 404
    metrics = fraud_api.request("GET", "/metrics").text
    assert 'fraud_api_requests_total{route="/score",status="400"} 3.0' in metrics
    assert f"fraud_api_model_version {float(active_model.version)}" in metrics


def test_not_ready_without_a_model_then_serves_the_first_one(fraud_api, register_model):
    assert fraud_api.request("GET", "/healthz").status == 200
    assert fraud_api.request("GET", "/readyz").status == 503
    unready = fraud_api.request("POST", "/score", {"features": NORMAL})
    assert unready.status == 503 and unready.json()["code"] == "no_model"
    register_model()
    wait_until(serving(fraud_api, 1), 10, "the service to load the first model")


def test_follows_activation_and_rollback(fraud_api, register_model):
    first = register_model()
    second = register_model()
    wait_until(serving(fraud_api, second.version), 10, "v2 after its activation")
    rollback()
    wait_until(serving(fraud_api, first.version), 10, "v1 after the rollback")
    activate_version(second)
    wait_until(serving(fraud_api, second.version), 10, "v2 activated again")


def test_checkout_is_scored_by_the_service(buy, via_api, register_model):
    version = register_model(threshold=-1.0)  # everything is anomalous: the flag must travel
    wait_until(serving(via_api, version.version), 10, "the service to load the model")
    response = buy()
    assert response.status_code == 201
    score = Order.objects.get(pk=response.json()["id"]).fraud_score
    assert score.model_version == version and score.threshold == -1.0
    assert score.is_anomaly and score.action == TransactionScore.Action.FLAGGED
    expected = via_api.request("POST", "/score", {"rows": [score.features]}).json()
    assert score.score == pytest.approx(expected["results"][0]["score"], rel=1e-12)


@pytest.mark.parametrize("policy", ["allow", "refuse"])
def test_without_an_active_model_checkouts_go_unscored_as_in_process(
    settings, buy, via_api, policy
):
    settings.FRAUD_API_UNAVAILABLE = policy
    response = buy()
    assert response.status_code == 201
    assert not TransactionScore.objects.exists()


def _unavailable() -> float:
    return (
        REGISTRY.get_sample_value(
            "fraud_scored_total", {"source": "checkout", "result": "unavailable"}
        )
        or 0.0
    )


@pytest.mark.parametrize("where", ["closed_port", "silent_port"])
def test_down_or_slow_service_lets_checkout_through_flagged_for_review(
    request, settings, buy, active_model, where
):
    settings.FRAUD_API_URL = f"http://127.0.0.1:{request.getfixturevalue(where)}"
    settings.FRAUD_API_TIMEOUT = 0.3
    before = _unavailable()
    response = buy()
    assert response.status_code == 201
    order = Order.objects.get(pk=response.json()["id"])
    assert order.status == Order.Status.PAID
    score = order.fraud_score
    assert score.action == TransactionScore.Action.REVIEW and score.score is None
    assert "127.0.0.1" in score.features["unscored_reason"]
    assert score in services.flagged()
    assert _unavailable() == before + 1
    assert services.summary()["scored"] == 0  # statistics count scores given, not this one


@pytest.mark.parametrize("where", ["closed_port", "silent_port"])
def test_refuse_policy_charges_nothing_while_the_service_is_down_or_slow(
    request, settings, buy, active_model, where
):
    settings.FRAUD_API_URL = f"http://127.0.0.1:{request.getfixturevalue(where)}"
    settings.FRAUD_API_TIMEOUT = 0.3
    settings.FRAUD_API_UNAVAILABLE = "refuse"
    response = buy()
    assert response.status_code == 503
    assert response.json()["code"] == "charge_refused"
    assert "nothing was charged" in response.json()["detail"]
    assert not Payment.objects.exists()
    assert Order.objects.get().status == Order.Status.CANCELLED
    buy.product.refresh_from_db()
    assert buy.product.stock == 100


def test_refuse_policy_charges_when_the_service_answers(settings, buy, via_api, active_model):
    settings.FRAUD_API_UNAVAILABLE = "refuse"
    wait_until(serving(via_api, active_model.version), 10, "the service to load the model")
    response = buy()
    assert response.status_code == 201
    assert Order.objects.get(pk=response.json()["id"]).fraud_score.model_version == active_model


def test_a_misspelt_policy_is_refused_with_the_choices(settings):
    from fraud import conf

    settings.FRAUD_API_UNAVAILABLE = "deny"
    with pytest.raises(ValueError, match="allow, refuse"):
        conf.fraud_api_unavailable()


def test_service_answers_json_the_backend_client_parses(via_api, active_model):
    from fraud import remote

    wait_until(serving(via_api, active_model.version), 10, "the service to load the model")
    remote.check_ready()
    answer = remote.score(NORMAL)
    assert (answer.model_version, answer.feature_set) == (active_model.version, "signals")
    assert answer.is_anomaly is (answer.score > answer.threshold)


def test_every_row_gets_both_models_answers(fraud_api, active_model, active_classifier):
    from fraud.registry import active_classifier as loaded_classifier
    from fraud.registry import active_detector

    wait_until(serving(fraud_api, 1, logistic=1), 10, "the service to load both models")
    _, detector = active_detector()
    _, classifier = loaded_classifier()
    one = fraud_api.request("POST", "/score", {"features": ODD}).json()
    assert one["logistic"] == {"model_version": 1, "threshold": classifier.threshold}
    assert one["score"] == pytest.approx(float(detector.errors([ODD])[0]), rel=1e-12)
    expected = float(classifier.probabilities([ODD])[0])
    assert one["fraud_probability"] == pytest.approx(expected, rel=1e-12)
    assert one["is_fraud"] is (expected >= classifier.threshold)
    batch = fraud_api.request("POST", "/score", {"rows": [NORMAL, ODD, {"log_amount": 1}]}).json()
    assert batch["logistic"] == one["logistic"]
    probabilities = [r["fraud_probability"] for r in batch["results"]]
    assert probabilities[:2] == pytest.approx(list(classifier.probabilities([NORMAL, ODD])))
    assert probabilities[2] is None and batch["results"][2]["is_fraud"] is None
    assert batch["results"][0]["is_fraud"] is False and batch["results"][1]["is_fraud"] is True
    metrics = fraud_api.request("GET", "/metrics").text
    assert "fraud_api_classifier_version 1.0" in metrics
    assert 'fraud_api_model_reloads_total{kind="logistic",result="loaded"} 1.0' in metrics


def test_follows_the_logistic_regressions_activation_and_rollback(
    fraud_api, active_model, register_classifier
):
    first = register_classifier(threshold=0.9)
    second = register_classifier(threshold=0.1)
    wait_until(serving(fraud_api, 1, logistic=2), 10, "regression v2 after its activation")
    answer = fraud_api.request("POST", "/score", {"features": NORMAL}).json()
    assert answer["logistic"] == {"model_version": 2, "threshold": 0.1}
    rollback(ClassifierVersion)
    wait_until(serving(fraud_api, 1, logistic=1), 10, "regression v1 after the rollback")
    answer = fraud_api.request("POST", "/score", {"features": NORMAL}).json()
    assert answer["logistic"] == {"model_version": first.version, "threshold": 0.9}
    activate_version(second)
    wait_until(serving(fraud_api, 1, logistic=2), 10, "regression v2 activated again")
    ClassifierVersion.objects.update(is_active=False)
    wait_until(
        lambda: fraud_api.request("GET", "/readyz").json()["logistic_version"] is None,
        10,
        "the service to drop the deactivated regression",
    )
    assert fraud_api.request("POST", "/score", {"features": NORMAL}).json()["logistic"] is None


def test_a_regression_alone_does_not_make_the_service_ready(fraud_api, active_classifier):
    wait_until(
        lambda: 'kind="logistic",result="loaded"' in fraud_api.request("GET", "/metrics").text,
        10,
        "the service to load the regression",
    )
    assert fraud_api.request("GET", "/readyz").status == 503  # the autoencoder decides
    answer = fraud_api.request("POST", "/score", {"features": NORMAL})
    assert answer.status == 503 and answer.json()["code"] == "no_model"


def test_checkout_through_the_service_records_the_probability(
    buy, via_api, register_model, register_classifier
):
    model = register_model(threshold=1e9)  # the autoencoder flags nothing
    classifier = register_classifier(threshold=0.0)  # the regression calls every row fraud
    wait_until(serving(via_api, model.version, classifier.version), 10, "both models served")
    response = buy()
    assert response.status_code == 201
    order = Order.objects.get(pk=response.json()["id"])
    score = order.fraud_score
    assert score.classifier_version == classifier and score.model_version == model
    answer = via_api.request("POST", "/score", {"rows": [score.features]}).json()
    expected = answer["results"][0]
    assert score.fraud_probability == pytest.approx(expected["fraud_probability"], rel=1e-12)
    assert expected["is_fraud"] is True
    assert not score.is_anomaly and order.status == Order.Status.PAID  # it does not decide


def test_a_missing_classifier_table_leaves_the_autoencoder_served(fraud_api, active_model):
    """A fraud API newer than the schema (the regression's migration not applied yet)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE fraud_classifierversion RENAME TO fraud_classifier_away")
    try:
        wait_until(
            lambda: 'kind="logistic",result="error"' in fraud_api.request("GET", "/metrics").text,
            10,
            "the service to report the regression's table as not checked",
        )
        assert serving(fraud_api, active_model.version)()
        answer = fraud_api.request("POST", "/score", {"features": NORMAL}).json()
        assert answer["logistic"] is None and answer["score"] is not None
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE fraud_classifier_away RENAME TO fraud_classifierversion")
