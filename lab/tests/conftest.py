"""End-to-end tests against the running lab (`make test-e2e` brings it up first)."""

from __future__ import annotations

import os
import subprocess

import pytest
from ecomops_lab.probe import LabView


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: needs the lab up and deployed (make lab)")


@pytest.fixture(scope="session")
def view() -> LabView:
    return LabView.load()


@pytest.fixture(scope="session")
def image_tag() -> str:
    tag = os.environ.get("ECOMOPS_IMAGE_TAG") or os.environ.get("IMAGE_TAG")
    assert tag, "set IMAGE_TAG (make test-e2e does)"
    return tag


@pytest.fixture(scope="session")
def first_app(view: LabView) -> str:
    return str(view.app_servers[0]["name"])


def sudo_docker(view: LabView, host: str, args: str, **kwargs: object) -> str:
    return view.ssh(host, f"sudo docker {args}", **kwargs).stdout  # type: ignore[arg-type]


def django_shell(view: LabView, host: str, script: str) -> str:
    """Runs a Python script in the backend's `manage.py shell` on `host`; returns its output.

    Sent on stdin: nothing in the script (passwords) appears on a command line of the host.
    """
    run = subprocess.run(
        ["ssh", "-F", str(view.lab.ssh_config), host,
         "sudo docker exec -i ecommerce-backend python manage.py shell"],
        input=script, text=True, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return run.stdout
