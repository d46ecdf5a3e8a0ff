"""Run a playbook with ansible-runner in a private, short-lived data dir.

The data dir is created 0700 and removed afterwards. ansible-runner writes the
child's environment to `artifacts/<id>/command` and, unless suppressed, vars to
`env/`; so env files are suppressed, secrets are removed from the child's
environment and handed over in memory (`ecomops.handoff`), and host key
checking (which ansible-runner turns off unless told) stays on.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
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
    return " ".join(flags)


def run_playbook(run: PlaybookRun, tracker: EventTracker, data_dir: Path) -> RunOutcome:
    """Run the playbook, feeding every event to `tracker`; secrets come from our environment."""
    return _run(
        tracker,
        data_dir,
        run.project_dir,
        run.env,
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
        **kwargs,
    )
    runner.config.env, _ = split_secrets(runner.config.env)
    runner.config.command = [sys.executable, "-m", "ecomops.handoff", *runner.config.command]
    runner.run()
    tail = ""
    stdout = Path(runner.config.artifact_dir) / "stdout"
    if stdout.exists():
        tail = "\n".join(stdout.read_text(errors="replace").splitlines()[-30:])
    return RunOutcome(status=runner.status, rc=runner.rc, output_tail=tail)
