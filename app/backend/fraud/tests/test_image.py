"""Training and scoring inside the deployed backend image, against real PostgreSQL.

Reuses the backend's image fixture (its container migrates at start); runs when
BACKEND_IMAGE names a built image (`make test-fraud` builds it and sets it).
"""

import json
import urllib.request
import uuid

from ops.tests.test_image import IMAGE, container, docker, get, pytestmark, wait_for

__all__ = ["container", "pytestmark"]  # the fixture and the image marks apply here too

GIGABYTE = 1024**3


def _post(url: str, token: str, body: dict) -> dict:
    request = urllib.request.Request(  # noqa: S310 - http to our own container
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return json.loads(response.read())


def test_image_trains_activates_and_scores_in_the_container(container):
    name, base = container
    wait_for(lambda: get(f"{base}/readyz")[0] == 200, 90, "/readyz 200", name)
    trained = docker("exec", name, "python", "manage.py", "fraud_train", "--synthetic")
    assert "model v1 (signals)" in trained.stdout and "active" in trained.stdout
    assert "* v1" in docker("exec", name, "python", "manage.py", "fraud_models").stdout
    token = docker(
        "exec", name, "python", "manage.py", "shell", "-c",
        "from accounts.models import User;"
        "from rest_framework_simplejwt.tokens import RefreshToken;"
        "u = User.objects.create_superuser('fraud-image@example.com', 'Image-Pass-42');"
        "print(RefreshToken.for_user(u).access_token)",
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    features = dict.fromkeys(
        ("card_users", "zip_state_mismatch", "attempts_1h", "declines_24h", "amount_log_ratio"), 0
    )
    features.update(expiry_months=30, user_cards=1, log_amount=4.0)
    answer = _post(f"{base}/api/fraud/score", token, features)
    assert answer["model_version"] == 1 and answer["feature_set"] == "signals"
    assert isinstance(answer["is_anomaly"], bool) and answer["score"] >= 0


def test_numeric_stack_keeps_the_image_lean():
    size = int(docker("image", "inspect", "--format", "{{.Size}}", IMAGE).stdout)
    assert size < GIGABYTE, f"{IMAGE} is {size / GIGABYTE:.2f} GB"
    modules = docker(
        "run", "--rm", "--name", f"ecomops-test-fraud-{uuid.uuid4().hex[:8]}",
        "--entrypoint", "python", IMAGE, "-c",
        "import importlib.util as u; print([m for m in ('torch', 'tensorflow', 'sklearn') "
        "if u.find_spec(m)])",
    ).stdout.strip()  # fmt: skip
    assert modules == "[]"
