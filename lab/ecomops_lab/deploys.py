"""Running `ecomops deploy` against the lab and reading its machine report."""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecomops_lab.probe import REPO, LabView

ECOMOPS = REPO / ".venv" / "bin" / "ecomops"


@dataclass(frozen=True)
class DeployRun:
    code: int
    report: dict[str, Any]
    stderr: str
    seconds: float

    @property
    def hosts(self) -> dict[str, dict[str, int]]:
        return dict(self.report.get("hosts", {}))

    def changed(self) -> dict[str, int]:
        return {host: int(c.get("changed", 0)) for host, c in self.hosts.items()}

    def tasks_on(self, host: str) -> list[dict[str, Any]]:
        return [t for t in self.report.get("tasks", []) if t.get("host") == host]


def lab_environ(view: LabView, **extra: str) -> dict[str, str]:
    """The process environment with the lab's secrets, as `make lab` passes them, and the
    lab's inventory (inventories/lab) whatever environment the caller's shell names."""
    env = dict(os.environ)
    env.update(view.env)
    env["ECOMOPS_ENV"] = "lab"
    env.setdefault("ECOMOPS_IMAGE_TAG", os.environ.get("IMAGE_TAG", "dev"))
    env.update(extra)
    return env


def start_ecomops(view: LabView, command: str, *args: str, **env: str) -> subprocess.Popen[str]:
    """`ecomops COMMAND --json ARGS` from the repository, with the lab's secrets."""
    return subprocess.Popen(
        [str(ECOMOPS), command, "--json", *args],
        cwd=REPO,
        env=lab_environ(view, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def start_deploy(
    view: LabView, *args: str, junit: Path | None = None, **env: str
) -> subprocess.Popen[str]:
    junit = junit or REPO / "reports" / "e2e-deploy.xml"
    return start_ecomops(view, "deploy", "--junit", str(junit), *args, **env)


def finish(proc: subprocess.Popen[str], started: float, timeout: float = 1200) -> DeployRun:
    out, err = proc.communicate(timeout=timeout)
    try:
        report = json.loads(out) if out.strip() else {}
    except json.JSONDecodeError:
        report = {"unparsed_stdout": out}
    return DeployRun(proc.returncode, report, err, time.monotonic() - started)


def deploy(view: LabView, *args: str, timeout: float = 1200, **env: str) -> DeployRun:
    started = time.monotonic()
    return finish(start_deploy(view, *args, **env), started, timeout)


def ecomops(
    view: LabView, command: str, *args: str, timeout: float = 1200, **env: str
) -> DeployRun:
    """Any `ecomops` command run to its end (history, rollback, analyze), its JSON report read."""
    started = time.monotonic()
    return finish(start_ecomops(view, command, *args, **env), started, timeout)
