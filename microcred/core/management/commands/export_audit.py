"""Write the audit trail (or part of it) to a file, for archiving or an auditor."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from microcred.core import audit


def _date(value: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"“{value}” is not a date; use YYYY-MM-DD.") from None
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


class Command(BaseCommand):
    help = "Export audit events, oldest first, as CSV (spreadsheet-safe) or JSON Lines."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write (use - for standard output).")
        parser.add_argument("--since", metavar="DATE", help="Only events on or after this day (YYYY-MM-DD).")
        parser.add_argument("--until", metavar="DATE", help="Only events before this day (YYYY-MM-DD).")
        parser.add_argument("--format", choices=["csv", "jsonl"], default=None,
                            help="csv or jsonl (default: from the file name, else csv).")
        parser.add_argument("--action", default="", help="An action, or a prefix ending in a dot (credential.).")

    def handle(self, *args, file, since=None, until=None, format=None, action="", **options):
        fmt = format or ("jsonl" if file.endswith((".jsonl", ".ndjson")) else "csv")
        qs = audit.events(action=action, since=_date(since) if since else None,
                          until=_date(until) if until else None).order_by("at", "id")
        lines = audit.csv_lines(qs) if fmt == "csv" else audit.jsonl_lines(qs)
        n = 0
        try:
            out = self.stdout if file == "-" else open(file, "w", newline="", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Could not write {file}: {exc.strerror}.") from None
        try:
            for line in lines:
                out.write(line)
                n += 1
        finally:
            if out is not self.stdout:
                out.close()
        events = n - 1 if fmt == "csv" else n
        if file != "-":
            self.stdout.write(f"Wrote {events} audit event(s) to {file} ({fmt}).")
