"""Train an anomaly detector, register it as a new version and (by default) activate it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fraud.data import signal_rows_from_database
from fraud.ml.datasets import DatasetError, load_seed_sqlite, parse_csv
from fraud.ml.detector import InvalidRowsError
from fraud.ml.signals import signal_rows
from fraud.ml.synthetic import card_transactions
from fraud.registry import train_and_register


class Command(BaseCommand):
    help = (
        "Train the fraud autoencoder and register a new model version.\n"
        "Examples:\n"
        "  manage.py fraud_train --synthetic                 # demo model on SYNTHETIC data\n"
        "  manage.py fraud_train --database                  # the shop's own orders\n"
        "  manage.py fraud_train --csv log.csv               # signals from a transaction log\n"
        "  manage.py fraud_train --sqlite seed_db.sqlite3 --feature-set seed --no-activate"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--synthetic", action="store_true", help="labelled synthetic stream")
        source.add_argument("--database", action="store_true", help="orders paid with saved cards")
        source.add_argument("--csv", type=Path, help="CSV (seed columns, features or transactions)")
        source.add_argument("--sqlite", type=Path, help="the original app's SQLite database")
        parser.add_argument("--feature-set", choices=["seed", "signals"], default="signals")
        parser.add_argument("--epochs", type=int, default=50)
        parser.add_argument("--no-activate", action="store_true", help="keep the current model")

    def handle(self, *args: Any, **options: Any) -> None:
        feature_set = options["feature_set"]
        try:
            if options["synthetic"]:
                data = card_transactions()
                if feature_set == "seed":
                    rows: list[dict[str, object]] = [t.seed_row() for t in data]
                else:
                    rows = [dict(r) for r in signal_rows(t.tx for t in data)]
                source = "synthetic"
            elif options["database"]:
                if feature_set != "signals":
                    raise CommandError(
                        "--database trains the signals feature set: the seed's columns need "
                        "full card numbers, which the shop never stores"
                    )
                rows = signal_rows_from_database()
                source = "database"
            elif options["csv"]:
                rows = parse_csv(options["csv"].read_text(encoding="utf-8"), feature_set)
                source = f"csv:{options['csv'].name}"
            else:
                if feature_set != "seed":
                    raise CommandError(
                        "--sqlite holds the seed's card table: add --feature-set seed"
                    )
                rows = load_seed_sqlite(options["sqlite"])
                source = f"sqlite:{options['sqlite'].name}"
            version = train_and_register(
                rows,
                feature_set,
                source,
                activate=not options["no_activate"],
                epochs=options["epochs"],
            )
        except (OSError, DatasetError, InvalidRowsError) as exc:
            raise CommandError(f"{exc}. The active model is unchanged.") from exc
        report = version.report
        self.stdout.write(
            f"model v{version.version} ({feature_set}) trained on {report['rows_used']} rows in "
            f"{report['train_seconds']:.2f} s: threshold {version.threshold:.4f}, "
            f"{'active' if version.is_active else 'not activated'}"
        )
