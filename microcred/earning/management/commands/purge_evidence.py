"""Purge raw evidence files past their issuer's retention period (schedule daily)."""
from django.core.management.base import BaseCommand

from microcred.earning.retention import purge_expired_evidence


class Command(BaseCommand):
    help = "Delete the stored bytes of evidence files past the issuer's evidence retention period (records, scores and feedback stay)."

    def handle(self, *args, **options):
        purged = purge_expired_evidence()
        self.stdout.write(f"Purged {purged} evidence file(s).")
