"""Release history: reading it, what the fleet serves, what a rollback returns to."""

from __future__ import annotations

import json

import pytest
from ecomops.deploy import rollback_target
from ecomops.errors import EcomopsError, ExitCode
from ecomops.releases import (
    fleet_release,
    good_releases,
    hosts_on,
    parse_history,
    previous_release,
    render_history,
)


def lines(*entries: tuple[str, str]) -> str:
    """History file text: (tag, outcome) per line, oldest first, with a log line mixed in."""
    docs = [
        json.dumps({"tag": tag, "at": f"2026-12-02T01:0{i}:00Z", "by": "ci (deploy)",
                    "outcome": outcome, "detail": "", "migrations": [f"orders.000{i}"]})
        for i, (tag, outcome) in enumerate(entries)
    ]  # fmt: skip
    return "\n".join([*docs[:1], "not json", *docs[1:]]) + "\n"


def test_a_history_file_reads_oldest_first_skipping_what_is_not_an_entry():
    entries = parse_history(lines(("a", "deployed"), ("b", "deployed")))
    assert [e.tag for e in entries] == ["a", "b"]
    assert entries[1].migrations == ("orders.0001",)


def test_a_failed_canary_is_not_a_release_the_host_served_well():
    entries = parse_history(
        lines(("a", "deployed"), ("a", "deployed"), ("b", "canary_failed"), ("a", "rolled_back"))
    )
    assert [e.tag for e in good_releases(entries)] == ["a"]


def test_the_fleet_serves_its_hosts_last_good_release():
    fleet = {
        "app-1": parse_history(lines(("a", "deployed"), ("b", "deployed"))),
        "app-2": parse_history(lines(("a", "deployed"), ("b", "deployed"))),
    }
    current = fleet_release(fleet)
    assert current is not None and current.tag == "b"
    assert previous_release(fleet, "b").tag == "a"
    assert fleet_release({"app-1": []}) is None


def test_after_a_rollback_the_previous_release_is_the_one_rolled_back_from():
    history = lines(("a", "deployed"), ("b", "deployed"), ("a", "rolled_back"))
    fleet = {"app-1": parse_history(history)}
    assert previous_release(fleet, "a").tag == "b"


def test_no_previous_release_is_a_clear_error():
    with pytest.raises(EcomopsError, match="no app server's history names a good release before a"):
        previous_release({"app-1": parse_history(lines(("a", "deployed")))}, "a")


def test_hosts_that_disagree_on_the_previous_release_must_be_told():
    fleet = {
        "app-1": parse_history(lines(("x", "deployed"), ("b", "deployed"))),
        "app-2": parse_history(lines(("y", "deployed"), ("b", "deployed"))),
    }
    with pytest.raises(EcomopsError, match=r"app-1: x, app-2: y.*pass --to TAG"):
        previous_release(fleet, "b")


def test_hosts_on_a_release_include_a_failed_canary():
    fleet = {
        "app-1": parse_history(lines(("a", "deployed"), ("b", "canary_failed"))),
        "app-2": parse_history(lines(("a", "deployed"))),
    }
    assert hosts_on(fleet, "b") == ["app-1"]


def test_the_history_table_lists_the_last_entries_per_host():
    fleet = {"app-1": parse_history(lines(("a", "deployed"), ("b", "canary_failed")))}
    table = render_history(fleet, last=1).splitlines()
    assert table[0].split() == ["HOST", "AT", "TAG", "OUTCOME", "BY", "DETAIL"]
    assert len(table) == 2 and "canary_failed" in table[1] and " a " not in table[1]


@pytest.mark.parametrize(
    ("code", "tag", "rolls_back"),
    [
        (ExitCode.TASK_FAILED, "b", True),  # the canary or a health gate failed
        (ExitCode.UNREACHABLE, "b", True),
        (ExitCode.OK, "b", False),
        (ExitCode.CANCELLED, "b", False),  # someone stopped it: no second run behind their back
        (ExitCode.TASK_FAILED, "a", False),  # a redeploy of what runs has nothing to go back to
    ],
)
def test_a_deploy_rolls_back_only_a_failed_rollout_of_another_release(code, tag, rolls_back):
    before = fleet_release({"app-1": parse_history(lines(("a", "deployed")))})
    assert (rollback_target(code, before, tag) is not None) is rolls_back
    assert rollback_target(ExitCode.TASK_FAILED, None, "b") is None
