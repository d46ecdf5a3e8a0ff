"""`manage.py import_legacy db.sqlite3`: bring the original shop's data over, once."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.legacy import LegacyImportError, import_legacy


class Command(BaseCommand):
    help = (
        "Import the original application's SQLite database (users with their password "
        "hashes, addresses, cards reduced to brand/last4/expiry, orders, products). "
        "Runs in one transaction and can be run again safely.\n\n"
        "Example: python manage.py import_legacy /data/db.sqlite3"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sqlite_path", type=Path, help="the original db.sqlite3")
        parser.add_argument(
            "--in-stock-units",
            type=int,
            default=10,
            help="stock given to products the original marked 'in stock' (default 10)",
        )
        parser.add_argument(
            "--currency", default="inr", help="currency of the original's prices (default inr)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = import_legacy(
                options["sqlite_path"],
                in_stock_units=options["in_stock_units"],
                currency=options["currency"],
            )
        except LegacyImportError as error:
            raise CommandError(str(error)) from error
        for line in summary.lines():
            self.stdout.write(f"import_legacy: {line}")
