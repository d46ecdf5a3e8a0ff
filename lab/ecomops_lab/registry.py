"""Pushing the application images to the lab registry, as CI pushes them to ECR."""

from __future__ import annotations

import base64
import http.client
import json
import ssl
from pathlib import Path

import docker
from docker.errors import ImageNotFound

from ecomops_lab.engine import LabError

APP_IMAGES = ("ecommerce-backend", "ecommerce-fraud-api", "ecommerce-frontend")


def push(
    push_address: str, user: str, password: str, tag: str, images: tuple[str, ...] = APP_IMAGES
) -> None:
    dc = docker.from_env(timeout=600)
    # Credentials stay in this process: nothing is written to ~/.docker/config.json.
    auth = {"username": user, "password": password}
    for name in images:
        try:
            image = dc.images.get(f"{name}:{tag}")
        except ImageNotFound as exc:
            raise LabError(
                f"image {name}:{tag} is missing: run 'make image-{name.removeprefix('ecommerce-')}'"
            ) from exc
        remote = f"{push_address}/{name}"
        image.tag(remote, tag)
        for line in dc.api.push(remote, tag, auth_config=auth, stream=True, decode=True):
            if "error" in line:
                raise LabError(f"push of {remote}:{tag} failed: {line['error']}")
        dc.api.remove_image(f"{remote}:{tag}", noprune=True)
        print(f"lab: pushed {name}:{tag} to the lab registry")


def tags(push_address: str, user: str, password: str, name: str, ca: Path) -> list[str]:
    """Tags the registry holds for `name`, over TLS checked against the lab CA."""
    host, port = push_address.split(":")
    ctx = ssl.create_default_context(cafile=str(ca))
    conn = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=10)
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    conn.request("GET", f"/v2/{name}/tags/list", headers={"Authorization": f"Basic {token}"})
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        return []
    return list(json.loads(body).get("tags") or [])
