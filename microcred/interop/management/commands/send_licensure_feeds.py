"""microcred send_licensure_feeds: send every licensure feed that is due (run it hourly by a timer)."""
import json

from django.core.management.base import BaseCommand

from microcred.interop.feeds.services import send_due


class Command(BaseCommand):
    help = ("Send every active licensure feed whose time has come (daily or weekly; a failed one is tried again an "
            'hour later). The last line is JSON: {"feeds": N, "sent": N, "rows": N, "failed": N}.')

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(send_due()))
