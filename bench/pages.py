"""Benchmark: each role's main pages over a synthetic state, in-process and over HTTP.

Usage: .venv/bin/python bench/pages.py [--educators 100000] [--data-dir DIR] [--repeat 20] [--page-seconds 30]
                                       [--profile DIR] [--no-http] [--keep]

1. A world: `microcred migrate` and `microcred generate_scale_data --educators N` into a fresh SQLite database in a
   temporary folder, or into --data-dir (reused when it already holds a generated world: generation is skipped).
   With DATABASE_URL set (postgres://…) that database is used instead of SQLite (generated into when it holds no
   scale data yet). Production settings (DEBUG off, HTTPS-only cookies) as behind a TLS proxy (X-Forwarded-Proto).
2. In-process (Django's test client, one process): for every page of `microcred.demo.scale.bench_pages()` —
   catalog browse and search, an MC's page, the earner's home and attempt page, the assessor's queue and scoring
   page, the issuer dashboard, a recognizer's qualifiers, a credential's page, POST /credentials/verify with a
   really signed credential — one warm-up request, then up to --repeat timed requests (fewer when a page takes
   longer than --page-seconds in all) with the SQL queries of each counted. --profile DIR saves one cProfile per
   page (NAME.prof, and NAME.txt with the top entries by cumulative time).
3. Over HTTP: gunicorn (1 worker, 1 thread: one request at a time, so the figure is latency, not throughput) on a
   free port, the same pages requested with the in-process sessions' cookies.

Progress goes to stderr. The last line printed is JSON:
{"educators": N, "pages": {NAME: {"p50_ms", "p95_ms", "queries", "samples", "status", "http_p50_ms", "http_p95_ms"}}, …}
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SITE = "https://127.0.0.1"  # fixed, so credentials signed at generation verify whatever port serves them


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def environment(work: Path) -> dict:
    secret = work / "bench-secret"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MICROCRED_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "microcred.settings.production",
        "MICROCRED_DATA_DIR": str(work / "data"),
        "MICROCRED_SECRET_KEY": secret.read_text().strip(),
        "MICROCRED_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "MICROCRED_SITE_URL": SITE,
        "MICROCRED_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES": "0",
        "MICROCRED_LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    })
    (work / "data").mkdir(parents=True, exist_ok=True)
    return env


def build_world(env: dict, work: Path, educators: int, micro_credentials: int | None = None) -> dict:
    microcred = [sys.executable, "-m", "microcred.manage"]
    subprocess.run(microcred + ["migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    generated = work / "generated.json"
    if generated.exists():
        log(f"reusing the world in {work}")
        stored_qualifiers(env)
        return json.loads(generated.read_text())
    log(f"generate_scale_data --educators {educators}")
    extra = ["--micro-credentials", str(micro_credentials)] if micro_credentials else []
    done = subprocess.run(microcred + ["generate_scale_data", "--educators", str(educators), *extra], env=env, cwd=ROOT,
                          check=True, stdout=subprocess.PIPE, text=True)
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    generated.write_text(json.dumps(counts))
    stored_qualifiers(env)
    subprocess.run(microcred + ["collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return counts


def stored_qualifiers(env: dict) -> None:
    """The qualifiers page reads stored standings (docs/decisions/0040): build the bench policy's, as the task would
    after the first view, so the page measured is the page recognizers see from then on."""
    log("rebuild_qualifiers --slug scale-ar-renewal (once)")
    subprocess.run([sys.executable, "-m", "microcred.manage", "rebuild_qualifiers", "--slug", "scale-ar-renewal",
                    "--if-missing", "--no-progress"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


# --- In-process (runs in a child process with the bench environment) ---------------------------------------------

class QueryCounter:
    """A database execute wrapper that counts the statements a request runs."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure_in_process(repeat: int, page_seconds: float, profile_dir: str | None, only: list[str] | None = None) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from microcred.accounts.models import User
    from microcred.demo.scale import bench_pages

    from django.utils.crypto import get_random_string

    # A CSRF secret for the form posts over HTTP (cookie and header alike, as a browser's htmx sends them).
    pages, clients = [p for p in bench_pages() if not only or p["name"] in only], {}
    out = {"pages": {}, "cookies": {}, "csrf": get_random_string(32), "csrf_cookie": settings.CSRF_COOKIE_NAME}
    for page in pages:
        user = page["username"]
        if user not in clients:
            client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
            if user:
                client.force_login(User.objects.get(username=user))
                out["cookies"][user] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            clients[user] = client
        client = clients[user]

        def request():
            if page.get("form"):  # an htmx form post (the autosave)
                return client.post(page["path"], page["body"], secure=True, HTTP_HX_REQUEST="true")
            if page["method"] == "POST":
                return client.post(page["path"], page["body"], content_type="application/json", secure=True)
            return client.get(page["path"], secure=True)

        times, queries, status = [], [], None
        started = time.monotonic()
        for i in range(repeat + 1):
            counter = QueryCounter()
            with connection.execute_wrapper(counter):  # counts without keeping the SQL (no 9,000-query cap)
                t0 = time.perf_counter()
                response = request()
                elapsed = (time.perf_counter() - t0) * 1000
            status = response.status_code
            if i:  # the first request is a warm-up (caches, lazy imports)
                times.append(elapsed)
                queries.append(counter.count)
            if times and time.monotonic() - started > page_seconds:  # a slow page: fewer samples, at least one
                break
        if profile_dir:
            profiler = cProfile.Profile()
            profiler.runcall(request)
            path = Path(profile_dir) / page["name"]
            profiler.dump_stats(f"{path}.prof")
            with open(f"{path}.txt", "w") as text:
                pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
        extra = {}
        if page.get("form"):
            extra["saved"] = b"Saved" in response.content  # the autosave must really save
        if response.get("Content-Type", "").startswith("application/json"):
            body = json.loads(response.content)
            if isinstance(body, dict) and "verified" in body:
                extra["verified"] = body["verified"]  # the verify page's credential must really verify
        out["pages"][page["name"]] = {**extra, "p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1),
                                      "queries": max(queries), "samples": len(times), "status": status,
                                      "method": page["method"], "path": page["path"], "username": page["username"],
                                      "body": page.get("body"), "form": page.get("form", False)}
        log(f"in-process {page['name']:<22} p50 {out['pages'][page['name']]['p50_ms']:>9} ms, {max(queries):>4} queries, status {status}")
    return out


