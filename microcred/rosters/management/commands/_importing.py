"""What import_roster and import_educator_facts share: options, the organization, the JSON last line."""
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import Organization
from microcred.rosters import services

SHOWN_PROBLEMS = 50


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("path", help="A OneRoster folder or .zip, or a .csv file")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; change nothing")
        parser.add_argument("--org", metavar="SLUG",
                            help="The importing organization (default: the only district or state agency, if one)")

    def _organization(self, slug):
        if slug:
            org = Organization.objects.filter(slug=slug).first()
            if org is None:
                raise CommandError(f"No organization has the slug {slug!r}.")
            return org
        candidates = list(Organization.objects.filter(
            kind__in=[Organization.Kind.DISTRICT, Organization.Kind.STATE_AGENCY])[:2])
        if len(candidates) != 1:
            raise CommandError("Name the importing organization with --org SLUG.")
        return candidates[0]

    def handle(self, *args, path, dry_run, org, **options):
        organization = self._organization(org)
        stored = []
        try:
            result, run = services.import_path(path=path, organization=organization, kind=self.kind, dry_run=dry_run)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        problems = result.problems
        if run is not None:
            stored = list(run.problems.values_list("file", "row", "column", "message")[:SHOWN_PROBLEMS])
            problems = stored
            self.stdout.write(f"Import #{run.pk}: {run.get_state_display()}. {run.message}".rstrip())
        elif result.message:
            self.stdout.write(result.message)
        for file, row, column, message in problems[:SHOWN_PROBLEMS]:
            self.stdout.write(f"{file}:{row or '-'}:{column or '-'}: {message}")
        if result.errors > SHOWN_PROBLEMS:
            self.stdout.write(f"… {result.errors - SHOWN_PROBLEMS} more problems (see the import's page)")
        if result.skipped:
            self.stdout.write(f"Skipped {result.skipped} rows of students, parents, guardians or relatives "
                              "(never imported, nothing about them kept).")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        self.stdout.write(json.dumps(result.counts()))
