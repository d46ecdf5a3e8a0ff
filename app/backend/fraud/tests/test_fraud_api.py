"""The fraud API (app/fraud-api) as a real gunicorn process on the test database, and checkout
scoring through it, including what happens when it is down or slow."""

import socket
import time
from collections.abc import Callable, Iterator

import pytest
from prometheus_client import REGISTRY

from fraud import services
from fraud.models import TransactionScore
from fraud.registry import activate_version, rollback
from fraud.tests.test_api import NORMAL
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


def serving(api: LiveBackend, version: int) -> Callable[[], bool]:
    def check() -> bool:
        answer = api.request("GET", "/readyz")
        return answer.status == 200 and answer.json()["model_version"] == version

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
    assert results[2] == {"score": None, "is_anomaly": None}


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
