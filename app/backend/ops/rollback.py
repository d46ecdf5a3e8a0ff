"""May the shop go back to an earlier release once this one's migrations have run?

The project's rule is expand/contract: a release may only *expand* the schema in a
way the previous code does not notice (new tables, new nullable columns, new
indexes, data changes); removing, renaming or tightening anything (contract) ships
in a later release, once no code that needs the old shape runs. A rollback is safe
when every migration applied since the target release is expansive; anything else
would leave the older code on a schema it cannot use, so the rollback is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations import operations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations.base import Operation
from django.db.models import NOT_PROVIDED

# Invisible to code that predates them: it never reads or writes what they add.
_EXPANSIVE = (
    operations.CreateModel,
    operations.AddIndex,
    operations.AlterModelOptions,
    operations.AlterModelManagers,
    operations.RunPython,
)


def contracting_reason(operation: Operation) -> str | None:
    """Why older code could break on the schema after `operation`, or None if it cannot."""
    if isinstance(operation, operations.SeparateDatabaseAndState):
        reasons = [contracting_reason(op) for op in operation.database_operations]
        return next((reason for reason in reasons if reason), None)
    if isinstance(operation, operations.AddField):
        field = operation.field
        # Older code inserts rows without the column: it must accept NULL or have a
        # default in the database itself (Django drops a Python default after adding).
        if field.many_to_many or field.null or field.db_default is not NOT_PROVIDED:
            return None
        return (
            f"adds the NOT NULL column {operation.model_name_lower}.{operation.name} "
            "without a database default: older code cannot insert rows"
        )
    if isinstance(operation, _EXPANSIVE):
        return None
    return f"{type(operation).__name__} ({operation.describe()}) changes what older code relies on"


@dataclass(frozen=True)
class MigrationVerdict:
    migration: str
    reasons: tuple[str, ...]

    @property
    def safe(self) -> bool:
        return not self.reasons


def judge(
    migration_operations: Iterable[tuple[str, Iterable[Operation]]],
) -> list[MigrationVerdict]:
    """One verdict per (`app.name`, its operations)."""
    return [
        MigrationVerdict(name, tuple(r for r in map(contracting_reason, ops) if r))
        for name, ops in migration_operations
    ]


def leaves(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The latest migration of every app in this code, as `app.name`: what a release knows."""
    loader = MigrationExecutor(connections[alias]).loader
    return sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes())


def applied_since(target_leaves: Iterable[str], alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Migrations the database has applied that a release knowing `target_leaves` lacks.

    Raises KeyError for a leaf this code does not know (the target is no ancestor of it)."""
    loader = MigrationExecutor(connections[alias]).loader
    known: set[tuple[str, str]] = set()
    for leaf in target_leaves:
        key = tuple(leaf.split(".", 1))
        if key not in loader.graph.nodes:
            raise KeyError(leaf)
        known.update(loader.graph.forwards_plan(key))
    applied = set(loader.applied_migrations or {})
    return [
        f"{app}.{name}"
        for app, name in sorted(applied & set(loader.graph.nodes))
        if (app, name) not in known
    ]


def rollback_verdicts(
    target_leaves: Iterable[str], alias: str = DEFAULT_DB_ALIAS
) -> list[MigrationVerdict]:
    """A verdict for every migration applied since the release that knew `target_leaves`."""
    graph = MigrationExecutor(connections[alias]).loader.graph
    return judge(
        (name, graph.nodes[tuple(name.split(".", 1))].operations)
        for name in applied_since(target_leaves, alias)
    )
