"""The storefront's nginx accepts the cluster's backend.conf, as the pod runs it: non-root,
read-only root filesystem, only /tmp writable (nginx -t in the image's nginx base)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import pytest
from conftest import KUBERNETES, REPO

NGINX = REPO / "app" / "frontend" / "nginx"
# The lab's nginx base image (`make images`), which the storefront image is built on.
NGINX_IMAGE = os.environ.get("NGINX_IMAGE", "ecomops/nginx")


@pytest.mark.parametrize(
    "backend_conf",
    [NGINX / "backend.conf", KUBERNETES / "base" / "nginx-backend.conf"],
    ids=["docker", "kubernetes"],
)
def test_nginx_accepts_the_backend_conf_read_only_and_unprivileged(backend_conf):
    docker = shutil.which("docker")
    assert docker, "no docker: run `make setup`"
    # Every include the image copies to /etc/nginx/storefront/, then the backend.conf tried.
    mounts = {
        NGINX / "nginx.conf": "/etc/nginx/nginx.conf",
        **{
            part: f"/etc/nginx/storefront/{part.name}"
            for part in NGINX.glob("*.conf")
            if part.name not in {"nginx.conf", "backend.conf"}
        },
        backend_conf: "/etc/nginx/storefront/backend.conf",
    }
    volumes = [arg for src, dst in mounts.items() for arg in ("-v", f"{src}:{dst}:ro")]
    done = subprocess.run(
        [docker, "run", "--rm", "--name", f"ecomops-test-kubernetes-{uuid.uuid4().hex[:8]}",
         "--user", "10001:10001", "--read-only", "--tmpfs", "/tmp",
         "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
         # The cluster's DNS Service, which nginx resolves once at start.
         "--add-host", "kube-dns.kube-system.svc.cluster.local:127.0.0.1",
         *volumes, "--entrypoint", "/usr/sbin/nginx", NGINX_IMAGE, "-e", "stderr", "-t"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


def test_a_dns_server_that_does_not_resolve_is_refused_at_start(tmp_path):
    broken = tmp_path / "backend.conf"
    broken.write_text("resolver kube-dns.nowhere.invalid;\nset $backend http://b:8000;\n")
    with pytest.raises(AssertionError, match="host not found in resolver"):
        test_nginx_accepts_the_backend_conf_read_only_and_unprivileged(broken)
