"""What the benchmarks share: the lab, timed runs of site.yml, and statistics."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ecomops.environments import hosts_file
from ecomops_lab.probe import LabView

REPO = Path(__file__).resolve().parents[2]

SITE = REPO / "playbooks" / "site.yml"
INVENTORY = hosts_file(REPO, "lab")
CACHE = REPO / ".cache" / "bench"


def defaults_config() -> Path:
    """Ansible's own defaults, keeping only what the project needs to run at all.

    No pipelining, no ControlPersist (one SSH connection per task), 5 forks,
    facts gathered on every play; host keys are still checked.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    cfg = CACHE / "ansible-defaults.cfg"
    cfg.write_text(
        "[defaults]\n"
        f"inventory = {INVENTORY}\n"
        f"roles_path = {REPO / 'roles'}\n"
        f"collections_path = {REPO / '.cache' / 'collections'}\n"
        "interpreter_python = auto_silent\n"
        "retry_files_enabled = false\n"
        "[ssh_connection]\n"
        "pipelining = false\n"
        "ssh_args = -C -o ControlMaster=no\n"
    )
    return cfg


def tuned_config() -> Path:
    return REPO / "ansible.cfg"


@dataclass(frozen=True)
class Mode:
    """A way of running Ansible that P1 and P2 compare side by side in one run."""

    label: str
    config: Callable[[], Path]
    # ANSIBLE_STRATEGY: ecomops_linear is linear through Mitogen (plugins/strategy).
    strategy: str


MODES = {
    "ansible_defaults": Mode("Ansible defaults", defaults_config, "linear"),
    "tuned": Mode("tuned ansible.cfg", tuned_config, "linear"),
    "tuned_mitogen": Mode("tuned + Mitogen", tuned_config, "ecomops_linear"),
}
PROJECT = MODES["tuned_mitogen"]  # what ansible.cfg runs


def converge(mode: Mode = PROJECT, image_tag: str | None = None) -> float:
    """Seconds for one run of site.yml; fails loudly when the run fails."""
    env = dict(os.environ, ANSIBLE_CONFIG=str(mode.config()), ANSIBLE_STRATEGY=mode.strategy)
    if image_tag:
        env["ECOMOPS_IMAGE_TAG"] = image_tag
    started = time.monotonic()
    run = subprocess.run(
        [str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", str(INVENTORY), str(SITE)],
        cwd=REPO, env=env, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.monotonic() - started
    if run.returncode != 0:
        raise RuntimeError(f"site.yml failed with {mode.label}:\n{run.stdout[-3000:]}")
    return seconds


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot, every core counted."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def summary(samples: list[float]) -> dict[str, float | list[float]]:
    return {
        "median_s": round(statistics.median(samples), 1),
        "min_s": round(min(samples), 1),
        "runs_s": [round(s, 1) for s in samples],
    }


def lab() -> LabView:
    return LabView.load(REPO)
