"""Benchmark: a recognizer's qualifiers page, evaluated live (before decision 0040) and read from stored standings.

Usage: .venv/bin/python bench/qualifiers.py [--educators 20000] [--data-dir DIR] [--live-repeat 3] [--repeat 30]
                                            [--build-all] [--keep]

1. A world: `microcred migrate` and `microcred generate_scale_data --educators N --no-awards` into a fresh SQLite
   database in a temporary folder (or --data-dir, reused when it already holds one); with DATABASE_URL set
   (postgres://…) a fresh database on that server instead, dropped at the end.
2. "live": the page as it was before — `selectors.qualifiers` (every educator of the state evaluated) and the
   template rendered — timed --live-repeat times (it takes seconds to minutes; 0 skips it).
3. "build": `services.build_qualifier_standings` for the bench policy (scale-ar-renewal), what the task does once
   after the first view; with --build-all, "build_all": every published policy at once (`microcred rebuild_qualifiers`).
4. "stored": GET /recognition/policies/scale-ar-renewal/qualifiers/ as its recognizer, in-process (Django's test
   client), one warm-up and --repeat timed requests, with the SQL queries counted; the API likewise.
5. "event": one credential revoked (the signal's task run as a worker would): the educator's standings re-evaluated.
The last line printed is JSON: {"educators", "database", "live": {p50_ms, p95_ms, queries}, "stored": {…},
"api": {…}, "build_seconds", "build_all_seconds", "event_ms", …}.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from recognition import drop_postgres_database, manage, postgres_database  # noqa: E402

SLUG = "scale-ar-renewal"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(times: list[float], queries: list[int]) -> dict:
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1),
            "queries": max(queries), "samples": len(times)}


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(fn, repeat: int, *, warm: bool = True) -> dict:
    from django.db import connection

    times, queries = [], []
    for i in range(repeat + (1 if warm else 0)):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            fn()
            elapsed = (time.perf_counter() - started) * 1000
        if i or not warm:
            times.append(elapsed)
            queries.append(counter.count)
        print(f"  {elapsed:9.1f} ms, {counter.count} queries", file=sys.stderr)
    return summary(times, queries)


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--educators", type=int, default=20_000)
    parser.add_argument("--data-dir")
    parser.add_argument("--live-repeat", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--build-all", action="store_true", help="Also time a rebuild of every published policy.")
    options = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "")
    data_dir = Path(options.data_dir) if options.data_dir else Path(tempfile.mkdtemp(prefix="microcred-bench-qualifiers-"))
    env = {**os.environ, "MICROCRED_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "microcred.settings.dev"}
    env.pop("MICROCRED_DEBUG", None)
    bench_db = None
    if server_url:
        env["DATABASE_URL"], bench_db = postgres_database(server_url)
    try:
        generate_seconds = None
        if bench_db is not None or not (data_dir / "microcred.sqlite3").exists():
            manage(env, "migrate", "--verbosity", "0")
            started = time.perf_counter()
            manage(env, "generate_scale_data", "--educators", str(options.educators), "--no-awards")
            generate_seconds = round(time.perf_counter() - started, 1)
        else:
            manage(env, "migrate", "--verbosity", "0")
        os.environ.update({k: env[k] for k in ("MICROCRED_DATA_DIR", "DJANGO_SETTINGS_MODULE")})
        if bench_db:
            os.environ["DATABASE_URL"] = env["DATABASE_URL"]
        import django

        django.setup()
        from django.db import connection
        from django.template.loader import render_to_string
        from django.test import Client
        from django.test.utils import override_settings
        from django.utils import timezone

        from microcred.accounts.models import User
        from microcred.credentials.models import IssuedCredential
        from microcred.recognition import selectors, services
        from microcred.recognition.models import Policy, QualifierSnapshot

        policy = Policy.objects.select_related("recognizer").get(slug=SLUG, state=Policy.State.PUBLISHED)
        recognizer = User.objects.get(username="scale-recognizer-ar")
        educators = User.objects.filter(username__startswith="scale-educator-").count()
        print(f"{educators} educators; live page ×{options.live_repeat}", file=sys.stderr)

        def live():
            render_to_string("recognition/qualifiers.html", {"data": selectors.qualifiers(policy), "policy": policy,
                                                              "paging": {}})

        live_figures = timed(live, options.live_repeat, warm=False) if options.live_repeat else None

        QualifierSnapshot.objects.filter(policy=policy).delete()
        started = time.perf_counter()
        services.build_qualifier_standings([policy.pk], force=True)
        build_seconds = round(time.perf_counter() - started, 1)
        print(f"build of one policy: {build_seconds} s", file=sys.stderr)

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(recognizer)
        with override_settings(ALLOWED_HOSTS=["*"]):
            print("stored page", file=sys.stderr)
            page = timed(lambda: client.get(f"/recognition/policies/{SLUG}/qualifiers/"), options.repeat)
            print("stored API", file=sys.stderr)
            api = timed(lambda: client.get(f"/api/v1/recognition/policies/{SLUG}/qualifiers/"), options.repeat)
            page2 = timed(lambda: client.get(f"/recognition/policies/{SLUG}/qualifiers/?qualified_page=5&close_page=3"),
                          options.repeat)
        stored = selectors.stored_qualifiers(policy)

        credential = (IssuedCredential.objects.filter(revoked_at__isnull=True, earner_id__in=[
            r["educator"].pk for r in stored["qualified"]]).first())
        event_ms = None
        if credential is not None:  # the credential's revocation as data; then what the signal's task does
            IssuedCredential.objects.filter(pk=credential.pk).update(revoked_at=timezone.now())
            started = time.perf_counter()
            changed = services.update_qualifiers_for_educator(credential.earner_id, credential_id=str(credential.pk))
            event_ms = round((time.perf_counter() - started) * 1000, 1)
            print(f"revoking one credential: standings of {len(changed)} policies changed in {event_ms} ms", file=sys.stderr)

        build_all_seconds, built = None, []
        if options.build_all:
            started = time.perf_counter()
            built = services.build_qualifier_standings(
                list(Policy.objects.filter(state=Policy.State.PUBLISHED).values_list("pk", flat=True)), force=True)
            build_all_seconds = round(time.perf_counter() - started, 1)
            print(f"build of all {len(built)} published policies: {build_all_seconds} s", file=sys.stderr)
        result = {"educators": educators, "database": connection.vendor, "policy": SLUG,
                  "evaluated": selectors.educators_to_evaluate().__len__(),
                  "live": live_figures, "stored": page, "stored_later_pages": page2, "api": api,
                  "build_seconds": build_seconds, "build_all_seconds": build_all_seconds, "policies": len(built),
                  "event_ms": event_ms, "generate_seconds": generate_seconds,
                  "load_average": round(os.getloadavg()[0], 1)}
        connection.close()
        print(json.dumps(result))
        return result
    finally:
        if bench_db:
            drop_postgres_database(server_url, bench_db)
        if not options.keep and not options.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
