"""Check 12: a canary judged by Prometheus stops a bad release and rolls it back; a good
release rolls everywhere; `ecomops rollback` returns to the previous one. All under load.

Runs last: it ends with the lab on the release it found (a good one).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ecomops_lab import registry
from ecomops_lab.deploys import DeployRun, deploy, ecomops
from ecomops_lab.probe import REPO, LabView, Load

pytestmark = pytest.mark.e2e

ROLLED_BACK = 7  # `ecomops --help`: exit codes
FAULTY = Path(__file__).parent / "releases" / "faulty_settings.py"
REPORT = REPO / "reports" / "e2e-canary.json"


@dataclass(frozen=True)
class Releases:
    good: str  # what the lab served when the check began
    bad: str  # the same code answering 500 on every other product request
    new: str  # a good release after it


def push(view: LabView, tag: str) -> None:
    registry.push(
        view.env["LAB_REGISTRY_PUSH"],
        view.env["ECOMOPS_REGISTRY_USER"],
        view.env["ECOMOPS_REGISTRY_PASSWORD"],
        tag,
    )


def fleet_history(view: LabView) -> dict:
    run = ecomops(view, "history", "--last", "50")
    assert run.code == 0, run.stderr[-3000:]
    return run.report


def images(view: LabView) -> dict[str, list[str]]:
    return {
        app["name"]: view.ssh(
            app["name"],
            "sudo docker inspect -f '{{.Config.Image}}' ecommerce-backend ecommerce-frontend",
        ).stdout.split()
        for app in view.app_servers
    }


def assert_fleet_on(view: LabView, tag: str) -> None:
    found = images(view)
    assert all(i and all(x.endswith(f":{tag}") for x in i) for i in found.values()), found


def record(key: str, figures: dict) -> None:
    """The figures the issue asks for, in reports/e2e-canary.json (and the test output)."""
    done = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    done[key] = figures
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(done, indent=2) + "\n")
    print(f"\ncanary check, {key}: {json.dumps(figures)}")


@pytest.fixture(scope="module")
def releases(view: LabView) -> Iterator[Releases]:
    good = fleet_history(view)["current"]
    assert good, "no app server has a release history: deploy the lab with this code first"
    assert_fleet_on(view, good)
    made = Releases(good=good, bad=f"{good}-faulty", new=f"{good}-next")
    registry.derive_release(
        good, made.bad,
        backend_files={"faulty_settings.py": FAULTY.read_text()},
        backend_env={"DJANGO_SETTINGS_MODULE": "faulty_settings"},
    )  # fmt: skip
    registry.derive_release(good, made.new)
    for tag in (made.bad, made.new):
        push(view, tag)
    REPORT.unlink(missing_ok=True)
    yield made


def under_load(action: Callable[[], DeployRun], view: LabView) -> tuple[DeployRun, Load, float]:
    """`action` run under constant load through the load balancer."""
    with Load(f"{view.lb_url}/api/products", clients=4) as load:
        started = time.monotonic()
        run = action()
        took = time.monotonic() - started
    assert load.result.count() > 100, "the load generator barely ran"
    return run, load, took


def test_a_bad_release_is_stopped_at_the_canary_and_rolled_back(
    view: LabView, releases: Releases
) -> None:
    canary = view.app_servers[0]["name"]
    # Only this episode's entries: a lab reused across runs keeps earlier ones.
    known = {host: len(entries) for host, entries in fleet_history(view)["hosts"].items()}
    run, load, took = under_load(
        lambda: deploy(view, "--image-tag", releases.bad, ECOMOPS_IMAGE_TAG=releases.bad), view
    )
    assert run.code == ROLLED_BACK, run.stderr[-4000:]
    assert f"canary {canary} over" in run.stderr and "FAILED: 5xx ratio" in run.stderr
    assert f"the shop is back on the previous release {releases.good}" in run.stderr
    assert run.report["rolled_back_to"] == releases.good
    assert_fleet_on(view, releases.good)

    failed = load.result.failures()
    sent = load.result.count()
    # The bad release served, and only on the canary: at most its share of the traffic,
    # and only the injected 500s (no request was dropped by the drain and rollback).
    assert failed, "the faulty release never answered a request: the check proves nothing"
    assert {status for _, status, _ in failed} == {500}, failed[:5]
    assert len(failed) <= sent / len(view.app_servers), (len(failed), sent)
    first, last = min(f[0] for f in failed), max(f[0] for f in failed)

    history = fleet_history(view)["hosts"]
    outcomes = [e["outcome"] for e in history[canary]]
    assert outcomes[-2:] == ["canary_failed", "rolled_back"], history[canary][-2:]
    assert history[canary][-2]["tag"] == releases.bad
    assert "5xx ratio" in history[canary][-2]["detail"]
    for other in (a["name"] for a in view.app_servers[1:]):
        episode = history[other][known.get(other, 0) :]
        assert all(e["tag"] != releases.bad for e in episode), episode
    record("bad release", {
        "requests_sent": sent, "failed_requests": len(failed),
        "failing_for_seconds": round(last - first, 1),
        "bad_release_to_rolled_back_seconds": round(took, 1),
        "verdict": history[canary][-2]["detail"],
    })  # fmt: skip


def test_a_good_release_passes_the_canary_and_rolls_everywhere(
    view: LabView, releases: Releases
) -> None:
    run, load, took = under_load(
        lambda: deploy(view, "--image-tag", releases.new, ECOMOPS_IMAGE_TAG=releases.new), view
    )
    assert run.code == 0, run.stderr[-4000:]
    assert_fleet_on(view, releases.new)
    failed = load.result.failures()
    assert failed == [], f"{len(failed)} of {load.result.count()} requests failed"
    canary = view.app_servers[0]["name"]
    entry = fleet_history(view)["hosts"][canary][-1]
    assert entry["tag"] == releases.new and entry["outcome"] == "deployed", entry
    assert f"canary {canary} over" in entry["detail"] and "passed" in entry["detail"], entry
    record("good release", {
        "requests_sent": load.result.count(), "failed_requests": 0,
        "deploy_seconds": round(took, 1), "verdict": entry["detail"],
    })  # fmt: skip


def test_ecomops_rollback_returns_every_host_to_the_previous_release(
    view: LabView, releases: Releases
) -> None:
    run, load, took = under_load(lambda: ecomops(view, "rollback"), view)
    assert run.code == 0, run.stderr[-4000:]
    assert run.report["rolled_back_from"] == releases.new
    assert run.report["rolled_back_to"] == releases.good
    assert_fleet_on(view, releases.good)
    failed = load.result.failures()
    assert failed == [], f"{len(failed)} of {load.result.count()} requests failed"
    report = fleet_history(view)
    assert report["current"] == releases.good
    for entries in report["hosts"].values():
        assert entries[-1]["outcome"] == "rolled_back" and entries[-1]["tag"] == releases.good
        assert "rollback from" in entries[-1]["by"]
    record("rollback", {
        "requests_sent": load.result.count(), "failed_requests": 0,
        "rollback_seconds": round(took, 1),
    })  # fmt: skip
