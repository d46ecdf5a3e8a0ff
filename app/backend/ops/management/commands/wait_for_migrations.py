"""Block until another host has migrated the database, or give up after a bounded wait."""

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection

from ops.schema import pending_migrations

logger = logging.getLogger("ops.wait_for_migrations")


class Command(BaseCommand):
    help = "Wait until every migration of this release is applied (RUN_MIGRATIONS unset)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=float, default=settings.MIGRATION_WAIT_SECONDS)
        parser.add_argument("--interval", type=float, default=2.0)

    def handle(self, *args: Any, **options: Any) -> None:
        deadline = time.monotonic() + options["timeout"]
        announced = False
        while True:
            try:
                pending = pending_migrations()
                reason = f"{len(pending)} migration(s) pending"
            except DatabaseError as error:
                pending, reason = ["?"], f"database unreachable ({error})".strip()
                connection.close()
            if not pending:
                self.stdout.write("wait_for_migrations: schema current")
                return
            if not announced:
                logger.info(
                    "Waiting up to %.0fs for the schema to be migrated by another host "
                    "(run `manage.py migrate_once` there, or start one host with "
                    "RUN_MIGRATIONS=true): %s",
                    options["timeout"],
                    reason,
                )
                announced = True
            if time.monotonic() >= deadline:
                raise CommandError(
                    f"Schema still not current after {options['timeout']:.0f}s: {reason}. "
                    "Run `python manage.py migrate_once` on one host, then restart this one."
                )
            time.sleep(options["interval"])
