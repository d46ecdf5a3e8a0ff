"""P1: no-op converge of site.yml three ways: Ansible's defaults, the project's
ansible.cfg with plain SSH, and the same through Mitogen (what ansible.cfg runs).

Same lab, same inventory, the three runs alternating so that drift of the machine
hits every side alike. Goal: tuned + Mitogen <= 0.15 of the defaults' time.
"""

from __future__ import annotations

import os
from typing import Any

from .common import MODES, converge, summary


def run() -> dict[str, Any]:
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    converge()  # the lab converged: every measured run is a no-op
    samples: dict[str, list[float]] = {name: [] for name in MODES}
    for _ in range(runs):
        for name, mode in MODES.items():
            samples[name].append(converge(mode))
    figures = {name: summary(runs) for name, runs in samples.items()}
    defaults = float(figures["ansible_defaults"]["median_s"])
    ratios = {
        name: round(float(figures[name]["median_s"]) / defaults, 2)
        for name in ("tuned", "tuned_mitogen")
    }
    return {
        "P1": {
            "what": "no-op converge of playbooks/site.yml, alternating runs, three ways",
            **figures,
            "ratio_tuned": ratios["tuned"],
            "ratio": ratios["tuned_mitogen"],
            "goal": "tuned + Mitogen <= 0.15 of the defaults",
            "met": ratios["tuned_mitogen"] <= 0.15,
        }
    }
