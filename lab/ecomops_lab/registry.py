"""Pushing the application images to the lab registry, as CI pushes them to ECR."""

from __future__ import annotations

import base64
import http.client
import io
import json
import ssl
import tarfile
from collections.abc import Mapping
from pathlib import Path

import docker
from docker.errors import ImageNotFound

from ecomops_lab.engine import LabError

APP_IMAGES = ("ecommerce-backend", "ecommerce-fraud-api", "ecommerce-frontend")


def derive_release(
    base_tag: str,
    new_tag: str,
    backend_files: Mapping[str, str] | None = None,
    backend_env: Mapping[str, str] | None = None,
) -> None:
    """A genuinely new release (new image IDs) of every app image, as a new commit would
    build, from `base_tag`; the backend may get extra files in /app and environment."""
    dc = docker.from_env(timeout=600)
    for name in APP_IMAGES:
        extra = (backend_files or {}) if name == "ecommerce-backend" else {}
        env = (backend_env or {}) if name == "ecommerce-backend" else {}
        lines = [f"FROM {name}:{base_tag}", f"LABEL org.ecomops.e2e.release={new_tag}"]
        lines += [f"COPY {file} /app/{file}" for file in extra]
        lines += [f"ENV {key}={value}" for key, value in env.items()]
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            for file, text in {"Dockerfile": "\n".join(lines) + "\n", **extra}.items():
                data = text.encode()
                info = tarfile.TarInfo(file)
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
        buf.seek(0)
        dc.images.build(fileobj=buf, custom_context=True, tag=f"{name}:{new_tag}", rm=True)


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
