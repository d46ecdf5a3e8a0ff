"""Run a playbook with ansible-runner in a private, short-lived data dir.

The data dir is created 0700 and removed afterwards. ansible-runner writes the
child's environment to `artifacts/<id>/command` and, unless suppressed, vars to
`env/`; so env files are suppressed, secrets are removed from the child's
environment and handed over in memory (`ecomops.handoff`), and host key
checking (which ansible-runner turns off unless told) stays on.
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

from ansible_runner.interface import init_runner

from ecomops import handoff
from ecomops.events import EventTracker
from ecomops.secrets import split_secrets


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


def _children(pid: int) -> list[int]:
    """Direct children of `pid`, from /proc (the control node is Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name in parentheses may hold spaces: split after its closing one.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _runs_ansible(pid: int) -> bool:
    try:
        return b"ansible-playbook" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class _Canceller:
    """ansible-runner's cancel_callback. Once `stop` is set, ansible-playbook first gets
    SIGINT, on which it stops its workers itself; after `grace` seconds ansible-runner
    SIGKILLs its process group. Workers have their own sessions (ansible calls setsid), so
    those seen at the first signal are killed too, lest they finish their task unattended."""

    def __init__(self, stop: threading.Event, grace: float = 10) -> None:
        self.stop = stop
        self.grace = grace
        self.signalled_at: float | None = None
        self.workers: list[int] = []

    def __call__(self) -> bool:
        if not self.stop.is_set():
            return False
        if self.signalled_at is None:
            self.signalled_at = time.monotonic()
            for main in _children(os.getpid()):
                if not _runs_ansible(main):
                    continue
                self.workers += _children(main)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(main, signal.SIGINT)
            return False
        return time.monotonic() - self.signalled_at > self.grace

    def kill_leftovers(self) -> None:
        for pid in self.workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


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


def _run(
    tracker: EventTracker,
    data_dir: Path,
    project_dir: Path,
    env: Mapping[str, str],
    stop: threading.Event | None = None,
    **kwargs: Any,
) -> RunOutcome:
    _, secrets = split_secrets(os.environ)
    venv_bin = str(Path(sys.executable).parent)
    envvars = {
        "ANSIBLE_CONFIG": str(project_dir / "ansible.cfg"),
        "ANSIBLE_HOST_KEY_CHECKING": "True",
        "ANSIBLE_NOCOLOR": "1",
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        **env,
    }
    canceller = _Canceller(stop) if stop is not None else None
    runner = init_runner(
        private_data_dir=str(data_dir),
        project_dir=str(project_dir),
        envvars=envvars,
        passwords={handoff.PROMPT: handoff.encode(secrets)},
        event_handler=tracker.handle,
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
    runner.config.env, _ = split_secrets(runner.config.env)
    runner.config.command = [sys.executable, "-m", "ecomops.handoff", *runner.config.command]
    try:
        runner.run()
    finally:
        if canceller is not None:
            canceller.kill_leftovers()
    tail = ""
    stdout = Path(runner.config.artifact_dir) / "stdout"
    if stdout.exists():
        tail = "\n".join(stdout.read_text(errors="replace").splitlines()[-30:])
    status = "canceled" if stop is not None and stop.is_set() else runner.status
    return RunOutcome(status=status, rc=runner.rc, output_tail=tail)
