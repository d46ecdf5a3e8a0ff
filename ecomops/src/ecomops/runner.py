"""Run a playbook with ansible-runner in a private, short-lived data dir.

The data dir is created 0700 and removed afterwards. ansible-runner writes the
child's environment to `artifacts/<id>/command` and, unless suppressed, vars to
`env/`; so env files are suppressed, the secrets' variables are blanked in the
child's environment and their values handed over in memory (`ecomops.handoff`,
which the data dir's `ansible-playbook` and `ansible` launchers start first), and
host key checking (which ansible-runner turns off unless told) stays on.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ansible_runner

from ecomops import handoff
from ecomops.events import EventTracker
from ecomops.secrets import SECRET_VARIABLES, split_secrets


@dataclass(frozen=True)
class PlaybookRun:
    project_dir: Path
    playbook: Path
    inventory: Path
    limit: str | None = None
    tags: str | None = None
    check: bool = False
    diff: bool = False
    verbosity: int = 0
    # Batch size of the rolling app deploy (playbooks/app_servers.yml): "1", "2", "50%".
    serial: str | None = None
    # Non-secret settings for the play, e.g. ECOMOPS_IMAGE_TAG.
    env: Mapping[str, str] = field(default_factory=dict)
    # Further non-secret play variables (-e), e.g. a rollback's ecomops_canary: false.
    extra_vars: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunOutcome:
    status: str
    rc: int
    output_tail: str


@contextmanager
def private_data_dir() -> Iterator[Path]:
    """A fresh 0700 directory for ansible-runner, removed whatever happens."""
    path = Path(tempfile.mkdtemp(prefix="ecomops-run-"))
    try:
        path.chmod(0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _cmdline(run: PlaybookRun) -> str:
    flags = []
    if run.check:
        flags.append("--check")
    if run.diff:
        flags.append("--diff")
    if run.serial:
        flags.append(f"-e ecomops_serial={run.serial}")
    if run.extra_vars:
        flags.append(f"-e {shlex.quote(json.dumps(dict(run.extra_vars)))}")
    return " ".join(flags)


@contextmanager
def cancel_on_signals() -> Iterator[threading.Event]:
    """SIGINT/SIGTERM (Ctrl-C, a Jenkins abort) set the event instead of killing us, so
    ansible-runner stops ansible-playbook (which runs in its own pty session, out of reach
    of our process group's signals) and the private data dir is still removed."""
    stop = threading.Event()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: stop.set())
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _Canceller:
    """ansible-runner's cancel_callback, and an event handler that learns ansible-playbook's
    pid from its events. Once `stop` is set, ansible-playbook gets SIGINT, on which it
    stops its workers itself (they have sessions of their own, out of reach of a process
    group's signal); after `grace` seconds ansible-runner SIGKILLs its process group."""

    def __init__(self, stop: threading.Event, grace: float = 10) -> None:
        self.stop = stop
        self.grace = grace
        self.signalled_at: float | None = None
        self.pid: int | None = None

    def saw(self, event: dict[str, Any]) -> None:
        if self.pid is None and isinstance(event.get("pid"), int):
            self.pid = event["pid"]

    def __call__(self) -> bool:
        if not self.stop.is_set():
            return False
        if self.pid is None:  # not started yet: nothing runs on any host
            return True
        if self.signalled_at is None:
            self.signalled_at = time.monotonic()
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGINT)
            return False
        return time.monotonic() - self.signalled_at > self.grace


def _never_cancel() -> bool:
    return False


def run_playbook(
    run: PlaybookRun,
    tracker: EventTracker,
    data_dir: Path,
    stop: threading.Event | None = None,
) -> RunOutcome:
    """Run the playbook, feeding every event to `tracker`; secrets come from our environment."""
    return _run(
        tracker,
        data_dir,
        run.project_dir,
        run.env,
        stop=stop,
        playbook=str(run.playbook),
        inventory=str(run.inventory),
        limit=run.limit,
        tags=run.tags,
        cmdline=_cmdline(run) or None,
        verbosity=run.verbosity or None,
    )


def run_command(
    project_dir: Path,
    inventory: Path,
    pattern: str,
    command: str,
    tracker: EventTracker,
    data_dir: Path,
) -> RunOutcome:
    """An ad-hoc `ansible.builtin.command` with become (e.g. `docker inspect` for status)."""
    return _run(
        tracker,
        data_dir,
        project_dir,
        {},
        inventory=str(inventory),
        host_pattern=pattern,
        module="ansible.builtin.command",
        module_args=command,
        cmdline="--become",
    )


def _launchers(data_dir: Path, path: str) -> Path:
    """`ansible-playbook` and `ansible` for ansible-runner to start: each takes the
    secrets through `ecomops.handoff` first, then execs the real one found on `path`."""
    folder = data_dir / "bin"
    folder.mkdir(mode=0o700)
    for tool in ("ansible-playbook", "ansible"):
        real = shutil.which(tool, path=path)
        if real is None:
            raise FileNotFoundError(f"{tool} is not on PATH: run 'make venv'")
        launcher = folder / tool
        handoff_then = f"{shlex.quote(sys.executable)} -m ecomops.handoff {shlex.quote(real)}"
        launcher.write_text(f'#!/bin/sh\nexec {handoff_then} "$@"\n')
        launcher.chmod(0o700)
    return folder


def _run(
    tracker: EventTracker,
    data_dir: Path,
    project_dir: Path,
    env: Mapping[str, str],
    stop: threading.Event | None = None,
    **kwargs: Any,
) -> RunOutcome:
    _, secrets = split_secrets(os.environ)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    envvars = {
        # Blank, not absent: ansible-runner starts from our whole environment.
        **dict.fromkeys(SECRET_VARIABLES, ""),
        "ANSIBLE_CONFIG": str(project_dir / "ansible.cfg"),
        "ANSIBLE_HOST_KEY_CHECKING": "True",
        "ANSIBLE_NOCOLOR": "1",
        "PATH": f"{_launchers(data_dir, path)}{os.pathsep}{path}",
        **env,
    }
    canceller = _Canceller(stop) if stop is not None else None

    def handle(event: dict[str, Any]) -> bool:
        if canceller is not None:
            canceller.saw(event)
        return tracker.handle(event)

    runner = ansible_runner.run(
        private_data_dir=str(data_dir),
        project_dir=str(project_dir),
        envvars=envvars,
        passwords={handoff.PROMPT: handoff.encode(secrets)},
        event_handler=handle,
        suppress_env_files=True,
        # ansible.cfg's fact cache is shared between runs; the default would be per run.
        fact_cache_type="",
        rotate_artifacts=1,
        ident="run",
        quiet=True,
        # Never None: without a callback ansible-runner installs SIGINT/SIGTERM handlers of
        # its own in place of cancel_on_signals', and they outlive the run (a deploy's
        # release-history read would leave a Jenkins abort unheard by the deploy after it).
        cancel_callback=canceller or _never_cancel,
        # How often ansible-runner looks at the cancel callback while output is quiet.
        settings={"pexpect_timeout": 1},
        **kwargs,
    )
    tail = ""
    stdout = Path(runner.config.artifact_dir) / "stdout"
    if stdout.exists():
        tail = "\n".join(stdout.read_text(errors="replace").splitlines()[-30:])
    status = "canceled" if stop is not None and stop.is_set() else runner.status
    return RunOutcome(status=status, rc=runner.rc, output_tail=tail)
