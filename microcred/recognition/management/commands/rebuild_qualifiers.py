"""Rebuild the stored qualifier standings (docs/decisions/0040) of every policy that has them, or of one."""
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from microcred.recognition.models import Policy, QualifierSnapshot
from microcred.recognition.services import build_qualifier_standings


class Command(BaseCommand):
    help = ("Re-evaluate every educator into the stored qualifier standings that the qualifiers pages read: of the "
            "policy given by --policy (its id), else of every published policy and every policy that already has "
            "standings. Events keep them current; run this nightly (cycle windows and expiries move with the date) "
            "and after bulk imports. Shows a progress bar on a terminal.")

    def add_arguments(self, parser):
        parser.add_argument("--policy", type=int, help="Only this policy version (its id).")
        parser.add_argument("--slug", help="Only this policy: its published version (else its newest), as the page shows.")
        parser.add_argument("--if-missing", action="store_true", help="Skip the policies that already have standings.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")

    def handle(self, *args, policy=None, slug=None, if_missing=False, no_progress=False, **options):
        if slug:
            versions = list(Policy.objects.filter(slug=slug).order_by("-version"))
            if not versions:
                raise CommandError(f"No policy with slug {slug!r}.")
            ids = [next((v for v in versions if v.state == Policy.State.PUBLISHED), versions[0]).pk]
        elif policy is not None:
            if not Policy.objects.filter(pk=policy).exists():
                raise CommandError(f"No policy with id {policy}.")
            ids = [policy]
        else:
            ids = sorted(set(Policy.objects.filter(state=Policy.State.PUBLISHED).values_list("pk", flat=True))
                         | set(QualifierSnapshot.objects.values_list("policy_id", flat=True)))
        if if_missing:
            ids = sorted(set(ids) - set(QualifierSnapshot.objects.filter(generation__gt=0).values_list("policy_id", flat=True)))
        started = time.monotonic()
        bar = None
        if not no_progress and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=0, unit="educators", desc="Qualifiers", file=sys.stderr)

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        try:
            built = build_qualifier_standings(ids, force=True, progress=progress if bar is not None else None) if ids else []
        finally:
            if bar is not None:
                bar.close()
        educators = built[0].total if built else 0
        self.stdout.write(self.style.SUCCESS(
            f"Rebuilt the qualifier standings of {len(built)} policies over {educators} educators "
            f"in {time.monotonic() - started:.1f} s."))
