"""microcred refresh_analytics [--enqueue] — recompute the pre-aggregated snapshot of every dashboard's default
figures (docs/decisions/0032), e.g. nightly from cron; filtered views are refreshed from their page. Prints a JSON
object last: {"snapshots": N, "seconds": …}."""
import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from microcred.accounts.models import Organization
from microcred.analytics import selectors, services, tasks


class Command(BaseCommand):
    help = "Recompute the pre-aggregated default figures of every dashboard."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Leave the work to the task worker")

    def handle(self, *args, enqueue, **options):
        started = time.perf_counter()
        boards = [selectors.Dashboard("platform", None)]
        boards += [selectors.Dashboard("state", o) for o in Organization.objects.filter(kind=Organization.Kind.STATE_AGENCY)]
        boards += [selectors.Dashboard("district", o) for o in Organization.objects.filter(kind=Organization.Kind.DISTRICT)]
        boards += [selectors.Dashboard("issuer", o) for o in
                   Organization.objects.filter(owned_micro_credentials__isnull=False).distinct()]
        count = 0
        for board in boards:
            snapshot = services.request_snapshot(board=board, filters=selectors.Filters(),
                                                 language=settings.LANGUAGE_CODE, by=None)
            if enqueue:
                tasks.build_snapshot.enqueue(snapshot_id=snapshot.pk)
            else:
                services.build_snapshot(snapshot.pk)
            count += 1
        self.stdout.write(json.dumps({"snapshots": count, "seconds": round(time.perf_counter() - started, 1)}))
