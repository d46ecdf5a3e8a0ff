"""End-to-end tests against the running lab (`make test-e2e` brings it up first)."""

from __future__ import annotations

import os

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
