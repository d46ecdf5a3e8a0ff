"""`manage.py rollback_safety`: the migrations a rollback would leave behind, judged.

`--leaves` prints what this release knows (recorded in the release history at each
deploy); `--to LEAF...` judges, with this (newer) release's migration files, every
migration applied since the release that knew those leaves. Exit status 1 refuses.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.rollback import leaves, rollback_verdicts


class Command(BaseCommand):
    help = "Print this release's migration leaves, or judge a rollback to a release's leaves."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--leaves", action="store_true", help="this release's leaves as JSON")
        group.add_argument("--to", nargs="*", metavar="APP.MIGRATION", help="the target's leaves")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["leaves"]:
            self.stdout.write(json.dumps(leaves()))
            return
        try:
            verdicts = rollback_verdicts(options["to"])
        except KeyError as error:
            raise CommandError(
                f"this release does not know the target's migration {error.args[0]} "
                "(squashed or removed since): cannot tell whether a rollback is safe"
            ) from None
        unsafe = [v for v in verdicts if not v.safe]
        judged = [{"name": v.migration, "reasons": list(v.reasons)} for v in verdicts]
        self.stdout.write(json.dumps({"safe": not unsafe, "migrations": judged}))
        if unsafe:
            raise CommandError(
                "unsafe rollback: "
                + "; ".join(f"{v.migration} {', '.join(v.reasons)}" for v in unsafe)
            )
