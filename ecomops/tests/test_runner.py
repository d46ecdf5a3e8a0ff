"""Pieces of the runner that need no host: flags, the secret hand-over, process lookup."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from ecomops.runner import PlaybookRun, _children, _cmdline

from ecomops import handoff


def test_check_diff_and_serial_reach_ansible_playbook():
    run = PlaybookRun(Path(), Path("site.yml"), Path("hosts.yml"), check=True, diff=True,
                      serial="50%")  # fmt: skip
    assert _cmdline(run) == "--check --diff -e ecomops_serial=50%"
    assert _cmdline(PlaybookRun(Path(), Path("site.yml"), Path("hosts.yml"))) == ""
    rollback = PlaybookRun(
        Path(),
        Path("site.yml"),
        Path("hosts.yml"),
        extra_vars={"ecomops_canary": False, "ecomops_deployed_by": "me (x)"},
    )
    assert shlex.split(_cmdline(rollback)) == [
        "-e", '{"ecomops_canary": false, "ecomops_deployed_by": "me (x)"}'
    ]  # fmt: skip


def test_handoff_payload_is_one_ascii_line():
    payload = handoff.encode({"ECOMOPS_DB_PASSWORD": "pä\nss\x03word\"'"})
    assert "\n" not in payload and payload.isascii() and "\x03" not in payload
    assert json.loads(payload) == {"ECOMOPS_DB_PASSWORD": "pä\nss\x03word\"'"}


def test_handoff_refuses_what_a_pty_line_cannot_carry():
    with pytest.raises(ValueError, match="fit a pty line"):
        handoff.encode({"X": "y" * 5000})


def test_handoff_execs_the_command_with_the_secrets_in_its_environment():
    """The real hand-over, over a pipe instead of ansible-runner's pty."""
    done = subprocess.run(
        [sys.executable, "-m", "ecomops.handoff", "sh", "-c", 'printf %s "$ECOMOPS_DB_PASSWORD"'],
        input=handoff.encode({"ECOMOPS_DB_PASSWORD": "s3cret value"}) + "\n",
        capture_output=True, text=True, check=True,
        env={k: v for k, v in os.environ.items() if k != "ECOMOPS_DB_PASSWORD"},
    )  # fmt: skip
    assert done.stdout == f"{handoff.PROMPT}\ns3cret value"


def test_children_finds_our_direct_children():
    child = subprocess.Popen(["sleep", "30"])
    try:
        assert child.pid in _children(os.getpid())
        assert os.getpid() not in _children(child.pid)
    finally:
        child.kill()
        child.wait()