# --- Over HTTP ----------------------------------------------------------------------------------------------------

def wait_healthy(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not become healthy")


def measure_http(env: dict, measured: dict, repeat: int, page_seconds: float) -> None:
    port = free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "microcred.wsgi:application", "--bind", f"127.0.0.1:{port}",
                               "--workers", "1", "--threads", "1", "--timeout", "600", "--log-level", "warning"],
                              env=env, cwd=ROOT, start_new_session=True)
    try:
        wait_healthy(port, server)
        for name, page in measured["pages"].items():
            headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
            if page["username"]:
                headers["Cookie"] = measured["cookies"][page["username"]]
            data = None
            if page.get("form"):  # the session's CSRF token, as the page's htmx sends it
                data = urllib.parse.urlencode(page["body"]).encode()
                headers.update({"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
                                "X-CSRFToken": measured["csrf"], "Origin": "https://127.0.0.1", "Referer": "https://127.0.0.1/"})
                headers["Cookie"] += f"; {measured['csrf_cookie']}={measured['csrf']}"
            elif page["method"] == "POST":
                data, headers["Content-Type"] = page["body"].encode(), "application/json"
            times, status, started = [], None, time.monotonic()
            for i in range(repeat + 1):
                request = urllib.request.Request(f"http://127.0.0.1:{port}{page['path']}", data=data, headers=headers, method=page["method"])
                t0 = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=600) as response:
                        response.read()
                        status = response.status
                except urllib.error.HTTPError as error:
                    status = error.code
                elapsed = (time.perf_counter() - t0) * 1000
                if i:
                    times.append(elapsed)
                if times and time.monotonic() - started > page_seconds:
                    break
            page.update(http_p50_ms=round(statistics.median(times), 1), http_p95_ms=round(percentile(times, 0.95), 1),
                        http_status=status)
            log(f"http       {name:<22} p50 {page['http_p50_ms']:>9} ms, status {status}")
    finally:
        stop_server(server)


def stop_server(server: subprocess.Popen) -> None:
    """Stop gunicorn (started in its own session) and its workers."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(5)


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--educators", type=int, default=100_000, help="educators in the generated world (default 100,000)")
    parser.add_argument("--data-dir", help="folder of the world: reused when it already holds one (default: a temporary folder)")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--page-seconds", type=float, default=30, help="stop repeating a page after this many seconds (default 30)")
    parser.add_argument("--profile", metavar="DIR", help="save one cProfile per page into DIR (NAME.prof and NAME.txt)")
    parser.add_argument("--micro-credentials", type=int, help="MCs in the generated world (default: educators / 50)")
    parser.add_argument("--pages", help="only these pages, comma-separated (e.g. catalog_browse,catalog_search)")
    parser.add_argument("--no-http", action="store_true", help="in-process only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)  # the in-process child
    args = parser.parse_args()
    if args.measure:
        only = args.pages.split(",") if args.pages else None
        print(json.dumps(measure_in_process(args.repeat, args.page_seconds, args.profile, only)))
        return {}
    work = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="microcred-pages-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    try:
        env = environment(work)
        started = time.monotonic()
        counts = build_world(env, work, args.educators, args.micro_credentials)
        generation = round(time.monotonic() - started, 1)
        child = [sys.executable, __file__, "--measure", "--repeat", str(args.repeat), "--page-seconds", str(args.page_seconds)]
        if args.profile:
            child += ["--profile", str(Path(args.profile).resolve())]
        if args.pages:
            child += ["--pages", args.pages]
        done = subprocess.run(child, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
        measured = json.loads(done.stdout.strip().splitlines()[-1])
        if not args.no_http:
            measure_http(env, measured, args.repeat, args.page_seconds)
        pages = {name: {k: v for k, v in page.items() if k not in ("method", "path", "username", "body", "form")}
                 for name, page in measured["pages"].items()}
        database = "postgresql" if env.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
        return {"educators": counts.get("educators", args.educators), "database": database, "world": counts,
                "setup_seconds": generation, "pages": pages}
    finally:
        if not args.data_dir and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif not args.data_dir:
            log(f"kept {work}")


if __name__ == "__main__":
    result = main()
    if result:
        print(json.dumps(result))
