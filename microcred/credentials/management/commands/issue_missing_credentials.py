"""Issue the credential of every earned attempt that has none — the safety net behind the after-commit event.

An earned decision commits first and its ``attempt_earned`` event enqueues issuance after the commit; a process
that dies between the two leaves an earned attempt without a queued task. Run this daily (next to
``evaluate_recognition``): issuing is idempotent, so it never issues twice."""
from django.core.management.base import BaseCommand

from microcred.credentials.services import issue_for_attempt
from microcred.earning.models import Attempt


class Command(BaseCommand):
    help = "Issue the credential of every earned attempt that has none (idempotent; safe to schedule daily)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list the earned attempts without a credential.")

    def handle(self, *args, dry_run=False, **options):
        missing = list(Attempt.objects.filter(state=Attempt.State.EARNED, issued_credential__isnull=True)
                       .order_by("pk").values_list("pk", flat=True))
        if dry_run:
            for pk in missing:
                self.stdout.write(f"attempt {pk}: earned, no credential")
            self.stdout.write(f"{len(missing)} earned attempt(s) without a credential.")
            return
        issued = failed = 0
        for pk in missing:
            attempt = Attempt.objects.filter(pk=pk).first()
            try:
                issue_for_attempt(attempt)
                issued += 1
            except Exception as error:  # one bad attempt must not stop the rest; it is reported and retried next run
                failed += 1
                self.stderr.write(f"attempt {pk}: not issued — {error}")
        self.stdout.write(f"{issued} credential(s) issued, {failed} failed.")
        if failed:
            raise SystemExit(1)
