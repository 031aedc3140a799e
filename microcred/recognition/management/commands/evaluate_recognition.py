"""Re-evaluate every educator against every published recognition policy (idempotent)."""
import sys
import time

from django.core.management.base import BaseCommand

from microcred.recognition.services import evaluate_all


class Command(BaseCommand):
    help = ("Re-evaluate every educator's recognition awards against the published policies, in batches (safe to "
            "re-run: a second run writes nothing). Shows a progress bar on a terminal.")

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")

    def handle(self, *args, no_progress=False, **options):
        started = time.monotonic()
        bar = None
        if not no_progress and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=0, unit="educators", desc="Evaluating", file=sys.stderr)

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        try:
            result = evaluate_all(progress=progress if bar is not None else None)
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(self.style.SUCCESS(
            f"Evaluated {result['educators']} educators under {result['policies']} published policies: "
            f"{result['changes']} award changes, {result['awards']} active awards, in {time.monotonic() - started:.1f} s."))
