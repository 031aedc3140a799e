"""Fill a fresh database with synthetic scale data for benchmarks (see demo/scale.py)."""
import json
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from microcred.demo.scale import ScaleDataRefused, generate, sizes


class ProgressBar:
    """One line on stderr, redrawn in place: stage, a bar, done/total and elapsed seconds."""

    def __init__(self, stream, started: float):
        self.stream, self.started, self.last = stream, started, (None, -1.0)

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.last[0] and done < total and now - self.last[1] < 0.5:
            return
        self.last = (stage, now)
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r{stage:<18} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {now - self.started:6.0f} s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = ("Build a synthetic state for benchmarks: 20 issuers, a catalog of MCs with rubrics (2,000 at 100,000 educators), "
            "N educators with profiles and their attempts, submissions, reviews, scores, decisions and issued credentials, "
            "assessors (1,000 at 100,000), educator facts, about 50 published recognition policies and their awards, and "
            "bench accounts with a known password. FOR BENCHMARK DATABASES ONLY: rows are bulk-inserted, and only the "
            "first credential of each MC is really signed: the others reuse its signed document with their own id, so "
            "their proofs do not verify. Refuses a database that holds anything but scale data unless --force. "
            "Progress goes to stderr; the last line on stdout is JSON of the counts and seconds.")

    def add_arguments(self, parser):
        parser.add_argument("--educators", type=int, default=100_000,
                            help="How many synthetic educators (default 100,000); every other count scales with it.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (the same seed builds the same data).")
        parser.add_argument("--micro-credentials", type=int, default=None,
                            help="How many MCs (default: educators / 50, at least the demo catalog's).")
        parser.add_argument("--no-awards", action="store_true", help="Skip evaluating the policies (no awards).")
        parser.add_argument("--force", action="store_true",
                            help="Add scale data to a database that already holds other data (never on a real deployment).")

    def handle(self, *args, educators, seed, force, no_awards, micro_credentials=None, **options):
        if educators < 1 or educators > 10_000_000:
            raise CommandError("--educators must be between 1 and 10,000,000.")
        if micro_credentials is not None and not 1 <= micro_credentials <= 100_000:
            raise CommandError("--micro-credentials must be between 1 and 100,000.")
        started = time.monotonic()
        quiet = options["verbosity"] == 0
        bar = ProgressBar(sys.stderr, started)
        try:
            counts = generate(educators=educators, seed=seed, force=force, awards=not no_awards, micro_credentials=micro_credentials,
                              log=lambda line: None, progress=(lambda *a: None) if quiet else bar)
        except ScaleDataRefused as refused:
            raise CommandError(str(refused)) from None
        accounts = counts.pop("accounts")
        if not quiet:
            sys.stderr.write(f"Bench accounts (password {accounts['password']}): {accounts['issuer_admins']}; "
                             f"{accounts['recognizers']}; {accounts['assessors']}; {accounts['earners']}\n")
        self.stdout.write(json.dumps({**counts, "planned": sizes(educators, micro_credentials), "seconds": round(time.monotonic() - started, 1)}))
