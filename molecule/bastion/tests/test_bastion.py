"""The bastion seen from a client: keys only, no root, ProxyJump and nothing else.

The SSH clients run on the controller, as an operator's would, against the
container's address on the Docker bridge.
"""

import contextlib
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ecomops.waiting import wait_for

KEY = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "id_ed25519"
CLIENT_OPTIONS = [
    "-i", str(KEY), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
    "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR",
]  # fmt: skip


@pytest.fixture(scope="module")
def address(host: Any) -> str:
    return host.interface("eth0").addresses[0]


def ssh(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["ssh", *CLIENT_OPTIONS, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def effective(host: Any) -> dict[str, str]:
    """sshd's own view of its configuration (sshd -T), all drop-ins applied."""
    lines = host.check_output("sshd -T").splitlines()
    return {key: value for key, _, value in (line.partition(" ") for line in lines)}


def test_sshd_runs_with_the_hardening_in_effect(host: Any) -> None:
    assert host.service("ssh").is_running
    assert host.service("ssh").is_enabled
    config = effective(host)
    assert config["permitrootlogin"] == "no"
    assert config["passwordauthentication"] == "no"
    assert config["kbdinteractiveauthentication"] == "no"
    assert config["authenticationmethods"] == "publickey"
    assert config["allowtcpforwarding"] == "local"
    assert config["permitopen"] == "*:22"
    assert config["x11forwarding"] == "no"
    assert config["allowagentforwarding"] == "no"
    assert config["permittunnel"] == "no"
    assert config["allowstreamlocalforwarding"] == "no"


def test_a_user_with_a_key_logs_in(address: str) -> None:
    result = ssh(f"ops@{address}", "id -un")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ops"


def test_root_is_refused_even_with_an_authorized_key(address: str) -> None:
    result = ssh(f"root@{address}", "true")
    assert result.returncode == 255
    assert "Permission denied" in result.stderr


def test_passwords_are_not_even_offered(address: str) -> None:
    password_only = ["-o", "PubkeyAuthentication=no"]
    password_only += ["-o", "PreferredAuthentications=password,keyboard-interactive"]
    result = ssh(*password_only, f"ops@{address}", "true")
    assert result.returncode == 255
    assert "Permission denied (publickey)" in result.stderr


def test_proxyjump_reaches_ssh_behind_the_bastion(address: str) -> None:
    # The bastion's own sshd on loopback stands in for a private host's.
    jump = " ".join(["ssh", *CLIENT_OPTIONS, "-W", "%h:%p", f"ops@{address}"])
    result = ssh("-o", f"ProxyCommand={jump}", "ops@127.0.0.1", "hostname")
    assert result.returncode == 0, result.stderr


def test_tunnels_to_other_ports_are_prohibited(host: Any, address: str) -> None:
    result = ssh("-W", "127.0.0.1:9090", f"ops@{address}")
    assert result.returncode != 0
    assert "forwarding failed" in result.stderr
    # The refusal is sshd's policy, not a closed port (the journal may lag a little).
    # The whole journal is read: journald tags a line with its unit by looking up
    # the sender, and sshd's per-connection process may be gone by then.
    denial = "to connect to host 127.0.0.1 port 9090, but the request was denied"
    wait_for(
        f"sshd logging: {denial}",
        lambda: denial in host.check_output("journalctl --no-pager --output cat"),
        60,
    )


def test_remote_forwarding_is_refused(address: str) -> None:
    result = ssh("-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:22", f"ops@{address}", "true")
    assert result.returncode != 0
    assert "forwarding failed" in result.stderr


def test_fail2ban_bans_an_address_that_keeps_failing(host: Any, address: str) -> None:
    assert host.service("fail2ban").is_enabled
    client = host.check_output("ip route show default").split()[2]  # the Docker bridge

    def banned_after_another_failure() -> bool:
        if client in host.check_output("fail2ban-client get sshd banip"):
            return True
        # A ban landing mid-handshake leaves the client hanging: cut it short.
        with contextlib.suppress(subprocess.TimeoutExpired):
            ssh(f"intruder@{address}", "true", timeout=8)
        return False

    try:
        wait_for(
            f"fail2ban banning {client} for failed logins", banned_after_another_failure, 90, 0
        )
        # fail2ban enforces the ban through nftables a moment after it lists it.
        wait_for(
            f"{client} in fail2ban's nftables set",
            lambda: client in host.check_output("nft list ruleset"),
            30,
        )
        try:
            refused = ssh(f"ops@{address}", "true", timeout=20)
        except subprocess.TimeoutExpired:
            return  # dropped rather than refused: turned away all the same
        assert refused.returncode == 255
        # Turned away at the TCP level, before any authentication.
        assert "port 22: Connection" in refused.stderr
    finally:
        host.run(f"fail2ban-client set sshd unbanip {client}")
