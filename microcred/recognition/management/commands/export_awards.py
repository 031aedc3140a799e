"""Export a recognizer's awards as CSV for licensure and payroll systems (the same file as the recognizer page)."""
from django.core.management.base import BaseCommand, CommandError

from microcred.accounts.models import Organization
from microcred.recognition import selectors
from microcred.recognition.exports import csv_lines


class Command(BaseCommand):
    help = ("Write one CSV row per award under the recognizer's policies for educators in its jurisdiction: "
            + ", ".join(selectors.EXPORT_COLUMNS) + ". Cells that would start a spreadsheet formula get a leading apostrophe.")

    def add_arguments(self, parser):
        parser.add_argument("recognizer", help="Slug of the recognizing organization, e.g. state-agency.")
        parser.add_argument("file", help="Where to write the CSV (use - for standard output).")
        parser.add_argument("--policy", help="Only awards under this policy slug.")
        parser.add_argument("--state", choices=["active", "withdrawn", "all"], default="active", help="Default: active.")

    def handle(self, *args, recognizer, file, policy=None, state="active", **options):
        org = Organization.objects.filter(slug=recognizer).first()
        if org is None:
            raise CommandError(f"No organization with the slug “{recognizer}”.")
        rows = selectors.awards_export(org, policy_slug=policy, state=None if state == "all" else state)
        if file == "-":
            for line in csv_lines(rows):
                self.stdout.write(line, ending="")
            return
        count = -1  # the header is not an award
        try:
            with open(file, "w", newline="", encoding="utf-8") as fh:
                for line in csv_lines(rows):
                    fh.write(line)
                    count += 1
        except OSError as exc:
            raise CommandError(f"Could not write {file}: {exc.strerror}.") from None
        self.stdout.write(f"Wrote {count} award(s) of {org.name} to {file}.")
