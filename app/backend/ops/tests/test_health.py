import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

import config.urls

BACKEND = Path(__file__).resolve().parents[2]


@api_view(["GET"])
@permission_classes([AllowAny])
def explode(request):
    raise RuntimeError("secret internals: DATABASE_PASSWORD=hunter2")


def boom_plain(request):
    raise RuntimeError("secret internals: DATABASE_PASSWORD=hunter2")


urlpatterns = [
    path("api/explode", explode),
    path("plain-explode", boom_plain),
    *config.urls.urlpatterns,
]
handler404 = config.urls.handler404
handler500 = config.urls.handler500


def test_healthz_needs_no_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_ready_when_migrated(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


@pytest.mark.django_db
def test_metrics_are_prometheus_text(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_view_transport_method_total" in response.content


def test_unknown_route_is_json_404_never_a_debug_page(client, settings):
    assert settings.DEBUG is False
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert b"urlpatterns" not in response.content


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/api/explode", "/plain-explode"])
def test_server_error_never_shows_a_debug_page(url):
    """Seed flaw: DEBUG=True showed tracebacks and settings to anyone."""
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert b"hunter2" not in response.content
    assert b"Traceback" not in response.content


def test_probes_answer_any_host_but_the_api_checks_it(client):
    """Load balancers and Prometheus call the container by IP, not by its public name."""
    assert client.get("/healthz", HTTP_HOST="10.20.30.40:8000").status_code == 200
    assert client.get("/metrics", HTTP_HOST="10.20.30.40:8000").status_code == 200
    assert client.get("/api/config", HTTP_HOST="10.20.30.40:8000").status_code == 400


def test_security_headers_are_sent(client):
    response = client.get("/api/config")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def run_settings(env):
    """Import the production settings in a fresh interpreter with exactly `env`."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=BACKEND,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_secret_key():
    """Seed flaw: a hard-coded SECRET_KEY and DEBUG=True."""
    result = run_settings({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_settings({"DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_unknown_payment_gateway_is_refused():
    result = run_settings({"DJANGO_SECRET_KEY": "x" * 50, "PAYMENT_GATEWAY": "paypal"})
    assert "PAYMENT_GATEWAY='paypal' is not supported" in result.stderr
