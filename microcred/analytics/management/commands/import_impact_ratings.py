"""microcred import_impact_ratings CSV --org SLUG [--dry-run] — evaluation or observation ratings of an opted-in
organization's educators by school year (columns educator, year, rating). Problems one a line, then a JSON object
last: {"rows": …, "updated": …, "problems": …}. The organization opts in on /analytics/impact/."""
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import Organization
from microcred.analytics import impact, services


class Command(BaseCommand):
    help = "Import evaluation or observation ratings (CSV: educator, year, rating) for an opted-in organization."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--org", metavar="SLUG", required=True, help="The organization whose educators these are")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; change nothing")

    def handle(self, *args, path, org, dry_run, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organization has the slug {org!r}.")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path} is not a file.")
        if file.stat().st_size > impact.MAX_BYTES:
            raise CommandError(f"The file is larger than {impact.MAX_BYTES // (1024 * 1024)} MB; nothing was imported.")
        try:
            report = services.import_impact_ratings(organization=organization, data=file.read_bytes(), by=None,
                                                    dry_run=dry_run)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        for row, column, message in report.problems:
            self.stdout.write(f"{row or '-'}:{column or '-'}: {message}")
        self.stdout.write(json.dumps({"rows": report.rows, "updated": report.updated,
                                      "problems": len(report.problems), "dry_run": dry_run}))
