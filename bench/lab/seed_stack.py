"""The seed's serving stack on the lab's app hosts, for P4's comparison.

The seed served the API with Django's `runserver` and the storefront with the
React dev server proxying to it. Here: the same backend image started with
`manage.py runserver`, behind Vite's dev server (the frontend's own sources,
proxying the backend's paths as nginx does), on the same hosts and ports and
behind the same load balancer. Our containers are stopped meanwhile and
started again afterwards.
"""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager

import docker
from ecomops.waiting import wait_for
from ecomops_lab import registry
from ecomops_lab.probe import LabView

from .common import REPO

IMAGE = "ecommerce-frontend-seeddev"
FRONTEND_FILES = (
    "package.json",
    "package-lock.json",
    "index.html",
    "vite.config.js",
    "src",
    "public",
)
DOCKERFILE = """\
FROM ecomops/node
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
EXPOSE 3000
CMD ["npx", "vite", "--host", "0.0.0.0", "--port", "3000", "--strictPort"]
"""

START = r"""
set -eu
umask 077
registry=$1 user=$2 image=$3
docker login --username "$user" --password-stdin "$registry" >/dev/null
docker pull -q "$image" >/dev/null
docker logout "$registry" >/dev/null
docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' ecommerce-backend \
  | grep -v '^PATH=' > /root/seed-backend.env
backend=$(docker inspect -f '{{.Config.Image}}' ecommerce-backend)
docker stop ecommerce-frontend ecommerce-backend >/dev/null
docker network create seed-stack >/dev/null
# runserver is one process, as the seed's was: without the multiprocess metrics
# directory our entrypoint (bypassed here) makes for gunicorn's workers.
docker run -d --name seed-backend --network seed-stack --env-file /root/seed-backend.env \
  -p 8000:8000 --entrypoint env "$backend" -u PROMETHEUS_MULTIPROC_DIR \
  python manage.py runserver 0.0.0.0:8000 >/dev/null
docker run -d --name seed-frontend --network seed-stack -p 3000:3000 \
  -e BACKEND_URL=http://seed-backend:8000 "$image" >/dev/null
"""

STOP = r"""
docker rm -f seed-frontend seed-backend >/dev/null 2>&1 || true
docker network rm seed-stack >/dev/null 2>&1 || true
rm -f /root/seed-backend.env
docker start ecommerce-backend ecommerce-frontend >/dev/null
"""


def build_image(tag: str) -> None:
    context = io.BytesIO()
    frontend = REPO / "app" / "frontend"
    with tarfile.open(fileobj=context, mode="w") as tar:
        for name in FRONTEND_FILES:
            if (frontend / name).exists():
                tar.add(frontend / name, arcname=name)
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(DOCKERFILE)
        tar.addfile(info, io.BytesIO(DOCKERFILE.encode()))
    context.seek(0)
    docker.from_env(timeout=900).images.build(
        fileobj=context, custom_context=True, tag=f"{IMAGE}:{tag}", rm=True
    )


def all_up(view: LabView) -> bool:
    return all(s["status"] == "UP" for s in view.backend_servers().values())


def on_apps(view: LabView, script: str, *args: str, stdin: str = "") -> None:
    """`script` as root on every app host; secrets only ever on its stdin."""
    command = " ".join(shlex.quote(a) for a in ("sudo", "bash", "-c", script, "seed", *args))
    for app in view.app_servers:
        subprocess.run(
            ["ssh", "-F", str(view.lab.ssh_config), app["name"], command],
            input=stdin, text=True, check=True, capture_output=True, timeout=600,
        )  # fmt: skip


@contextmanager
def deployed(view: LabView) -> Iterator[None]:
    tag = os.environ.get("ECOMOPS_IMAGE_TAG", "dev")
    build_image(tag)
    registry.push(
        view.env["LAB_REGISTRY_PUSH"],
        view.env["ECOMOPS_REGISTRY_USER"],
        view.env["ECOMOPS_REGISTRY_PASSWORD"],
        tag,
        (IMAGE,),
    )
    remote = f"{view.env['ECOMOPS_REGISTRY']}/{IMAGE}:{tag}"
    try:
        on_apps(
            view, START, view.env["ECOMOPS_REGISTRY"], view.env["ECOMOPS_REGISTRY_USER"], remote,
            stdin=view.env["ECOMOPS_REGISTRY_PASSWORD"] + "\n",
        )  # fmt: skip
        wait_for("the seed stack UP behind the LB", lambda: all_up(view), 180, 2)
        yield
    finally:
        on_apps(view, STOP)
        wait_for("our stack UP behind the LB again", lambda: all_up(view), 180, 2)
