"""Check 2: through the LB the storefront loads, the API answers, the browser suite passes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from conftest import make_staff_account
from ecomops_lab.probe import REPO, LabView, http_get

pytestmark = pytest.mark.e2e


def test_the_storefront_and_health_endpoints_answer_through_the_lb(view: LabView) -> None:
    status, body = http_get(f"{view.lb_url}/")
    assert status == 200
    assert b'<div id="root"' in body
    for path in ("/healthz", "/readyz"):
        assert http_get(f"{view.lb_url}{path}")[0] == 200, path


def test_the_product_api_answers_through_the_lb(view: LabView) -> None:
    status, body = http_get(f"{view.lb_url}/api/products")
    assert status == 200, body[:300]
    doc = json.loads(body)
    items = doc["results"] if isinstance(doc, dict) else doc
    assert isinstance(items, list)
    assert items, "no products: the deploy seeds the demo catalogue"


def test_the_admin_is_not_served_through_the_lb(view: LabView) -> None:
    assert http_get(f"{view.lb_url}/admin/login/")[0] == 404


def test_the_browser_suite_passes_against_the_lab(
    view: LabView, first_app: str, admin_url: str
) -> None:
    frontend = REPO / "app" / "frontend"
    assert (frontend / "e2e" / "run.js").exists(), "the frontend's browser suite is missing"
    node = shutil.which("node")
    assert node, "node is not installed on the control node: run 'make setup'"
    email, password = make_staff_account(view, first_app)
    env = dict(os.environ, BASE_URL=view.lb_url, E2E_ADMIN_URL=admin_url,
               E2E_ADMIN_EMAIL=email, E2E_ADMIN_PASSWORD=password)  # fmt: skip
    for secret in view.env:
        env.pop(secret, None)
    run = subprocess.run(
        [node, "e2e/run.js"], cwd=frontend, env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
