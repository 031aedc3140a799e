"""Export assessment fee obligations as CSV for finance (recorded here, paid elsewhere)."""
from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import Organization
from microcred.earning.fees import fee_obligations, write_fee_csv


class Command(BaseCommand):
    help = "Write one CSV row per attempt carrying an assessment fee: who owes it (earner or sponsor) and to which issuer."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the CSV (use - for standard output).")
        parser.add_argument("--organization", metavar="SLUG", help="Only attempts this organization sponsors or issues.")

    def handle(self, *args, file, organization=None, **options):
        org = None
        if organization:
            org = Organization.objects.filter(slug=organization).first()
            if org is None:
                raise CommandError(f"No organization with the identifier “{organization}”.")
        rows = fee_obligations(organization=org)
        if file == "-":
            n = write_fee_csv(rows, self.stdout)
        else:
            try:
                with open(file, "w", newline="", encoding="utf-8") as fh:
                    n = write_fee_csv(rows, fh)
            except OSError as exc:
                raise CommandError(f"Could not write {file}: {exc.strerror}.") from None
            self.stdout.write(f"Wrote {n} fee obligation(s) to {file}.")
