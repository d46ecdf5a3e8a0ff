"""List model versions of a kind, activate one, or roll back to the previous one."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fraud import registry, services


class Command(BaseCommand):
    help = (
        "List fraud model versions (default), --activate N, or --rollback; --json prints the "
        "active model (version, training data, metrics) as JSON instead, null if none. "
        "--kind logistic does the same for the logistic regression (default: the autoencoder)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--activate", type=int, metavar="VERSION")
        action.add_argument("--rollback", action="store_true")
        parser.add_argument("--json", action="store_true", help="the active model as JSON")
        parser.add_argument("--kind", choices=list(registry.KINDS), default="autoencoder")

    def handle(self, *args: Any, **options: Any) -> None:
        model = registry.KINDS[options["kind"]]
        try:
            if options["activate"] is not None:
                target = model.objects.defer("artifact").filter(version=options["activate"])
                if not target.exists():
                    raise CommandError(
                        f"no {model.label} v{options['activate']}; list them without options"
                    )
                registry.activate_version(target.get())
            elif options["rollback"]:
                registry.rollback(model)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            info = services.active_model_info(registry.active_version(model))
            self.stdout.write(json.dumps(info, sort_keys=True))
            return
        for v in model.objects.defer("artifact"):
            mark = "*" if v.is_active else " "
            self.stdout.write(
                f"{mark} v{v.version:<4} {v.feature_set:<8} threshold {v.threshold:.4f}  {v.source}"
            )
