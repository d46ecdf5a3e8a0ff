"""Make sure a fraud model is active: what the deploy runs once, after the migrations."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fraud.bootstrap import ValidationFailedError, ensure_active_model

# The deploy's changed_when reads this: keep it stable.
UNCHANGED = "fraud_bootstrap: a model is already active, nothing trained"


class Command(BaseCommand):
    help = (
        "Train, validate and activate a fraud model when none is active (labelled SYNTHETIC "
        "data); an active model is kept as it is.\n"
        "Example:\n"
        "  manage.py fraud_bootstrap"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--epochs", type=int, default=50)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = ensure_active_model(epochs=options["epochs"])
        except ValidationFailedError as exc:
            raise CommandError(str(exc)) from exc
        v = outcome.version
        if not outcome.trained:
            self.stdout.write(f"{UNCHANGED} (v{v.version}, {v.source})")
            return
        auc = v.report["validation"]["roc_auc"]
        self.stdout.write(
            f"fraud_bootstrap: trained and activated model v{v.version} ({v.feature_set}) on "
            f"{v.report['rows_used']} rows: threshold {v.threshold:.4f}, held-out ROC-AUC {auc:.3f}"
        )
