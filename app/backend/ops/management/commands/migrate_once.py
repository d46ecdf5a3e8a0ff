"""Apply migrations under a cluster-wide advisory lock: safe when several hosts start at once.

The second process waits for the lock, then finds nothing to apply.
"""

import logging
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from ops.database import wait_for_database
from ops.locks import advisory_lock
from ops.schema import pending_migrations

logger = logging.getLogger("ops.migrate_once")


class Command(BaseCommand):
    help = "Run `migrate` while holding a PostgreSQL advisory lock (one host at a time)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--db-timeout",
            type=float,
            default=60.0,
            help="seconds to wait for PostgreSQL to accept connections (default 60)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            wait_for_database(options["db_timeout"])
        except OperationalError as error:
            raise CommandError(
                f"Database unreachable after {options['db_timeout']:.0f}s: {error}. "
                "Check DB_HOST/DB_PORT and that PostgreSQL accepts this host."
            ) from error
        with advisory_lock("migrate"):
            pending = pending_migrations()
            if not pending:
                logger.info("Schema already current; nothing to apply", extra={"applied": 0})
                self.stdout.write("migrate_once: schema already current, applied 0 migrations")
                return
            logger.info("Applying %d migration(s)", len(pending), extra={"pending": len(pending)})
            call_command("migrate", interactive=False, verbosity=options["verbosity"] - 1)
        self.stdout.write(f"migrate_once: applied {len(pending)} migrations")
