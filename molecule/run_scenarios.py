"""Run every Molecule scenario, a few at a time, and report each one's wall time.

    python molecule/run_scenarios.py [--jobs N] [--junit FILE] [--logs DIR] [SCENARIO ...]

Each scenario's full output goes to DIR/<scenario>.log; a failed scenario's
tail is printed too (CI keeps only the console), and the JUnit file holds one
test case per scenario (its wall time, and the log's tail when it failed).
Exit status: 0 when every scenario passed, 1 otherwise.
"""

import argparse
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TAIL_LINES = 80
# CI shows only the end of the console: the few lines that say why go last.
REASON = re.compile(r"^(fatal:|failed:|FAILED |ERROR |E   |CRITICAL |\w+Error)")
REASON_LINES = 12
NOISE = re.compile(r"RETRYING|glob failed")
# Logs and JUnit text are read as plain files: no terminal colours.
PLAIN_OUTPUT = {
    "NO_COLOR": "1",
    "ANSIBLE_NOCOLOR": "1",
    "ANSIBLE_FORCE_COLOR": "0",
    "PY_COLORS": "0",
}
# Destroying a host that ran its own Docker engine deletes that engine's storage
# volume: with several scenarios at once on two vCPUs that outlasts the Docker
# modules' default 60 s API timeout, and Molecule's destroy fails after a passed
# verify. A DOCKER_TIMEOUT of the caller's own wins.
DOCKER_API_TIMEOUT = {"DOCKER_TIMEOUT": "300"}


@dataclass(frozen=True)
class Result:
    scenario: str
    seconds: float
    returncode: int
    log: Path

    @property
    def passed(self) -> bool:
        return self.returncode == 0

    def reasons(self) -> list[str]:
        """The last of the log's failure lines (Ansible's fatal ones, pytest's), else its end."""
        lines = self.log.read_text(errors="replace").splitlines()
        found = [line[:300] for line in lines if REASON.match(line) and not NOISE.search(line)]
        return found[-REASON_LINES:] or lines[-REASON_LINES:]

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-TAIL_LINES:])


def discover(root: Path) -> list[str]:
    return sorted(path.parent.name for path in root.glob("*/molecule.yml"))


def run(scenario: str, logs: Path) -> Result:
    log = logs / f"{scenario}.log"
    start = time.monotonic()
    print(f"molecule: {scenario} started", flush=True)
    with log.open("w") as out:
        returncode = subprocess.call(
            ["molecule", "test", "--scenario-name", scenario, "--no-command-borders"],
            cwd=HERE.parent,
            env={**DOCKER_API_TIMEOUT, **os.environ, **PLAIN_OUTPUT},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    result = Result(scenario, time.monotonic() - start, returncode, log)
    verdict = "passed" if result.passed else f"FAILED (see {log})"
    print(f"molecule: {scenario} {verdict} in {result.seconds:.0f} s", flush=True)
    return result


def junit(results: list[Result], total: float) -> ET.ElementTree:
    suite = ET.Element(
        "testsuite",
        name="molecule",
        tests=str(len(results)),
        failures=str(sum(not r.passed for r in results)),
        time=f"{total:.1f}",
    )
    for result in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname="molecule",
            name=result.scenario,
            time=f"{result.seconds:.1f}",
        )
        if not result.passed:
            failure = ET.SubElement(
                case, "failure", message=f"molecule test exited {result.returncode}"
            )
            failure.text = result.tail()
    return ET.ElementTree(suite)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", help="scenarios to run (default: all)")
    parser.add_argument("--jobs", type=int, default=3, help="scenarios run at once (default 3)")
    parser.add_argument("--junit", type=Path, help="write a JUnit report here")
    parser.add_argument("--logs", type=Path, default=Path("reports/molecule"), help="log folder")
    args = parser.parse_args(argv)

    available = discover(HERE)
    unknown = sorted(set(args.scenarios) - set(available))
    if unknown:
        parser.error(f"no such scenario: {', '.join(unknown)} (have: {', '.join(available)})")
    scenarios = args.scenarios or available
    args.logs.mkdir(parents=True, exist_ok=True)

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda name: run(name, args.logs), scenarios))
    total = time.monotonic() - start

    print(f"\n{'scenario':<20} {'wall time':>10}  result")
    for result in results:
        verdict = "passed" if result.passed else "FAILED"
        print(f"{result.scenario:<20} {result.seconds:>8.0f} s  {verdict}")
    print(f"{'all (wall clock)':<20} {total:>8.0f} s")
    for result in results:
        if not result.passed:
            print(f"\n{result.scenario}: why it failed (all of it in {result.log})")
            print("\n".join(result.reasons()))
    if args.junit:
        args.junit.parent.mkdir(parents=True, exist_ok=True)
        junit(results, total).write(args.junit, encoding="unicode", xml_declaration=True)
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
