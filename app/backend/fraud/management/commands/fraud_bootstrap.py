"""Make sure a fraud model of each kind is active: what the deploy runs once, after the
migrations."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fraud.bootstrap import ValidationFailedError, ensure_active_models
from fraud.models import VersionedArtifact

# The deploy's changed_when reads this: keep it stable.
UNCHANGED = "fraud_bootstrap: a model is already active, nothing trained"


def _trained(v: VersionedArtifact) -> str:
    auc = v.report["validation"]["roc_auc"]
    return (
        f"fraud_bootstrap: trained and activated {v.label} v{v.version} ({v.feature_set}) on "
        f"{v.report['rows_used']} rows: threshold {v.threshold:.4f}, held-out ROC-AUC {auc:.3f}"
    )


class Command(BaseCommand):
    help = (
        "Train, validate and activate the autoencoder and the logistic regression when none "
        "of its kind is active (labelled SYNTHETIC data); an active model is kept as it is.\n"
        "Example:\n"
        "  manage.py fraud_bootstrap"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--epochs", type=int, default=50)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = ensure_active_models(epochs=options["epochs"])
        except ValidationFailedError as exc:
            raise CommandError(str(exc)) from exc
        v, c = outcome.version, outcome.classifier
        if not (outcome.trained or outcome.classifier_trained):
            self.stdout.write(f"{UNCHANGED} (v{v.version}, {v.source}; logistic v{c.version})")
            return
        for version, trained in ((v, outcome.trained), (c, outcome.classifier_trained)):
            if trained:
                self.stdout.write(_trained(version))
            else:
                self.stdout.write(
                    f"fraud_bootstrap: {version.label} v{version.version} kept active"
                )
