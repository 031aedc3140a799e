"""Benchmark: import a OneRoster 1.2 bundle of N people (default 100,000) into an empty district.

Usage: .venv/bin/python bench/roster.py [--people N] [--students M] [--zip] [--keep]

The script writes the bundle (N teachers in 50 schools, plus M students who must be skipped) into a throwaway
folder, migrates a fresh SQLite database there — or, with DATABASE_URL set (postgres://…), creates a fresh
database microcred_bench_<pid> on that server and drops it at the end — and times one import through
services.import_path, the code path of `microcred import_roster`. A second import of the same bundle is timed as
well and must change nothing. "peak_rss_mb" is this process's peak resident memory (ru_maxrss), Django included:
compare two sizes to see that it does not grow with the files (it grows only with the id maps: sourcedId → ids and
each person's organizations, well under 1 KB a person; the students of the bundle cost nothing). Target: 100,000 people in under 120 s.
The last line printed is JSON: {"people": …, "seconds": …, "peak_rss_mb": …, …}.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from recognition import drop_postgres_database, manage, postgres_database  # noqa: E402

SCHOOLS = 50


def write_bundle(folder: Path, people: int, students: int) -> None:
    """Streamed to disk, row by row: the generator holds no list of people either."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.csv").write_text("propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
                                         "file.orgs,bulk\nfile.users,bulk\nfile.roles,bulk\n")
    with open(folder / "orgs.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"])
        w.writerow(["bench-district", "", "", "Bench District", "district", "", ""])
        for s in range(SCHOOLS):
            w.writerow([f"school-{s}", "", "", f"Bench School {s}", "school", "", "bench-district"])
    with open(folder / "users.csv", "w", newline="") as users, open(folder / "roles.csv", "w", newline="") as roles:
        uw, rw = csv.writer(users), csv.writer(roles)
        uw.writerow(["sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName",
                     "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
                     "password"])
        rw.writerow(["sourcedId", "status", "dateLastModified", "roleType", "role", "userSourcedId", "orgSourcedId",
                     "userProfileSourcedId", "beginDate", "endDate"])
        for i in range(people):
            uw.writerow([f"staff-{i:07d}", "", "", "true", "", "", f"Given{i}", f"Family{i}", "", "",
                         f"staff{i}@bench.example.org", "", "", "", "", ""])
            rw.writerow([f"role-{i}", "", "", "primary", "teacher", f"staff-{i:07d}", f"school-{i % SCHOOLS}", "", "", ""])
        for i in range(students):
            uw.writerow([f"student-{i:07d}", "", "", "true", "", "", "Kid", f"Student{i}", "", "", "", "", "", "",
                         "05", ""])
            rw.writerow([f"srole-{i}", "", "", "primary", "student", f"student-{i:07d}", f"school-{i % SCHOOLS}", "",
                         "", ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--students", type=int, default=0, help="Students in the bundle (skipped by the import)")
    parser.add_argument("--zip", action="store_true", help="Import the bundle as a .zip instead of a folder")
    parser.add_argument("--keep", action="store_true", help="Keep the generated folder")
    options = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "")
    data_dir = Path(tempfile.mkdtemp(prefix="microcred-bench-roster-"))
    env = {**os.environ, "MICROCRED_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "microcred.settings.dev"}
    env.pop("MICROCRED_DEBUG", None)
    bench_db = None
    if server_url:
        env["DATABASE_URL"], bench_db = postgres_database(server_url)
    try:
        manage(env, "migrate", "--verbosity", "0")
        bundle = data_dir / "bundle"
        started = time.perf_counter()
        write_bundle(bundle, options.people, options.students)
        generate_seconds = round(time.perf_counter() - started, 1)
        path = bundle
        if options.zip:
            path = Path(shutil.make_archive(str(data_dir / "bundle"), "zip", bundle))

        os.environ.update({k: env[k] for k in ("MICROCRED_DATA_DIR", "DJANGO_SETTINGS_MODULE")})
        if bench_db:
            os.environ["DATABASE_URL"] = env["DATABASE_URL"]
        import django

        django.setup()
        from django.db import connection

        from microcred.accounts.models import Organization
        from microcred.rosters import services

        district = Organization.objects.create(slug="bench-district", name="Bench District", kind="district")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started, cpu = time.perf_counter(), time.process_time()
        first, _run = services.import_path(path=path, organization=district)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        second, _run = services.import_path(path=path, organization=district)
        rerun_seconds = time.perf_counter() - started
        print(f"First import: {first.counts()} skipped {first.skipped}; second: {second.counts()}", file=sys.stderr)
        print(json.dumps({"people": first.created, "seconds": round(seconds, 1), "peak_rss_mb": round(peak, 1),
                          "rss_before_import_mb": round(rss_before, 1), "cpu_seconds": round(cpu_seconds, 1),
                          "skipped": first.skipped, "errors": first.errors, "rerun_seconds": round(rerun_seconds, 1),
                          "rerun_unchanged": second.unchanged, "rerun_changes": second.created + second.updated + second.deactivated,
                          "generate_seconds": generate_seconds, "load_average": round(os.getloadavg()[0], 1),
                          "database": connection.vendor}))
        connection.close()
    finally:
        if bench_db:
            drop_postgres_database(server_url, bench_db)
        if not options.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            print(f"Kept {data_dir}", file=sys.stderr)


if __name__ == "__main__":
    main()
