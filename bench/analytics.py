"""Benchmark: render every kind of analytics dashboard over a synthetic state.

Usage: .venv/bin/python bench/analytics.py [--educators N] [--repeat R] [--data-dir DIR] [--keep]

Makes a throwaway data folder with a fresh SQLite database (or reuses --data-dir), migrates and runs
`microcred generate_scale_data --educators N` (default 100,000; not timed), gives a third of the scale schools
attributes, then requests the platform, a state, a district and an issuer dashboard R times each (default 5) through
Django's test client as a platform admin, and the district dashboard's CSV and API. Target: under 1 s each.
The last line printed is JSON: {"educators": …, "pages": {NAME: {"p50_ms": …, "p95_ms": …, "queries": …}}}.
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
    options = parser.parse_args()
    data_dir = Path(options.data_dir) if options.data_dir else Path(tempfile.mkdtemp(prefix="microcred-bench-analytics-"))
    env = {**os.environ, "MICROCRED_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "microcred.settings.dev"}
    env.pop("MICROCRED_DEBUG", None)
    try:
        if not (data_dir / "microcred.sqlite3").exists():
            manage(env, "migrate", "--verbosity", "0")
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
                 "district_api": f"/api/v1/analytics/district/{district.slug}/"}
        out = {}
        client.get(pages["platform"])  # warm up: templates compiled, caches filled (not timed)
        for name, url in pages.items():
            times = []
            for _ in range(options.repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            times.sort()
            out[name] = {"p50_ms": round(statistics.median(times), 1),
                         "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
                         "queries": len(queries.captured_queries)}
        educators = User.objects.filter(username__startswith="scale-educator-").count()
        print(json.dumps({"educators": educators, "pages": out, "database": connection.vendor}))
        connection.close()
    finally:
        if not options.keep and not options.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
