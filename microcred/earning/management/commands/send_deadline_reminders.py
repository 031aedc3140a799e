"""Remind cohort members with unfinished work that the deadline is near (schedule daily)."""
from django.core.management.base import BaseCommand, CommandError

from microcred.earning.retention import send_deadline_reminders


class Command(BaseCommand):
    help = "Notify cohort members with a draft or “not yet” attempt when the cohort deadline is within --days days (once each)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="How many days before the deadline to remind (default 3).")

    def handle(self, *args, days, **options):
        if not 0 < days <= 60:
            raise CommandError("--days must be between 1 and 60.")
        sent = send_deadline_reminders(days=days)
        self.stdout.write(f"Sent {sent} deadline reminder(s).")
