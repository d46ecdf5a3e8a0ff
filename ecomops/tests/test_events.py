"""Event handling on events recorded from a real ansible-runner run (fixtures/)."""

from __future__ import annotations

import io
import json

import pytest
from conftest import FIXTURES
from ecomops.deploy import exit_code
from ecomops.errors import ExitCode
from ecomops.events import STATUSES, EventTracker, summary_table
from ecomops.junit import junit_xml
from ecomops.runner import RunOutcome
from ecomops.secrets import Redactor


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        self.now += 0.5
        return self.now


@pytest.fixture
def events() -> list[dict]:
    return json.loads((FIXTURES / "events-mixed-run.json").read_text())


@pytest.fixture
def tracker(events) -> tuple[EventTracker, io.StringIO]:
    progress = io.StringIO()
    tracker = EventTracker(progress, Redactor({"X": "the release"}), Clock())
    for event in events:
        assert tracker.handle(event) is True
    return tracker, progress


def test_every_host_and_task_gets_one_result(tracker):
    results = tracker[0].results
    assert [(r.host, r.task, r.status) for r in results] == [
        ("gone", "Report ok", "unreachable"),
        ("web1", "Report ok", "ok"),
        ("web1", "Change something", "changed"),
        ("web1", "Skip on purpose", "skipped"),
        ("web1", "Fail but carry on", "ignored"),
        ("web1", "Fail for real", "failed"),
    ]
    assert "Connection refused" in results[0].message
    assert all(r.duration >= 0 for r in results)


def test_totals_come_from_ansible_stats(tracker):
    totals = tracker[0].totals()
    assert totals["web1"].counts == {
        "ok": 3, "changed": 1, "failed": 1, "unreachable": 0, "skipped": 1, "ignored": 1,
    }  # fmt: skip
    assert totals["gone"].unreachable
    assert not totals["web1"].unreachable


def test_totals_are_counted_when_the_run_stops_before_stats(events):
    tracker = EventTracker(None)
    for event in events[:-1]:
        tracker.handle(event)
    assert tracker.stats is None
    assert tracker.totals()["web1"].counts["failed"] == 1


def test_progress_shows_plays_tasks_hosts_and_elapsed_time(tracker):
    lines = tracker[1].getvalue().splitlines()
    assert lines[0].endswith("PLAY Record events")
    assert lines[1].endswith("TASK Report ok")
    assert lines[0].startswith("[") and "s] " in lines[0]
    failed = next(line for line in lines if "FAILED" in line)
    # Secret values never reach the terminal, even in a failure message.
    assert "web1" in failed and "******** is broken" in failed


def test_summary_table_has_one_row_per_host(tracker):
    table = summary_table(tracker[0].totals()).splitlines()
    assert table[0].split() == ["HOST", *(status.upper() for status in STATUSES)]
    assert table[1].split() == ["gone", "0", "0", "0", "1", "0", "0"]
    assert table[2].split() == ["web1", "3", "1", "1", "0", "1", "1"]


def test_unreachable_wins_over_failed_and_both_over_ok(tracker):
    totals = tracker[0].totals()
    failed = RunOutcome(status="failed", rc=4, output_tail="")
    assert exit_code(failed, totals) == ExitCode.UNREACHABLE
    del totals["gone"]
    assert exit_code(failed, totals) == ExitCode.TASK_FAILED
    assert exit_code(failed, {}) == ExitCode.TOOL_FAILED
    assert exit_code(RunOutcome("successful", 0, ""), {}) == ExitCode.OK


def test_junit_has_one_case_per_host_and_task(tracker):
    root = junit_xml(tracker[0].results).getroot()
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("6", "1", "1")
    assert suite.get("skipped") == "1"
    cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
    assert len(cases) == 6
    failure = cases[("web1", "Record events : Fail for real")].find("failure")
    assert failure is not None and failure.text == "******** is broken"
    assert cases[("gone", "Record events : Report ok")].find("error") is not None
    assert cases[("web1", "Record events : Skip on purpose")].find("skipped") is not None
    assert list(cases[("web1", "Record events : Change something")]) == []


def test_handlers_get_their_own_progress_line():
    progress = io.StringIO()
    EventTracker(progress).handle(
        {"event": "playbook_on_handler_task_start", "event_data": {"task": "Reload sshd"}}
    )
    assert progress.getvalue().endswith("HANDLER Reload sshd\n")


def test_verbose_mode_echoes_ansible_output(events):
    progress = io.StringIO()
    tracker = EventTracker(progress, verbose=True)
    tracker.handle({"event": "verbose", "stdout": "PLAY RECAP ***", "event_data": {}})
    assert "PLAY RECAP ***" in progress.getvalue()


def test_redactor_masks_every_secret_but_not_short_values():
    redact = Redactor({"A": "hunter2-password", "B": "abc"})
    assert redact("pw=hunter2-password; abc") == "pw=********; abc"
