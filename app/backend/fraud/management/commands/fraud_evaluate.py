"""Measured quality: both feature sets on labelled synthetic data, the logistic regression."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fraud.ml import evaluation


class Command(BaseCommand):
    help = (
        "Evaluate the autoencoder feature sets (precision, recall, F1, ROC-AUC on SYNTHETIC "
        "labelled data) and the logistic regression (PR curve, confusion matrix).\n"
        "  manage.py fraud_evaluate --out reports/fraud [--creditcard creditcard.csv]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=Path("reports/fraud"))
        parser.add_argument("--creditcard", type=Path)
        parser.add_argument("--epochs", type=int, default=50)

    def handle(self, *args: Any, **options: Any) -> None:
        argv = ["--out", str(options["out"]), "--epochs", str(options["epochs"])]
        if options["creditcard"]:
            argv += ["--creditcard", str(options["creditcard"])]
        if evaluation.main(argv) != 0:
            raise CommandError("evaluation failed; see the message above")
