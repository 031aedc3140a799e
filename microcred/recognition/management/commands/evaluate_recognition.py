"""Re-evaluate every educator against every published recognition policy (idempotent)."""
import time

from django.core.management.base import BaseCommand

from microcred.recognition.services import evaluate_all


class Command(BaseCommand):
    help = "Re-evaluate every educator's recognition awards against the published policies (safe to re-run)."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")

    def handle(self, *args, no_progress=False, **options):
        started = time.monotonic()
        out = self.stdout

        def bar(done, total, width=30):
            filled = int(width * done / total) if total else width
            out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} educators", ending="")
            out.flush()

        result = evaluate_all(progress=None if no_progress else bar)
        if not no_progress and result["educators"]:
            out.write("")
        out.write(self.style.SUCCESS(f"Evaluated {result['educators']} educators: {result['changes']} award changes "
                                     f"in {time.monotonic() - started:.1f} s."))
