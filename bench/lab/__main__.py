"""`make bench`: P1-P6 of the lab issues, as JSON and a PNG chart under reports/bench/.

Run as `python -m ecomops_bench.lab --out reports/bench [--only P1,P4]` with the lab up and
deployed and its secrets in the environment (mk/lab.mk does all of that).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

from . import chart, p1_ansible_cfg, p2_scale, p4_throughput, p5_signed_in, p6_checkout

BENCHES = {
    "P1": p1_ansible_cfg.run,
    "P4": p4_throughput.run,
    "P5": p5_signed_in.run,
    "P6": p6_checkout.run,
    # Last: P2 and P3 rebuild the hosts, P3 being P2's first converge with 2 hosts.
    "P2P3": p2_scale.run,
}


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().split()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    return {
        "cpu": cpu,
        "cpus": len(
            [
                ln
                for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("processor")
            ]
        ),
        "memory_gib": round(int(meminfo[1]) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("reports/bench"))
    parser.add_argument(
        "--only", default=",".join(BENCHES), help="comma list of " + ",".join(BENCHES)
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    result_file = args.out / "lab.json"
    results: dict[str, Any] = json.loads(result_file.read_text()) if result_file.exists() else {}
    results["machine"] = machine()
    for name in args.only.split(","):
        bench = BENCHES[name.strip()]
        started = time.monotonic()
        print(f"bench: {name} ...", flush=True)
        results.update(bench())
        results["updated"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        result_file.write_text(json.dumps(results, indent=2) + "\n")
        print(f"bench: {name} done in {time.monotonic() - started:.0f}s", flush=True)
    chart.draw(results, args.out / "lab.png")
    print(json.dumps({k: v for k, v in results.items() if k != "machine"}, indent=2))
    print(f"bench: results in {result_file} and {args.out / 'lab.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
