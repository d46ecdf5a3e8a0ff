"""Check 0: the deployed shop scores checkouts from its first order (the deploy activated a
fraud model) and an anomalous transaction raises the seed's alert: a dashboard badge, a
flagged row and a `Fraud alert` log line.

Checkouts are scored by the fraud API (container ecommerce-fraud-api on every app server):
with it stopped on one server, that server's checkouts still succeed and are flagged for
review; started again, it scores them again.

Check 0 runs first, before check 2's browser suite places orders: right after `make lab`,
the first checkout takes the scored count from 0 to 1.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import secrets
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from conftest import make_staff_account
from ecomops.waiting import wait_for
from ecomops_lab.deploys import ECOMOPS, lab_environ
from ecomops_lab.probe import REPO, LabView

pytestmark = pytest.mark.e2e


class Browser:
    """Cookies and JSON through the load balancer, as a shopper's or staff's browser."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.token = ""

    def request(
        self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        # The load balancer's http URL on loopback, never a file: URL.
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def api(self, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps(body).encode() if body is not None else None
        status, raw = self.request(f"/api{path}", data, headers)
        return status, json.loads(raw) if raw else None

    def admin_login(self, email: str, password: str) -> None:
        status, page = self.request("/admin/login/")
        assert status == 200, page[:300]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "the admin login form carries a CSRF token"
        form = {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": email,
            "password": password,
            "next": "/admin/",
        }
        self.request("/admin/login/", urllib.parse.urlencode(form).encode())
        assert any(c.name == "sessionid" for c in self.cookies), "staff logged into the admin"

    def admin_page(self, path: str) -> str:
        status, page = self.request(path)
        assert status == 200, f"{path}: {status} {page[:300]!r}"
        return page.decode()


def _scored(dashboard: str) -> int:
    found = re.search(r'id="fraud-scored"[^>]*>(\d+)<', dashboard)
    assert found, "the fraud dashboard shows how many transactions were scored"
    return int(found.group(1))


def _shopper(base: str) -> Browser:
    shopper = Browser(base)
    email, password = f"e2e-fraud-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(16)
    status, body = shopper.api(
        "/auth/register",
        {"email": email, "password": password, "first_name": "Fran", "last_name": "Tester"},
    )
    assert status == 201, body
    status, body = shopper.api("/auth/token", {"email": email, "password": password})
    assert status == 200, body
    shopper.token = body["access"]
    return shopper


def _checkout(shopper: Browser, product_id: int, exp_year: int, zip_code: str) -> dict[str, Any]:
    """One paid order on a new card billed to Texas: `exp_year` and `zip_code` vary."""
    card = {"exp_month": 12, "exp_year": exp_year, "address_city": "Austin",
            "address_country": "US", "address_state": "Texas", "address_zip": zip_code}  # fmt: skip
    status, address = shopper.api(
        "/addresses",
        {"name": "Fran Tester", "phone_number": "5125550100", "line1": "1 Main St",
         "city": "Austin", "state": "Texas", "postal_code": "73301", "country": "US"},
    )  # fmt: skip
    assert status == 201, address
    status, saved = shopper.api(
        "/cards", {"number": "4242424242424242", "name_on_card": "Fran Tester", **card}
    )
    assert status == 201, saved
    status, order = shopper.api(
        "/checkout",
        {"items": [{"product_id": product_id, "quantity": 1}],
         "address_id": address["id"], "card_id": saved["id"]},
    )  # fmt: skip
    assert status == 201, order
    return order


@pytest.fixture(scope="module")
def staff(view: LabView, first_app: str, admin_url: str) -> Browser:
    browser = Browser(admin_url)
    browser.admin_login(*make_staff_account(view, first_app))
    return browser


@pytest.fixture(scope="module")
def product_id(view: LabView) -> int:
    status, body = Browser(view.lb_url).api("/products")
    assert status == 200, body
    items = body["results"] if isinstance(body, dict) else body
    in_stock = [p for p in items if p.get("stock", 0) > 2]
    assert in_stock, "the demo catalogue has a product in stock"
    return int(in_stock[0]["id"])


def test_the_first_checkout_through_the_lb_is_scored(
    view: LabView, staff: Browser, product_id: int
) -> None:
    dashboard = staff.admin_page("/admin/fraud/")
    assert 'id="fraud-active-model"' in dashboard, "the deploy activated a fraud model"
    assert "synthetic (deploy bootstrap)" in dashboard
    before = _scored(dashboard)
    order = _checkout(_shopper(view.lb_url), product_id, exp_year=2029, zip_code="75001")
    assert order["status"] == "paid", order
    # Scoring runs inside the checkout request: the count is up once the order exists.
    assert _scored(staff.admin_page("/admin/fraud/")) == before + 1
    page = staff.admin_page(f"/admin/orders/order/{order['id']}/change/")
    assert re.search(r"\d\.\d{4} \(threshold \d+\.\d{4}, model v\d+\)", page), (
        "the order's admin page shows its fraud score"
    )


def test_an_anomalous_transaction_is_flagged_and_raises_the_alert(
    view: LabView, staff: Browser, product_id: int
) -> None:
    # Far outside what the model learned: a card valid for 74 more years, billed to a
    # ZIP code of another state (995xx is Alaska's) than the card's Texas address.
    order = _checkout(_shopper(view.lb_url), product_id, exp_year=2100, zip_code="99501")
    page = staff.admin_page(f"/admin/orders/order/{order['id']}/change/")
    assert re.search(r"\(threshold \d+\.\d{4}, model v\d+\): anomaly", page), (
        "the anomalous order is flagged"
    )
    dashboard = staff.admin_page("/admin/fraud/")
    assert 'id="fraud-alert-badge"' in dashboard, "the dashboard shows the new alert"
    flagged = dashboard.split('id="fraud-flagged"')[1].split("</table>")[0]
    assert f"order</span>{order['id']}</td>" in flagged, "the order is in the flagged table"
    # The alert's log line, on whichever app server took the checkout.
    hosts = [a["name"] for a in view.app_servers]

    def alert_logged() -> bool:
        for host in hosts:
            logs = view.ssh(host, "sudo docker logs --since 10m ecommerce-backend 2>&1").stdout
            if any("Fraud alert" in line and f'"order_id": {order["id"]}' in line
                   for line in logs.splitlines()):  # fmt: skip
                return True
        return False

    wait_for(f"a Fraud alert log line for order {order['id']}", alert_logged, 60, 2)


def test_the_deploy_keeps_the_active_model_and_status_reports_it(
    view: LabView, first_app: str
) -> None:
    # What the role runs on every deploy of a new release: with a model active, nothing.
    command = "sudo docker exec ecommerce-backend python manage.py fraud_bootstrap"
    again = view.ssh(first_app, command, timeout=300)
    assert "a model is already active, nothing trained" in again.stdout, again.stdout
    status = subprocess.run(
        [str(ECOMOPS), "status", "--checks", "fraud", "--json",
         "--junit", str(REPO / "reports" / "e2e-status-fraud.xml")],
        cwd=REPO, env=lab_environ(view), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert status.returncode == 0, status.stdout + status.stderr[-2000:]
    [check] = json.loads(status.stdout)["checks"]
    assert check["kind"] == "fraud_model" and check["healthy"], check
    assert "trained on synthetic (deploy bootstrap)" in check["detail"], check
    assert "held-out ROC-AUC 0.9" in check["detail"], check


SCORED_ROWS = re.compile(r'^fraud_api_rows_scored_total\{result="scored"\} (\S+)$', re.MULTILINE)
SCORED_PAGE = re.compile(r"\d\.\d{4} \(threshold \d+\.\d{4}, model v\d+\)")


def _fraud_api(view: LabView, host: str, path: str) -> str:
    """GET on the fraud API of `host`, from the host itself (its port is the scrapers')."""
    return view.ssh(
        host, f"curl -sS -o - -w '\\n%{{http_code}}' http://localhost:8001{path}"
    ).stdout


def _scored_rows(view: LabView, host: str) -> float:
    found = SCORED_ROWS.search(_fraud_api(view, host, "/metrics"))
    return float(found.group(1)) if found else 0.0


def test_every_app_server_runs_the_fraud_api_with_the_active_model(view: LabView) -> None:
    for app in view.app_servers:
        name = app["name"]
        state = view.ssh(
            name, "sudo docker inspect -f '{{.State.Health.Status}}' ecommerce-fraud-api"
        ).stdout.strip()
        assert state == "healthy", f"{name}: ecommerce-fraud-api is {state}"
        body, _, status = _fraud_api(view, name, "/readyz").rpartition("\n")
        assert status == "200", f"{name}: /readyz {status} {body}"
        assert json.loads(body)["feature_set"] == "signals", body


def test_checkout_on_a_server_is_scored_by_its_fraud_api(
    view: LabView, first_app: str, admin_url: str, staff: Browser, product_id: int
) -> None:
    # admin_url is a tunnel to the first app server's backend: the checkout happens there.
    before = _scored_rows(view, first_app)
    order = _checkout(_shopper(admin_url), product_id, exp_year=2029, zip_code="75001")
    assert order["status"] == "paid", order
    assert _scored_rows(view, first_app) == before + 1, "the fraud API scored the checkout"
    page = staff.admin_page(f"/admin/orders/order/{order['id']}/change/")
    assert SCORED_PAGE.search(page), "the order keeps the service's score"


def test_a_stopped_fraud_api_lets_checkouts_through_flagged_then_scores_again(
    view: LabView, first_app: str, admin_url: str, staff: Browser, product_id: int
) -> None:
    view.ssh(first_app, "sudo docker stop ecommerce-fraud-api", timeout=60)
    try:
        order = _checkout(_shopper(admin_url), product_id, exp_year=2029, zip_code="75001")
        assert order["status"] == "paid", order
        page = staff.admin_page(f"/admin/orders/order/{order['id']}/change/")
        assert "not scored (the fraud API did not answer): flagged for review" in page
        dashboard = staff.admin_page("/admin/fraud/")
        flagged = dashboard.split('id="fraud-flagged"')[1].split("</table>")[0]
        assert f"order</span>{order['id']}</td>" in flagged, "the order waits for review"
    finally:
        view.ssh(first_app, "sudo docker start ecommerce-fraud-api", timeout=60)
    wait_for(
        f"the fraud API on {first_app} ready again (/readyz 200)",
        lambda: _fraud_api(view, first_app, "/readyz").endswith("\n200"),
        60,
        1,
    )
    order = _checkout(_shopper(admin_url), product_id, exp_year=2029, zip_code="75001")
    page = staff.admin_page(f"/admin/orders/order/{order['id']}/change/")
    assert SCORED_PAGE.search(page), "scored by the fraud API again"
