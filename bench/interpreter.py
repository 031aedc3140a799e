"""Benchmark: how fast this Python runs microcred's own hot work (decision 0056).

Usage: .venv/bin/python bench/interpreter.py [--repeat 300]
Compare two interpreters by running it from a .venv made with each, e.g. `PYTHON=/usr/bin/python3.11 bin/install`.

A web worker's CPU goes to drawing templates and compiling SQL (bench/README.md, the py-spy profiles). The same
microcred code is ≈ 20 % faster on an optimized CPython build (profile-guided, link-time optimized: Debian's and
Ubuntu's python3, the official python images) than on one built without those flags (pyenv's and a plain
./configure's default). This times, with production settings and a throwaway SQLite data folder (no data needed):
- drawing the page frame every HTML page shares (core/base.html) for an anonymous visitor;
- compiling the SQL of the attempt page's main query (compiled, not run);
- reading and writing a complete Open Badges 3.0 credential's JSON (1EdTech's example in tests/standards).
The last line printed is JSON: {"python", "executable", "template_ms", "sql_compile_ms", "json_ms"} (medians).
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_ms(work, repeat: int) -> float:
    for _ in range(min(repeat, 20)):  # warm: templates compiled, caches filled
        work()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300, help="times each piece of work is timed (median; default 300)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be positive")
    with tempfile.TemporaryDirectory(prefix="microcred-interpreter-") as data:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from gc_pause import use_production_settings

        use_production_settings(data)
        import django

        django.setup()
        from django.contrib.auth.models import AnonymousUser
        from django.contrib.messages.storage.fallback import FallbackStorage
        from django.contrib.sessions.backends.signed_cookies import SessionStore
        from django.template.loader import render_to_string
        from django.test import RequestFactory

        from microcred.earning.models import Attempt

        def frame():
            request = RequestFactory().get("/catalog/", secure=True)
            request.user, request.session = AnonymousUser(), SessionStore()
            request._messages = FallbackStorage(request)
            render_to_string("core/base.html", {}, request=request)

        def sql():
            query = (Attempt.objects.select_related("earner", "version", "micro_credential", "cohort")
                     .prefetch_related("responses").filter(pk=1, earner_id=2).order_by("-updated_at").query)
            query.get_compiler("default").as_sql()

        # 1EdTech's complete OB 3.0 example (tests/standards): every field a credential can carry.
        text = (ROOT / "tests" / "standards" / "vectors" / "1edtech-validator-examples" / "ob30" / "complete.json").read_text(encoding="utf-8")

        def json_work():
            json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True)

        result = {"python": platform.python_version(), "executable": sys.executable,
                  "template_ms": median_ms(frame, args.repeat), "sql_compile_ms": median_ms(sql, args.repeat),
                  "json_ms": median_ms(json_work, args.repeat)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
