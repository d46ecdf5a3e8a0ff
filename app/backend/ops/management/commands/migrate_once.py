"""Apply migrations under a cluster-wide advisory lock: safe when several hosts start at once.

The second process waits for the lock, then finds nothing to apply.
"""

import logging
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from ops.locks import advisory_lock
from ops.schema import pending_migrations

logger = logging.getLogger("ops.migrate_once")


class Command(BaseCommand):
    help = "Run `migrate` while holding a PostgreSQL advisory lock (one host at a time)."

    def handle(self, *args: Any, **options: Any) -> None:
        with advisory_lock("migrate"):
            pending = pending_migrations()
            if not pending:
                logger.info("Schema already current; nothing to apply", extra={"applied": 0})
                self.stdout.write("migrate_once: schema already current, applied 0 migrations")
                return
            logger.info("Applying %d migration(s)", len(pending), extra={"pending": len(pending)})
            call_command("migrate", interactive=False, verbosity=options["verbosity"] - 1)
        self.stdout.write(f"migrate_once: applied {len(pending)} migrations")
