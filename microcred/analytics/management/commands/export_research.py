"""microcred export_research DIR [--k N] — write the de-identified research export (docs/analytics.md) into DIR
(created; must be empty). Prints a JSON object last: {"files": …, "rows": …, "suppressed_rows": …, "k": …}."""
import json

from django.core.management.base import BaseCommand, CommandError

from microcred.analytics import research


class Command(BaseCommand):
    help = "Write de-identified research CSVs (pseudonymous ids, coarsened dates, k-anonymous) into DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--k", type=int, default=None, help="k-anonymity (default: MICROCRED_RESEARCH_K, 10); at least 5")

    def handle(self, *args, directory, k, **options):
        if k is not None and k < 5:
            raise CommandError("k must be at least 5.")
        try:
            summary = research.export(directory, by=None, k=k)
        except FileExistsError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(summary))
