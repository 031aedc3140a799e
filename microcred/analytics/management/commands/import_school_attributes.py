"""microcred import_school_attributes CSV --org SLUG [--dry-run] — Title I, locale, high-need and enrollment of an
organization's schools from a CSV in the style of the federal school directory (NCES CCD). Problems one a line,
then a JSON object last: {"rows": …, "updated": …, "problems": …}."""
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import Organization
from microcred.analytics import schools, services


class Command(BaseCommand):
    help = "Import school attributes (NCES CCD style CSV) for an organization's schools."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--org", metavar="SLUG", required=True, help="The organization whose schools these are")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; change nothing")

    def handle(self, *args, path, org, dry_run, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organization has the slug {org!r}.")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path} is not a file.")
        if file.stat().st_size > schools.MAX_BYTES:
            raise CommandError(f"The file is larger than {schools.MAX_BYTES // (1024 * 1024)} MB; nothing was imported.")
        try:
            report = services.import_school_attributes(organization=organization, data=file.read_bytes(), by=None,
                                                       dry_run=dry_run)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        for row, column, message in report.problems:
            self.stdout.write(f"{row or '-'}:{column or '-'}: {message}")
        self.stdout.write(json.dumps({"rows": report.rows, "updated": report.updated,
                                      "problems": len(report.problems), "dry_run": dry_run}))
