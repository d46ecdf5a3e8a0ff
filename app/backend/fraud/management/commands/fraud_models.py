"""List model versions, activate one, or roll back to the previous one."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fraud import registry
from fraud.models import ModelVersion


class Command(BaseCommand):
    help = "List fraud model versions (default), --activate N, or --rollback."

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--activate", type=int, metavar="VERSION")
        action.add_argument("--rollback", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["activate"] is not None:
                target = ModelVersion.objects.defer("artifact").filter(version=options["activate"])
                if not target.exists():
                    raise CommandError(
                        f"no model v{options['activate']}; list them without options"
                    )
                registry.activate_version(target.get())
            elif options["rollback"]:
                registry.rollback()
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        for v in ModelVersion.objects.defer("artifact"):
            mark = "*" if v.is_active else " "
            self.stdout.write(
                f"{mark} v{v.version:<4} {v.feature_set:<8} threshold {v.threshold:.4f}  {v.source}"
            )
