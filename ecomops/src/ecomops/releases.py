"""Release history per app server, and going back to the previous good release.

Every deploy that changes an app server appends one JSON line to the host's history
(roles/release_history): the image tag, when, who or what deployed it, the outcome
(`deployed`, `canary_failed`, `rolled_back`) and the migrations that release knew.
`ecomops history` reads it across the fleet; a rollback deploys the tag the fleet ran
before, once the newer release's code has judged that its migrations allow it
(`manage.py rollback_safety`, expand/contract).
"""

from __future__ import annotations

import json
import shlex
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecomops.errors import EcomopsError, ExitCode
from ecomops.events import EventTracker
from ecomops.runner import private_data_dir, run_command

# roles/release_history's release_history_file default.
HISTORY_FILE = "/var/lib/ecomops/releases.jsonl"
# Outcomes after which the host serves the entry's tag, judged good.
GOOD = ("deployed", "rolled_back")


@dataclass(frozen=True)
class Entry:
    tag: str
    at: str
    by: str
    outcome: str
    detail: str
    migrations: tuple[str, ...]

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Entry:
        return cls(
            tag=str(doc.get("tag", "")),
            at=str(doc.get("at", "")),
            by=str(doc.get("by", "")),
            outcome=str(doc.get("outcome", "")),
            detail=str(doc.get("detail", "")),
            migrations=tuple(doc.get("migrations") or ()),
        )

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "migrations": list(self.migrations)}


def parse_history(text: str) -> list[Entry]:
    """The JSON lines of a history file, oldest first; unreadable lines are skipped."""
    entries = []
    for line in text.splitlines():
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict):
            entries.append(Entry.from_json(doc))
    return entries


def read_fleet(project_dir: Path, inventory: Path) -> dict[str, list[Entry]]:
    """Every app server's history (empty for a host never deployed with history)."""
    tracker = EventTracker(None)
    with private_data_dir() as data_dir:
        run_command(project_dir, inventory, "app_servers", f"cat {HISTORY_FILE}", tracker, data_dir)
    unreachable = [r.host for r in tracker.results if r.status == "unreachable"]
    if unreachable:
        raise EcomopsError(
            f"cannot read the release history of {', '.join(sorted(unreachable))}: unreachable",
            ExitCode.UNREACHABLE,
        )
    return {r.host: parse_history(r.output) for r in sorted(tracker.results, key=lambda r: r.host)}


def good_releases(entries: list[Entry]) -> list[Entry]:
    """The releases a host served in turn, judged good, oldest first (repeats merged)."""
    served: list[Entry] = []
    for entry in entries:
        if entry.outcome not in GOOD:
            continue
        if served and served[-1].tag == entry.tag:
            served[-1] = entry
        else:
            served.append(entry)
    return served


def fleet_release(fleet: dict[str, list[Entry]]) -> Entry | None:
    """The good release most app servers serve now (the last good entry of each)."""
    current = [good[-1] for good in map(good_releases, fleet.values()) if good]
    if not current:
        return None
    tag, _ = Counter(e.tag for e in current).most_common(1)[0]
    return next(e for e in current if e.tag == tag)


def previous_release(fleet: dict[str, list[Entry]], current_tag: str) -> Entry:
    """The good release the fleet ran before `current_tag`, agreed by every host that knows one."""
    before = {}
    for host, entries in fleet.items():
        tags = [e for e in good_releases(entries) if e.tag != current_tag]
        if tags:
            before[host] = tags[-1]
    if not before:
        raise EcomopsError(
            f"no app server's history names a good release before {current_tag}: "
            "nothing to roll back to (`ecomops history` shows what is known)"
        )
    if len({e.tag for e in before.values()}) > 1:
        listing = ", ".join(f"{h}: {e.tag}" for h, e in sorted(before.items()))
        raise EcomopsError(
            f"the app servers ran different releases before {current_tag} ({listing}); "
            "pass --to TAG to say which one to return to"
        )
    return next(iter(before.values()))


def render_history(fleet: dict[str, list[Entry]], last: int) -> str:
    rows = [
        (host, e.at, e.tag, e.outcome, e.by, e.detail)
        for host, entries in sorted(fleet.items())
        for e in entries[-last:]
    ]
    header = ("HOST", "AT", "TAG", "OUTCOME", "BY", "DETAIL")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r[:5], widths, strict=False)) + "  " + r[5]
             for r in [header, *rows]]  # fmt: skip
    return "\n".join(line.rstrip() for line in lines) + "\n"


def check_migrations(
    project_dir: Path, inventory: Path, newer_hosts: list[str], target: Entry
) -> None:
    """Refuse a rollback to `target` that the newer code's migrations do not allow.

    `manage.py rollback_safety` runs in a backend of the newer release (only it has the
    newer migration files), on the first of `newer_hosts` that answers."""
    if not target.migrations:
        raise EcomopsError(
            f"release {target.tag} recorded no migrations in its history, so whether the schema "
            "still suits it cannot be told: roll back by deploying it with `ecomops deploy "
            f"--image-tag {target.tag}` once you have checked the migrations yourself"
        )
    command = "docker exec ecommerce-backend python manage.py rollback_safety --to " + " ".join(
        shlex.quote(m) for m in target.migrations
    )
    tracker = EventTracker(None)
    with private_data_dir() as data_dir:
        run_command(project_dir, inventory, ",".join(newer_hosts), command, tracker, data_dir)
    for result in tracker.results:
        # An ad-hoc command always reports a change: "changed" is its success.
        if result.status in ("ok", "changed"):
            return
        if result.status == "failed" and "rollback" in result.message:
            raise EcomopsError(
                f"refusing to roll back to {target.tag}: {result.message.strip()}. "
                "Older code would break on this schema; fix forward with a new release instead",
                ExitCode.TASK_FAILED,
            )
    raise EcomopsError(
        f"no backend of the newer release ({', '.join(newer_hosts)}) could judge its "
        "migrations, so the rollback is not attempted: "
        + "; ".join(f"{r.host}: {r.message.strip()[:200]}" for r in tracker.results),
        ExitCode.TASK_FAILED,
    )


def hosts_on(fleet: dict[str, list[Entry]], tag: str) -> list[str]:
    """Hosts whose latest entry, whatever its outcome, installed `tag`."""
    return sorted(host for host, entries in fleet.items() if entries and entries[-1].tag == tag)
