"""Benchmark: render every kind of analytics dashboard over a synthetic state.

Usage: .venv/bin/python bench/analytics.py [--educators N] [--repeat R] [--data-dir DIR] [--keep]
                                           [--pages NAME,…] [--boards KIND,…] [--skip-live] [--live-only]

Makes a throwaway data folder with a fresh SQLite database (or reuses --data-dir), migrates and runs
`microcred generate_scale_data --educators N` (default 100,000; not timed), gives a third of the scale schools
attributes, then requests the platform, a state, a district and an issuer dashboard R times each (default 5) through
Django's test client as a platform admin, the demand section's own pages, and the district dashboard's CSVs and API — first with no snapshot as a reader gets it (``nosnapshot_NAME``: computed in the request on a
small platform, deferred to the background above MICROCRED_ANALYTICS_LIVE_LIMIT attempts), forced live
(``live_NAME``: the slow sections not shown; skipped with --skip-live), then from the pre-aggregated snapshots the refresh task builds (``NAME``;
docs/decisions/0032), whose build times are printed too. Target: under 1 s each.
The last line printed is JSON: {"educators": …, "pages": {NAME: {"p50_ms": …, "p95_ms": …, "queries": …}},
"refresh_seconds": {KIND: …}}.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "microcred.manage", *args], env=env, cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--educators", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--pages", help="comma-separated page names to measure (default: every page)")
    parser.add_argument("--boards", default="platform,state,district,issuer",
                        help="comma-separated snapshot kinds to build (default: all four; the platform's takes longest)")
    parser.add_argument("--live-only", action="store_true", help="skip building snapshots (minutes at state scale)")
    parser.add_argument("--skip-live", action="store_true",
                        help="skip computing every page in the request (minutes per page at state scale)")
    options = parser.parse_args()
    data_dir = Path(options.data_dir) if options.data_dir else Path(tempfile.mkdtemp(prefix="microcred-bench-analytics-"))
    env = {**os.environ, "MICROCRED_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "microcred.settings.dev"}
    env.pop("MICROCRED_DEBUG", None)
    try:
        # With DATABASE_URL the world is in that database: generated once (bench/pages.py leaves generated.json).
        fresh = not ((data_dir / "generated.json") if os.environ.get("DATABASE_URL") else (data_dir / "microcred.sqlite3")).exists()
        manage(env, "migrate", "--verbosity", "0")  # a kept --data-dir gets the newer migrations too
        if fresh:
            manage(env, "generate_scale_data", "--educators", str(options.educators))
        os.environ.update({k: env[k] for k in ("MICROCRED_DATA_DIR", "DJANGO_SETTINGS_MODULE")})
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from microcred.accounts.models import Membership, Organization, User
        from microcred.analytics.models import SchoolProfile

        settings.ALLOWED_HOSTS = ["*"]
        schools = list(Organization.objects.filter(kind="school").values_list("pk", flat=True))
        SchoolProfile.objects.bulk_create(
            [SchoolProfile(organization_id=pk, locale=("rural", "town", "suburb", "city")[i % 4], title_i=i % 2 == 0)
             for i, pk in enumerate(schools[::3])], ignore_conflicts=True)
        admin, _ = User.objects.get_or_create(username="bench-analytics-admin")
        state = Organization.objects.filter(kind="state_agency").first()
        Membership.objects.get_or_create(user=admin, organization=state, role="platform_admin")
        district = Organization.objects.filter(kind="district").first()
        issuer = Organization.objects.filter(owned_micro_credentials__isnull=False).first()
        client = Client()
        client.force_login(admin)
        pages = {"platform": "/analytics/platform/", "state": f"/analytics/state/{state.slug}/",
                 "district": f"/analytics/district/{district.slug}/", "issuer": f"/analytics/issuer/{issuer.slug}/",
                 "district_csv": f"/analytics/district/{district.slug}/equity_locale.csv",
                 "district_api": f"/api/v1/analytics/district/{district.slug}/",
                 # the demand section on its own page (MCs, competencies, subjects, grade bands, stacks) and a CSV
                 "platform_demand": "/analytics/platform/demand/",
                 "state_demand": f"/analytics/state/{state.slug}/demand/",
                 "district_demand": f"/analytics/district/{district.slug}/demand/",
                 "district_demand_stacks_csv": f"/analytics/district/{district.slug}/demand_stacks.csv"}
        if options.pages:
            wanted = set(options.pages.split(","))
            pages = {name: url for name, url in pages.items() if name in wanted}
        from microcred.analytics import selectors, services
        from microcred.analytics.models import DashboardSnapshot, ImpactOptIn, ImpactRating

        # impact data: the first district opted in, ratings the year before and after for its earners
        if not ImpactOptIn.objects.filter(organization=district).exists():
            from django.utils import timezone

            ImpactOptIn.objects.create(organization=district, opted_in_at=timezone.now())
            ids = list(Membership.objects.filter(organization__parent=district).values_list("user_id", flat=True)[:5000])
            ImpactRating.objects.bulk_create(
                [ImpactRating(organization=district, educator_id=uid, year=year, rating=2 + (uid + year) % 3)
                 for uid in ids for year in (2024, 2025, 2026, 2027)], ignore_conflicts=True)

        def measure(prefix: str) -> dict:
            found = {}
            client.get(next(iter(pages.values())))  # warm up: templates compiled, caches filled (not timed)
            for name, url in pages.items():
                times = []
                for _ in range(options.repeat):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        response = client.get(url)
                        times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                times.sort()
                found[prefix + name] = {"p50_ms": round(statistics.median(times), 1),
                                        "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
                                        "queries": len(queries.captured_queries)}
            return found

        DashboardSnapshot.objects.all().delete()
        out = {}
        # no snapshot, as the reader gets it: computed in the request on a small platform, deferred to the background
        # above settings.MICROCRED_ANALYTICS_LIVE_LIMIT attempts (docs/decisions/0043)
        out.update(measure("nosnapshot_"))
        if not options.skip_live:
            limit, settings.MICROCRED_ANALYTICS_LIVE_LIMIT = settings.MICROCRED_ANALYTICS_LIVE_LIMIT, 10**12
            out.update(measure("live_"))  # forced live: the fast sections computed in the request, the slow not shown
            settings.MICROCRED_ANALYTICS_LIVE_LIMIT = limit
        refresh = {}
        boards = [board for board in (selectors.Dashboard("platform", None), selectors.Dashboard("state", state),
                                      selectors.Dashboard("district", district), selectors.Dashboard("issuer", issuer))
                  if board.kind in options.boards.split(",")]
        for board in () if options.live_only else boards:
            started = time.perf_counter()
            snapshot = services.request_snapshot(board=board, filters=selectors.Filters(), language="en", by=None)
            services.build_snapshot(snapshot.pk)
            refresh[board.kind] = round(time.perf_counter() - started, 1)
        if not options.live_only:
            out.update(measure(""))  # the pre-aggregated snapshots, every section included
        educators = User.objects.filter(username__startswith="scale-educator-").count()
        print(json.dumps({"educators": educators, "pages": out, "refresh_seconds": refresh,
                          "database": connection.vendor}))
        connection.close()
    finally:
        if not options.keep and not options.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
