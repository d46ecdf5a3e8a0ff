"""End-to-end tests against the running lab (`make test-e2e` brings it up first)."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
from collections.abc import Iterator

import pytest
from ecomops.waiting import wait_for
from ecomops_lab.probe import LabView, http_get


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: needs the lab up and deployed (make lab)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Checks run in the order of their numbers (10 after 9), as lab/README.md lists them:
    check 0 before any order exists, the disruptive ones last."""

    def number(item: pytest.Item) -> int:
        found = re.match(r"test_e2e_(\d+)_", item.path.name)
        return int(found.group(1)) if found else -1

    items.sort(key=number)


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


@pytest.fixture(scope="session")
def admin_url(view: LabView, first_app: str) -> Iterator[str]:
    """Django's admin as operators reach it: the public site answers /admin/ with 404, so
    an SSH tunnel through the bastion (ProxyJump) to the first app host's backend."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    tunnel = subprocess.Popen(
        ["ssh", "-F", str(view.lab.ssh_config), "-N", "-o", "ExitOnForwardFailure=yes",
         "-L", f"127.0.0.1:{port}:localhost:8000", first_app],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            f"the SSH tunnel to {first_app}'s backend answering on {url}",
            lambda: tunnel.poll() is None and http_get(f"{url}/healthz")[0] == 200,
            60,
        )
        yield url
    finally:
        tunnel.terminate()
        tunnel.wait(timeout=10)


def sudo_docker(view: LabView, host: str, args: str, **kwargs: object) -> str:
    return view.ssh(host, f"sudo docker {args}", **kwargs).stdout  # type: ignore[arg-type]


def make_staff_account(view: LabView, host: str) -> tuple[str, str]:
    """A new superuser of the deployed shop (e-mail, password), made on `host`'s backend."""
    email, password = f"e2e-staff-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(16)
    script = f"""
from django.contrib.auth import get_user_model
User = get_user_model()
user = User(**{{User.USERNAME_FIELD: {email!r}}})
if User.USERNAME_FIELD != "email":
    user.email = {email!r}
user.is_staff = user.is_superuser = True
user.set_password({password!r})
user.save()
"""
    view.django_shell(host, script)
    return email, password
