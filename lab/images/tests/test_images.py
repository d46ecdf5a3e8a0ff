"""The lab base images: built from their recipe once, and real hosts when run.

A container from `ecomops/host` must behave like a fresh cloud instance: systemd
boots to `running` with an explicit capability set (never --privileged) and
sshd accepts a key, with host keys of its own.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from ecomops.waiting import wait_for

ROOT = Path(__file__).resolve().parents[3]
BUILD = ROOT / "lab" / "images" / "build.sh"
SYSTEMD_FLAGS = [
    "--cap-add", "SYS_ADMIN",
    "--security-opt", "seccomp=unconfined",
    "--cgroupns=host",
    "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
    "--tmpfs", "/run", "--tmpfs", "/tmp",
]  # fmt: skip


def docker(*args: str, check: bool = True) -> str:
    return subprocess.run(
        ["docker", *args], check=check, capture_output=True, text=True
    ).stdout.strip()


def wait_for_boot(name: str, timeout: float = 120) -> str:
    """systemd's state once booted ("degraded" counts: some unit failed, the test says which)."""

    def booted() -> str:
        state = docker("exec", name, "systemctl", "is-system-running", check=False)
        return state if state in {"running", "degraded"} else ""

    return wait_for(f"systemd on {name} finishing its boot", booted, timeout, 0.5)


@pytest.fixture
def host() -> Iterator[str]:
    name = f"ecomops-test-boot-{uuid.uuid4().hex[:8]}"
    docker("run", "-d", "--name", name, *SYSTEMD_FLAGS, "ecomops/host")
    try:
        yield name
    finally:
        docker("rm", "-f", name, check=False)


def test_an_unchanged_recipe_rebuilds_nothing() -> None:
    out = subprocess.run([str(BUILD)], check=True, capture_output=True, text=True)
    log = out.stdout + out.stderr
    assert "building" not in log, log
    for image in ("trixie-minbase", "host", "python", "node", "nginx"):
        assert f"ecomops/{image} is up to date" in log


def test_a_failed_build_fails_the_run_and_nothing_is_built_on_it(tmp_path: Path) -> None:
    # A copy of the recipes with one image that cannot build and a child of it;
    # the same root recipe keeps the debootstrap root up to date.
    here = tmp_path / "images"
    here.mkdir()
    for name in ("build.sh", "minbase.packages"):
        (here / name).write_bytes((BUILD.parent / name).read_bytes())
    (here / "build.sh").chmod(0o755)
    tag = uuid.uuid4().hex[:8]
    broken, child = f"broken-{tag}", f"child-{tag}"
    (here / broken).mkdir()
    (here / broken / "Dockerfile").write_text("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN false\n")
    (here / child).mkdir()
    (here / child / "Dockerfile").write_text("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n")
    (here / child / "parent").write_text(broken)
    result = subprocess.run([str(here / "build.sh")], capture_output=True, text=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"docker build of ecomops/{broken} failed" in result.stderr
    assert f"building ecomops/{child}" not in result.stdout
    for name in (broken, child):
        assert docker("image", "inspect", f"ecomops/{name}", check=False) in ("", "[]")


def test_host_image_boots_systemd_without_privileged(host: str) -> None:
    state = wait_for_boot(host)
    failed = docker("exec", host, "systemctl", "--failed", "--no-legend", check=False)
    assert state == "running", f"systemd is {state!r}; failed units:\n{failed}"
    assert docker("inspect", "-f", "{{.HostConfig.Privileged}}", host) == "false"


def test_sshd_accepts_a_key_and_every_host_has_its_own_host_keys(host: str, tmp_path: Path) -> None:
    key = tmp_path / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    assert wait_for_boot(host) == "running"
    docker("exec", host, "install", "-d", "-m", "0700", "/root/.ssh")
    subprocess.run(
        ["docker", "exec", "-i", host, "sh", "-c", "cat > /root/.ssh/authorized_keys"],
        input=key.with_suffix(".pub").read_text(),
        check=True,
        text=True,
    )
    ip = docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", host)
    known_hosts = tmp_path / "known_hosts"
    ssh = [
        "ssh", "-i", str(key), "-o", "BatchMode=yes", "-o", "ConnectTimeout=5",
        "-o", "StrictHostKeyChecking=accept-new", "-o", f"UserKnownHostsFile={known_hosts}",
        f"root@{ip}",
    ]  # fmt: skip

    def hostname_over_ssh() -> str:
        run = subprocess.run([*ssh, "hostname"], capture_output=True, text=True, timeout=30)
        return run.stdout.strip() if run.returncode == 0 else ""

    # sshd may still be generating its host keys.
    answered = wait_for(f"sshd on {host} answering", hostname_over_ssh, 60, 0.5)
    assert answered == docker("exec", host, "hostname")
    assert known_hosts.read_text().strip(), "the host key was not recorded"

    other = f"{host}-other"
    docker("run", "-d", "--name", other, *SYSTEMD_FLAGS, "ecomops/host")
    try:
        wait_for_boot(other)
        fingerprint = "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub"
        theirs = wait_for(
            f"a host key generated on {other}",
            lambda: docker("exec", other, "sh", "-c", fingerprint, check=False),
            60,
            0.5,
        )
        ours = docker("exec", host, "sh", "-c", fingerprint)
        assert theirs != ours
    finally:
        docker("rm", "-f", other, check=False)


def test_images_trust_the_host_ca_bundle_for_pip_and_npm() -> None:
    env = docker(
        "image", "inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", "ecomops/node"
    )
    assert "NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" in env
    assert "PIP_CERT=/etc/ssl/certs/ca-certificates.crt" in env
    bundle = docker("run", "--rm", "ecomops/python", "cat", "/etc/ssl/certs/ca-certificates.crt")
    host_first_cert = Path("/etc/ssl/certs/ca-certificates.crt").read_text().split("-----END")[0]
    assert host_first_cert.strip().splitlines()[-1] in bundle


def test_hosts_ship_an_empty_package_index_dated_1970() -> None:
    # The roles refresh the index by its age (apt's cache_valid_time, read from
    # this folder's mtime): an empty one must look as old as it is useless.
    for image in ("ecomops/host", "ecomops/labhost"):
        listing = "ls /var/lib/apt/lists/*_Packages 2>/dev/null; stat -c %Y /var/lib/apt/lists"
        out = docker("run", "--rm", "--entrypoint", "sh", image, "-c", listing, check=False)
        assert out == "0", f"{image}: {out}"
