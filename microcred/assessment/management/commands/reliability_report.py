"""Print the reliability figures of scoring, overall and per micro-credential."""
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from microcred.assessment.reliability import UnknownMicroCredential, report

COLUMNS = (("n_reviews", "reviews"), ("n_pairs", "pairs"), ("exact_agreement", "exact"), ("adjacent_agreement", "adjacent"),
           ("cohen_kappa", "kappa"), ("quadratic_weighted_kappa", "QWK"), ("krippendorff_alpha", "alpha"),
           ("gwet_ac1", "AC1 p/f"), ("pass_rate", "pass rate"))


def _day(value: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"“{value}” is not a date (YYYY-MM-DD).") from None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class Command(BaseCommand):
    help = ("Reliability of double scoring per micro-credential and overall: exact and adjacent agreement, Cohen's kappa, "
            "quadratic weighted kappa, Krippendorff's alpha (ordinal) and Gwet's AC1 on pass/fail.")

    def add_arguments(self, parser):
        parser.add_argument("--mc", metavar="SLUG", help="Only this micro-credential.")
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="Reviews decided (or second-scored) on or after this day.")
        parser.add_argument("--until", metavar="YYYY-MM-DD", help="… and before this day.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the figures as JSON.")

    def handle(self, *args, mc=None, since=None, until=None, as_json=False, **options):
        try:
            figures = report(mc_slug=mc, since=_day(since) if since else None, until=_day(until) if until else None)
        except UnknownMicroCredential as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            self.stdout.write(json.dumps(figures, indent=2))
            return
        rows = [("overall", figures["overall"])] + list(figures["micro_credentials"].items())
        width = max(len(name) for name, _ in rows)
        self.stdout.write(" ".join([f"{'scope':<{width}}"] + [f"{label:>9}" for _, label in COLUMNS]))
        for name, row in rows:
            cells = []
            for key, _ in COLUMNS:
                value = row[key]
                cells.append(f"{'—' if value is None else value:>9}")
            self.stdout.write(" ".join([f"{name:<{width}}"] + cells))

