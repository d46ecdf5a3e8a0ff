"""ansible-runner events -> per host/task results, a live progress view and per-host totals.

Pure bookkeeping over the event dicts ansible-runner hands to `event_handler`,
so it is tested with recorded events and no Ansible run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

STATUSES = ("ok", "changed", "failed", "unreachable", "skipped", "ignored")
# ansible's playbook_on_stats keys, mapped to the words used in our summary.
_STATS_KEYS = {
    "ok": "ok",
    "changed": "changed",
    "failures": "failed",
    "dark": "unreachable",
    "skipped": "skipped",
    "ignored": "ignored",
}

# Events that end a task on a host; loop items (runner_item_on_*) are summed up by these.
_RESULT_STATUS = {
    "runner_on_ok": "ok",
    "runner_on_failed": "failed",
    "runner_on_async_failed": "failed",
    "runner_on_skipped": "skipped",
    "runner_on_unreachable": "unreachable",
}


@dataclass(frozen=True)
class TaskResult:
    host: str
    play: str
    task: str
    status: str
    duration: float
    message: str = ""
    # The module's stdout (ad-hoc commands such as `status` read it).
    output: str = ""


@dataclass
class HostTotals:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def failed(self) -> bool:
        return self.counts["failed"] > 0

    @property
    def unreachable(self) -> bool:
        return self.counts["unreachable"] > 0


def _message(res: dict[str, Any]) -> str:
    parts = [str(res[key]) for key in ("msg", "stderr") if res.get(key)]
    return "\n".join(parts)


class EventTracker:
    """Feed it every event; it keeps results and writes one progress line per step."""

    def __init__(
        self,
        progress: TextIO | None,
        redact: Callable[[str], str] = lambda text: text,
        clock: Callable[[], float] = time.monotonic,
        *,
        verbose: bool = False,
    ) -> None:
        self.progress = progress
        self.verbose = verbose
        self.redact = redact
        self.clock = clock
        self.started = clock()
        self.results: list[TaskResult] = []
        self.stats: dict[str, HostTotals] | None = None
        self._started_at: dict[tuple[str, str], float] = {}

    def _say(self, line: str) -> None:
        if self.progress is not None:
            elapsed = self.clock() - self.started
            self.progress.write(f"[{elapsed:7.1f}s] {self.redact(line)}\n")
            self.progress.flush()

    def handle(self, event: dict[str, Any]) -> bool:
        """ansible-runner's event_handler; returns True so the (censored) event is kept."""
        kind = event.get("event", "")
        data = event.get("event_data") or {}
        if self.verbose and self.progress is not None and event.get("stdout"):
            self.progress.write(self.redact(event["stdout"]) + "\n")
        if kind == "playbook_on_play_start":
            self._say(f"PLAY {data.get('play', '')}")
        elif kind == "playbook_on_task_start":
            self._say(f"TASK {data.get('task', '')}")
        elif kind == "playbook_on_handler_task_start":
            self._say(f"HANDLER {data.get('task', '')}")
        elif kind == "runner_on_start":
            self._started_at[(data.get("host", ""), data.get("task_uuid", ""))] = self.clock()
        elif kind in _RESULT_STATUS:
            self._record(kind, data)
        elif kind == "playbook_on_stats":
            self.stats = self._stats(data)
        return True

    def _record(self, kind: str, data: dict[str, Any]) -> None:
        res = data.get("res") or {}
        host = data.get("host", "")
        status = _RESULT_STATUS[kind]
        if status == "ok" and res.get("changed"):
            status = "changed"
        elif status == "failed" and data.get("ignore_errors"):
            status = "ignored"
        started = self._started_at.pop((host, data.get("task_uuid", "")), None)
        duration = data.get("duration")
        if not isinstance(duration, int | float):
            duration = self.clock() - started if started is not None else 0.0
        message = self.redact(_message(res)) if status in ("failed", "unreachable") else ""
        result = TaskResult(
            host=host,
            play=data.get("play", ""),
            task=data.get("task", ""),
            status=status,
            duration=float(duration),
            message=message,
            output=self.redact(str(res.get("stdout", ""))),
        )
        self.results.append(result)
        line = f"  {status.upper() if status in ('failed', 'unreachable') else status:<11}"
        line += f" {host}  {result.duration:.1f}s"
        if message:
            line += f"  {message.splitlines()[0][:200]}"
        self._say(line)

    @staticmethod
    def _stats(data: dict[str, Any]) -> dict[str, HostTotals]:
        totals: dict[str, HostTotals] = {}
        for key, status in _STATS_KEYS.items():
            for host, count in (data.get(key) or {}).items():
                totals.setdefault(host, HostTotals()).counts[status] = int(count)
        return totals

    def totals(self) -> dict[str, HostTotals]:
        """Per-host totals: ansible's own stats when the play got that far, else our count."""
        if self.stats is not None:
            return self.stats
        totals: dict[str, HostTotals] = {}
        for result in self.results:
            totals.setdefault(result.host, HostTotals()).counts[result.status] += 1
        return totals


def summary_table(totals: dict[str, HostTotals]) -> str:
    """The table printed at the end of a run, one row per host."""
    width = max([len("HOST"), *(len(host) for host in totals)])
    header = f"{'HOST':<{width}}  " + "  ".join(f"{s.upper():>11}" for s in STATUSES)
    rows = [
        f"{host:<{width}}  " + "  ".join(f"{t.counts[s]:>11}" for s in STATUSES)
        for host, t in sorted(totals.items())
    ]
    return "\n".join([header, *rows]) + "\n"
