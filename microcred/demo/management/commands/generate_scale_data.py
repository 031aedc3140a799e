"""Fill a fresh database with synthetic scale data for benchmarks (see demo/scale.py)."""
import time

from django.core.management.base import BaseCommand, CommandError

from microcred.demo.scale import ScaleDataRefused, generate


class Command(BaseCommand):
    help = ("Build a synthetic state for benchmarks: organizations, the demo catalog's MCs and stacks, N educators with "
            "profiles, earned attempts and issued credentials, educator facts and about 50 published recognition "
            "policies. FOR BENCHMARK DATABASES ONLY: rows are bulk-inserted, attempts carry no evidence or scores, and "
            "every issued credential holds a small UNSIGNED placeholder document instead of a signed Open Badge "
            "(signing 100,000s would take hours). Refuses a database that holds anything but scale data unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("--educators", type=int, default=1000, help="How many synthetic educators (default 1000).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (the same seed builds the same data).")
        parser.add_argument("--force", action="store_true",
                            help="Add scale data to a database that already holds other data (never on a real deployment).")

    def handle(self, *args, educators, seed, force, **options):
        if educators < 1 or educators > 10_000_000:
            raise CommandError("--educators must be between 1 and 10,000,000.")
        started = time.monotonic()
        try:
            counts = generate(educators=educators, seed=seed, force=force,
                              log=lambda line: self.stdout.write(f"  {line}") if options["verbosity"] > 0 else None)
        except ScaleDataRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Scale data: {counts['educators']} educators, {counts['credentials']} issued credentials (unsigned placeholders), "
            f"{counts['external']} imported, {counts['facts']} facts, {counts['policies']} published policies "
            f"in {time.monotonic() - started:.1f} s."))
