"""What a user of the docker role relies on, checked on the Molecule host."""

import json
import subprocess

import pytest
from ecomops.waiting import wait_for

HOST = "molecule-docker"
# Any lab image does: it only has to run `python3 -m http.server` inside the host.
PROBE_IMAGE = "ecomops/trixie-minbase:latest"


@pytest.fixture(scope="module")
def probe_image(host):
    """Load a probe image into the inner engine (no registry is reachable)."""
    save = subprocess.Popen(["docker", "save", PROBE_IMAGE], stdout=subprocess.PIPE)
    subprocess.run(
        ["docker", "exec", "-i", HOST, "docker", "load"],
        stdin=save.stdout,
        check=True,
        capture_output=True,
    )
    assert save.wait() == 0
    return PROBE_IMAGE


def test_docker_service_is_running_and_enabled(host):
    docker = host.service("docker")
    assert docker.is_running
    assert docker.is_enabled


def test_compose_v2_plugin_answers(host):
    out = host.check_output("docker compose version --short")
    assert out.split(".")[0].lstrip("v") == "2"


def test_daemon_json_is_what_the_inventory_asked_for(host):
    daemon = host.file("/etc/docker/daemon.json")
    assert daemon.user == "root"
    assert daemon.mode == 0o644
    options = json.loads(daemon.content_string)
    assert options["log-opts"] == {"max-size": "5m", "max-file": "2"}
    info = json.loads(host.check_output("docker info --format '{{json .}}'"))
    assert info["LiveRestoreEnabled"] is True
    assert info["LoggingDriver"] == "json-file"


def test_dockerd_runs_with_the_drop_in_environment(host):
    env = host.check_output("systemctl show docker --property=Environment")
    assert "DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1" in env


def test_registry_ca_is_trusted_for_that_registry_only(host):
    ca = host.file("/etc/docker/certs.d/registry.molecule.test:5000/ca.crt")
    assert ca.is_file
    assert ca.mode == 0o644
    assert ca.content_string.startswith("-----BEGIN CERTIFICATE-----")


def test_operator_uses_docker_without_sudo(host):
    assert "docker" in host.user("ops").groups
    cmd = host.run("runuser -u ops -- docker ps --format '{{.ID}}'")
    assert cmd.rc == 0, cmd.stderr


def test_inner_engine_serves_a_published_port(host, probe_image):
    name = "molecule-probe"
    host.run(f"docker rm -f {name}")
    host.check_output(
        f"docker run -d --name {name} -p 127.0.0.1:18080:8080 {probe_image} "
        "python3 -m http.server 8080"
    )
    try:
        wait_for(
            f"the probe container answering on 127.0.0.1:18080 (docker logs {name})",
            lambda: host.run("curl -fsS -o /dev/null http://127.0.0.1:18080/").rc == 0,
            60,
            0.5,
        )
    finally:
        host.run(f"docker rm -f {name}")
