"""Pieces of the runner that need no host: flags, the secret hand-over, cancelling."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from ecomops.runner import PlaybookRun, _Canceller, _cmdline, _launchers
from ecomops.waiting import wait_for

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


def test_the_launchers_take_the_secrets_then_exec_the_real_tool(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    for tool in ("ansible-playbook", "ansible"):
        (real / tool).write_text(f'#!/bin/sh\nprintf "{tool} %s %s" "$1" "$ECOMOPS_DB_PASSWORD"\n')
        (real / tool).chmod(0o755)
    data_dir = tmp_path / "run"
    data_dir.mkdir()
    launchers = _launchers(data_dir, str(real))
    for tool in ("ansible-playbook", "ansible"):
        done = subprocess.run(
            [launchers / tool, "site.yml"],
            input=handoff.encode({"ECOMOPS_DB_PASSWORD": "s3cret"}) + "\n",
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert done.stdout == f"{handoff.PROMPT}\n{tool} site.yml s3cret"
        assert "s3cret" not in (launchers / tool).read_text()


def test_a_cancel_interrupts_ansible_playbook_then_lets_ansible_runner_kill_it():
    stop = threading.Event()
    canceller = _Canceller(stop, grace=0.2)
    assert canceller() is False, "nothing asked to stop"
    stop.set()
    assert canceller() is True, "before ansible-playbook's first event there is nothing to stop"
    # Started the way ansible-runner starts ansible-playbook, through the hand-off, and with
    # SIGINT ignored as a wrapper started in the background (CI, nohup) passes it down.
    playbook = "import time; print('started', flush=True); time.sleep(30)"
    child = subprocess.Popen(
        [sys.executable, "-m", "ecomops.handoff", sys.executable, "-c", playbook],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write("{}\n")
    child.stdin.close()
    assert child.stdout.readline().strip() == handoff.PROMPT
    assert child.stdout.readline().strip() == "started"
    try:
        canceller = _Canceller(stop, grace=0.2)
        canceller.saw({"event": "playbook_on_start", "pid": child.pid})
        assert canceller() is False, "ansible-playbook gets its grace to stop its workers"
        assert child.wait(10) != 0, "SIGINT reached ansible-playbook"
        wait_for("the grace running out", canceller, 5, 0.05)
    finally:
        child.kill()
