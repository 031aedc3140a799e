"""Benchmark: evaluate every published recognition policy for every educator of a synthetic state.

Usage: .venv/bin/python bench/recognition.py [--educators N] [--data-dir DIR] [--keep] [--profile]

By default the script makes a throwaway data folder with a fresh SQLite database; with DATABASE_URL set
(postgres://…) it creates a fresh database named microcred_bench_<pid> on that server instead and drops it at
the end. It migrates and runs `microcred generate_scale_data --educators N` (default 100,000; timed on its own,
not part of the figure), then times one full evaluation — services.evaluate_all, the code path of
`microcred evaluate_recognition` — which writes every award with provenance and audit events. A second run is
timed as well and must write nothing (idempotence). --data-dir reuses a folder that already holds generated
data (SQLite only; generation is skipped when its database exists); --keep leaves the data behind; --profile
prints the top cProfile entries of the first evaluation. "seconds" is wall-clock time; "cpu_seconds" is this
process's CPU time (with SQLite, the database work too), which a busy machine does not inflate.
Target: 100,000 educators × 50 policies in under 60 s.
The last line printed is JSON: {"educators": …, "policies": …, "awards": …, "seconds": …, …}.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "microcred.manage", *args], env=env, cwd=ROOT, check=True)


def postgres_database(url: str) -> tuple[str, str]:
    """Create a fresh database beside the one DATABASE_URL names; returns (its URL, its name)."""
    import psycopg

    name = f"microcred_bench_{os.getpid()}"
    with psycopg.connect(maintenance(url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}")), name


def maintenance(url: str) -> str:
    """The server's "postgres" database: the one DATABASE_URL names need not exist."""
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def drop_postgres_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(maintenance(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--educators", type=int, default=100_000)
    parser.add_argument("--data-dir", help="Use (and keep) this data folder; generate only if its database is missing.")
    parser.add_argument("--keep", action="store_true", help="Keep the generated data.")
    parser.add_argument("--profile", action="store_true", help="Print the top cProfile entries of the evaluation.")
    options = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "")
    data_dir = Path(options.data_dir) if options.data_dir else Path(tempfile.mkdtemp(prefix="microcred-bench-recognition-"))
    env = {**os.environ, "MICROCRED_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "microcred.settings.dev"}
    env.pop("MICROCRED_DEBUG", None)
    bench_db = None
    if server_url:
        env["DATABASE_URL"], bench_db = postgres_database(server_url)
    try:
        generate_seconds = None
        fresh = bench_db is not None or not (data_dir / "microcred.sqlite3").exists()
        if fresh:
            manage(env, "migrate", "--verbosity", "0")
            started = time.perf_counter()
            manage(env, "generate_scale_data", "--educators", str(options.educators), "--no-awards")
            generate_seconds = round(time.perf_counter() - started, 1)

        os.environ.update({k: env[k] for k in ("MICROCRED_DATA_DIR", "DJANGO_SETTINGS_MODULE")})
        if bench_db:
            os.environ["DATABASE_URL"] = env["DATABASE_URL"]
        import django

        django.setup()
        from django.db import connection

        from microcred.accounts.models import User
        from microcred.recognition import services

        profiler = cProfile.Profile() if options.profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        first = services.evaluate_all()
        if profiler:
            profiler.disable()
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        second = services.evaluate_all()
        rerun_seconds = time.perf_counter() - started
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        educators = User.objects.filter(username__startswith="scale-educator-").count()
        print(f"First evaluation: {first}; second: {second}", file=sys.stderr)
        print(json.dumps({"educators": educators, "policies": first["policies"], "awards": first["awards"],
                          "seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds, 1),
                          "load_average": round(os.getloadavg()[0], 1), "evaluated_educators": first["educators"],
                          "award_changes": first["changes"], "rerun_seconds": round(rerun_seconds, 1),
                          "rerun_changes": second["changes"], "generate_seconds": generate_seconds,
                          "database": connection.vendor}))
        connection.close()
    finally:
        if bench_db:
            drop_postgres_database(server_url, bench_db)
        if not options.keep and not options.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
