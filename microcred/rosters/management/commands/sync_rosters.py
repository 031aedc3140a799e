"""microcred sync_rosters: run every scheduled roster sync that is due (from cron or a systemd timer)."""
from django.core.management.base import BaseCommand

from microcred.rosters import services


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        runs = services.run_due_syncs(log=self.stdout.write)
        self.stdout.write(f"{len(runs)} sync(s) run.")
