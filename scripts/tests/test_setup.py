"""The control node's set-up: safe to run again, and safe by default."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, **kwargs)  # type: ignore[call-overload]


def test_start_dockerd_does_nothing_when_an_engine_answers() -> None:
    result = run("scripts/start-dockerd.sh")
    assert result.returncode == 0
    assert result.stdout.strip() == "start-dockerd: a Docker engine answers"


def test_setup_packages_refuses_to_half_install_without_root() -> None:
    # A fake dpkg-query reports every package missing; as a user other than
    # root the script must stop before apt with one line saying what to do.
    bin_dir = Path(tempfile.mkdtemp(prefix="ecomops-test-"))
    bin_dir.chmod(0o755)
    fake = bin_dir / "dpkg-query"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    result = run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                 "scripts/setup-packages.sh", env=env)  # fmt: skip
    assert result.returncode == 1
    assert "run 'sudo make setup'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_venv_is_not_reinstalled_when_nothing_changed() -> None:
    result = run("scripts/setup-venv.sh")
    assert result.returncode == 0, result.stderr
    assert "installing" not in result.stdout
    assert ".venv is up to date" in result.stdout


def test_terraform_uses_the_project_provider_mirror_only() -> None:
    # The Makefile points TF_CLI_CONFIG_FILE here; the user's ~/.terraformrc is never touched.
    rc = ROOT / ".cache" / "terraform.rc"
    assert 'filesystem_mirror {\n    path = "/opt/tf-plugins"' in rc.read_text()


def test_ansible_checks_host_keys_and_keeps_connections_open() -> None:
    env = {**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}
    dump = run(
        str(VENV_BIN / "ansible-config"), "dump", "-t", "connection", "--format", "json", env=env
    ).stdout
    plugins = {name: opts for entry in json.loads(dump) for name, opts in entry.items()}
    ssh = {opt["name"]: opt["value"] for opt in plugins["ssh"]}
    assert ssh["host_key_checking"] is True
    assert ssh["pipelining"] is True
    assert "ControlPersist=" in ssh["ssh_args"]
    assert "StrictHostKeyChecking=accept-new" in ssh["ssh_args"]
