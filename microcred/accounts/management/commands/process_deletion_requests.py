"""microcred process_deletion_requests: daily; process account deletion requests past their grace period and
delete expired "download my data" files. The last line printed is JSON: {"completed", "waiting", "exports_expired"}."""
import json

from django.core.management.base import BaseCommand

from microcred.accounts import privacy


class Command(BaseCommand):
    help = "Process account deletion requests past their grace period; delete expired data downloads."

    def handle(self, *args, **options):
        result = privacy.process_due_deletions()
        self.stdout.write(f"{result['completed']} account(s) deleted, {result['waiting']} waiting for a blocker, "
                          f"{result['exports_expired']} expired download(s) deleted.")
        self.stdout.write(json.dumps(result))
