"""Export every assessment score as CSV for researchers and for checking the reliability figures independently."""
from django.core.management.base import BaseCommand, CommandError

from microcred.assessment.reliability import score_rows, write_scores_csv


class Command(BaseCommand):
    help = ("Write one CSV row per score (first, second and adjudicator readings, and the agreed levels of anchor items): "
            "submission, attempt, mc, mc_version, part, criterion, rater, rater_role, level_index, level_name, scored_at. "
            "Raters appear under stable pseudonyms.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the CSV (use - for standard output).")

    def handle(self, *args, file, **options):
        if file == "-":
            write_scores_csv(score_rows(), self.stdout)
            return
        try:
            with open(file, "w", newline="", encoding="utf-8") as fh:
                n = write_scores_csv(score_rows(), fh)
        except OSError as exc:
            raise CommandError(f"Could not write {file}: {exc.strerror}.") from None
        self.stdout.write(f"Wrote {n} score(s) to {file}.")
