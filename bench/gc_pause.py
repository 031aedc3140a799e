"""Benchmark: what one full garbage collection costs a web process, before and after core.serving.ready_to_serve.

Usage: .venv/bin/python bench/gc_pause.py [--repeat 7]

Loads the application as a web worker does (production settings, a throwaway data folder with SQLite, every view
imported), then times gc.collect() — the full sweep Python runs by itself every few seconds under load, while every
thread of the process waits — with everything loaded still in reach, and again after ready_to_serve() has frozen it
(decision 0054). This is CPU on an idle machine: on a busy 2-core node the same sweep took 0.3–1 s of wall time
(bench/README.md). The last line printed is JSON: {"objects", "frozen", "full_collection_ms": {"before", "after"}}.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def full_collection_ms(repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        gc.collect()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def use_production_settings(data: str) -> None:
    """This process as a web worker is configured: production settings, a throwaway data folder (SQLite), nothing
    inherited from the caller's environment. Also used by bench/interpreter.py."""
    for name in [k for k in os.environ if k.startswith(("DJANGO_", "MICROCRED_")) or k == "DATABASE_URL"]:
        del os.environ[name]
    os.environ.update({"DJANGO_SETTINGS_MODULE": "microcred.settings.production", "MICROCRED_DATA_DIR": data,
                       "MICROCRED_SECRET_KEY": secrets.token_urlsafe(50), "MICROCRED_ALLOWED_HOSTS": "127.0.0.1",
                       "MICROCRED_SITE_URL": "https://127.0.0.1"})
    sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="collections timed on each side (median; default 7)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be positive")
    with tempfile.TemporaryDirectory(prefix="microcred-gc-") as data:
        use_production_settings(data)
        from django.core.wsgi import get_wsgi_application
        from django.urls import get_resolver

        get_wsgi_application()
        get_resolver().url_patterns  # noqa: B018 (every view, as a worker has after its first requests)
        gc.collect()
        objects = len(gc.get_objects())
        before = full_collection_ms(args.repeat)

        from microcred.core.serving import ready_to_serve

        frozen = ready_to_serve()
        after = full_collection_ms(args.repeat)
    result = {"objects": objects, "frozen": frozen, "full_collection_ms": {"before": before, "after": after}}
    print(f"[gc] {objects:,} objects in reach; a full collection took {before} ms, {after} ms once frozen", file=sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
