"""The fraud API image (app/Dockerfile.fraud-api) against the real PostgreSQL cluster.

Runs when FRAUD_API_IMAGE names a built image (`make test-fraud` builds it and sets it).
"""

import json
import os
import urllib.request

import pytest

from fraud.tests.test_api import NORMAL
from ops.tests.test_image import docker, get, running, wait_for

IMAGE = os.environ.get("FRAUD_API_IMAGE", "")

pytestmark = [
    pytest.mark.image,
    pytest.mark.skipif(
        not IMAGE, reason="set FRAUD_API_IMAGE=ecommerce-fraud-api:TAG (make test-fraud)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def fraud_container(pg_cluster):
    from django.db import connection

    with running(
        IMAGE, "image-fraud-api", pg_cluster, connection.settings_dict["NAME"], 8001,
        "--read-only", "--env", "FRAUD_API_RELOAD_SECONDS=0.5",
    ) as started:  # fmt: skip
        yield started


def test_image_serves_the_active_models_read_only_as_non_root(
    fraud_container, active_model, active_classifier
):
    from fraud.registry import active_classifier as loaded_classifier
    from fraud.registry import active_detector

    name, base = fraud_container
    wait_for(lambda: get(f"{base}/readyz")[0] == 200, 60, "/readyz 200", name)
    ready = json.loads(get(f"{base}/readyz")[1])
    assert ready["model_version"] == active_model.version
    assert ready["logistic_version"] == active_classifier.version
    request = urllib.request.Request(  # noqa: S310 - http to our own container
        f"{base}/score", data=json.dumps({"features": NORMAL}).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        answer = json.loads(response.read())
    _, detector = active_detector()
    _, classifier = loaded_classifier()
    assert answer["score"] == pytest.approx(float(detector.errors([NORMAL])[0]), rel=1e-9)
    expected = float(classifier.probabilities([NORMAL])[0])
    assert answer["fraud_probability"] == pytest.approx(expected, rel=1e-9)
    wait_for(
        lambda: docker("inspect", "-f", "{{.State.Health.Status}}", name).stdout.strip()
        == "healthy",
        60, "Docker's HEALTHCHECK healthy", name,
    )  # fmt: skip
    assert docker("exec", name, "id", "-u").stdout.strip() == "10001"
    missing = docker(
        "exec", name, "python", "-c",
        "import importlib.util as u; print([m for m in ('django', 'torch', 'sklearn') "
        "if u.find_spec(m)])",
    ).stdout.strip()  # fmt: skip
    assert missing == "[]"
