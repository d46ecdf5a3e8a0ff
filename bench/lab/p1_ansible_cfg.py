"""P1: no-op converge of site.yml, the project's ansible.cfg against Ansible's defaults.

Same lab, same inventory, runs alternating so that drift of the machine hits
both sides alike. Goal: ours <= 1/3 of the defaults' time.
"""

from __future__ import annotations

import os
from typing import Any

from .common import converge, defaults_config, summary, tuned_config


def run() -> dict[str, Any]:
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    tuned, defaults = tuned_config(), defaults_config()
    converge(tuned)  # the lab converged: every measured run is a no-op
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        ours.append(converge(tuned))
        theirs.append(converge(defaults))
    a, b = summary(ours), summary(theirs)
    ratio = float(a["median_s"]) / float(b["median_s"])
    return {
        "P1": {
            "what": "no-op converge of playbooks/site.yml, alternating runs",
            "tuned": a,
            "ansible_defaults": b,
            "ratio": round(ratio, 2),
            "goal": "<= 0.33",
            "met": ratio <= 1 / 3,
        }
    }
