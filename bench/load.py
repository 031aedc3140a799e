"""Load benchmark: mixed earner / assessor / public-verification traffic against a production-like server.

Usage: .venv/bin/python bench/load.py [--users 200] [--seconds 300] [--spawn-rate 20] [--workers 4] [--threads 4]
                                      [--database-url postgres://…] [--port 0] [--client fast|requests] [--keep]

What it does, all on loopback and all torn down afterwards:
  1. a throwaway PostgreSQL cluster (initdb into a temporary folder, like .ci/run) unless --database-url names
     an existing database (which is then migrated and seeded, and left in place);
  2. production settings (DEBUG off, HTTPS-only cookies, HSTS, static files by WhiteNoise after collectstatic),
     `microcred migrate`, `microcred seed_demo`, and bench logins: earners with an attempt in progress and the demo
     assessors who have items assigned (bench passwords are set in this throwaway database only).
     A database that already holds a generated state world (`microcred generate_scale_data`, e.g. the one
     bench/pages.py builds) is not seeded: the logins are its own educators (their drafts), its busiest assessors
     and its signed credentials, so the run measures the state-sized tables;
  3. gunicorn with --workers processes × --threads threads on 127.0.0.1;
  4. locust, headless, with bench/locustfile.py: earners (home, catalog, attempt page, autosave an answer),
     assessors (queue, review page), the public (catalog search, a credential's verification page, POST
     /credentials/verify with a real credential), through locust's FastHttpUser (--client fast, the default since
     decision 0058: it shares the two cores with the server) or its requests-based HttpUser (--client requests).
The server sees what it would behind a TLS-terminating proxy (X-Forwarded-Proto: https), so the production
settings apply unchanged except that two-factor login for staff roles is switched off for the bench's assessors.

The last line printed is JSON: {"users", "seconds", "requests", "errors", "p50_ms", "p95_ms", "p99_ms", "rps", …,
"after_60s": {"requests", "errors", "p50_ms", "p95_ms", "p99_ms"}}. The whole run's figures (cold start included:
the first seconds are 140 sign-ins at once into fresh processes) are the issue's; the window after --warm-up seconds
shows the server once it has been up a while.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BENCH_PASSWORD = "bench-load-password-2026"


def log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a throwaway PostgreSQL cluster -----------------------------------------------------------------------

class Cluster:
    def __init__(self):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
        if not bins:
            raise SystemExit("No PostgreSQL server binaries in /usr/lib/postgresql (apt-get install postgresql), "
                             "or pass --database-url.")
        # Its own temporary folder (owned by postgres when we are root), like .ci/run.
        self.bin, self.root, self.port = bins[-1], Path(tempfile.mkdtemp(prefix="microcred-load-pg-")), free_port()
        self.data = self.root / "data"

    def _as_postgres(self, *cmd: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        subprocess.run(self._as_postgres(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                                         "-E", "UTF8"), check=True, stdout=subprocess.DEVNULL)
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB"
        subprocess.run(self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                                         "-w", "start"), check=True, stdout=subprocess.DEVNULL)
        subprocess.run(self._as_postgres(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                                         "microcred"), check=True)
        return f"postgres://postgres@127.0.0.1:{self.port}/microcred"

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(self._as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.root, ignore_errors=True)


# --- preparing the bench logins (runs inside Django, in a subprocess with the server's settings) -----------------

def prepare(n_earners: int) -> dict:
    """Bench earners with an attempt in progress, assessors with items assigned, public credentials. Idempotent.
    Loads the demo world first, unless the database holds a generated state world (then its own people are used)."""
    import django

    django.setup()
    from django.core.management import call_command

    from microcred.accounts import services as accounts
    from microcred.accounts.models import Organization, Role, User
    from microcred.assessment.models import Assignment
    from microcred.catalog.models import MicroCredential
    from microcred.credentials.models import IssuedCredential
    from microcred.demo.scale import PREFIX
    from microcred.earning import services as earning
    from microcred.earning.models import Attempt

    generated = Organization.objects.filter(slug__startswith=PREFIX).exists()
    if not generated:
        call_command("seed_demo", stdout=sys.stderr)
    log("bench logins from the generated world" if generated else "bench logins beside the demo world")

    def writable_prompt(attempt):
        return next((p for part in attempt.version.parts.order_by("position") for p in part.prompts.order_by("id")
                     if p.response_type in ("written", "reflection")), None)

    earners = []
    if generated:
        # The generated educators, from the first: each has a history of earned attempts and a draft to work on.
        drafts = (Attempt.objects.filter(earner__username__startswith=f"{PREFIX}educator-", state=Attempt.State.DRAFT)
                  .select_related("earner", "version").order_by("earner__username", "pk"))
        for attempt in drafts[: n_earners * 4]:
            if len(earners) == n_earners:
                break
            prompt = writable_prompt(attempt)
            if prompt is None or any(e["username"] == attempt.earner.username for e in earners):
                continue
            attempt.earner.set_password(BENCH_PASSWORD)  # synthetic accounts (generate refuses a real deployment)
            attempt.earner.save(update_fields=["password"])
            earners.append({"username": attempt.earner.username, "password": BENCH_PASSWORD, "attempt": attempt.pk,
                            "prompt": prompt.pk})
    else:
        district = Organization.objects.filter(kind=Organization.Kind.DISTRICT).order_by("id").first()
        candidates = [mc for mc in MicroCredential.objects.filter(visibility="public").select_related("current_version").order_by("id")
                      if mc.current_version and mc.current_version.state == "published"]
        for i in range(n_earners):
            user = User.objects.filter(username=f"bench-earner-{i:03d}").first()
            if user is None:
                user = User.objects.create_user(username=f"bench-earner-{i:03d}", password=BENCH_PASSWORD,
                                                first_name="Bench", last_name=f"Earner {i}", email=f"bench-earner-{i:03d}@example.org")
                accounts.grant_role(user=user, organization=district, role=Role.EARNER)
            attempt = earning.start_attempt(earner=user, micro_credential=candidates[i % len(candidates)])
            earners.append({"username": user.username, "password": BENCH_PASSWORD, "attempt": attempt.pk,
                            "prompt": writable_prompt(attempt).pk})

    assigned: dict[int, list[int]] = {}
    for pk, assessor_id in Assignment.objects.filter(state=Assignment.State.ASSIGNED, review__isnull=False) \
            .exclude(role=Assignment.Role.PRECHECK).values_list("pk", "assessor_id").order_by("pk"):
        assigned.setdefault(assessor_id, []).append(pk)
    assessors = []
    for user in User.objects.filter(pk__in=list(assigned)[:20]).order_by("pk"):
        user.set_password(BENCH_PASSWORD)  # a throwaway database: the demo assessors get one bench password
        user.save(update_fields=["password"])
        assessors.append({"username": user.username, "password": BENCH_PASSWORD, "items": assigned[user.pk][:5]})

    # Signed credentials only (a generated world signs one per MC and copies it for the rest: those copies do not
    # verify), and not expired ones: the bench's verification must answer "verified".
    shown = (IssuedCredential.objects.filter(revoked_at__isnull=True, visibility__in=["public", "link"]).exclude(jwt="")
             .order_by("issued_at"))
    credentials = [str(pk) for pk in shown.values_list("pk", flat=True)[:50]]
    first = next((c for c in shown[:200].iterator() if "validUntil" not in c.credential), None)
    return {"earners": earners, "assessors": assessors, "credentials": credentials,
            "credential_json": first.credential if first else None,
            "searches": ["formative", "literacy", "feedback", "classroom", "math", "reading"]}


# --- the run ------------------------------------------------------------------------------------------------

def run(args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="microcred-load-"))
    cluster, server = None, None
    try:
        if args.database_url:
            database_url = args.database_url
        else:
            cluster = Cluster()
            database_url = cluster.start()
            log(f"PostgreSQL cluster on port {cluster.port}")
        port = args.port or free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MICROCRED_"))}
        env.update({
            "DJANGO_SETTINGS_MODULE": "microcred.settings.production",
            "DATABASE_URL": database_url,
            "MICROCRED_DATA_DIR": str(work / "data"),
            # An existing database's issuer keys are sealed with its secret key: keep the caller's if given.
            "MICROCRED_SECRET_KEY": os.environ.get("MICROCRED_SECRET_KEY") or secrets.token_urlsafe(50),
            "MICROCRED_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # An existing database's credentials name its site (their issuer and key URLs): keep the caller's if
            # given, or the verification would look for another site's keys. Requests still go to this port.
            "MICROCRED_SITE_URL": os.environ.get("MICROCRED_SITE_URL") or f"https://127.0.0.1:{port}",
            "MICROCRED_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
            "MICROCRED_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES": "0",
            "MICROCRED_LOG_LEVEL": "ERROR",
            # A generated world's credentials name another address than this port's: say so (bench only).
            "MICROCRED_ALLOW_SITE_URL_CHANGE": os.environ.get("MICROCRED_ALLOW_SITE_URL_CHANGE", "0"),
            "PYTHONPATH": str(ROOT),
        })
        microcred = [sys.executable, "-m", "microcred.manage"]
        for step in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            log(f"microcred {' '.join(step)}")
            subprocess.run(microcred + step, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        prepared = subprocess.run([sys.executable, __file__, "--prepare", "--earners", str(min(args.users, 50))], env=env, cwd=ROOT,
                                  check=True, stdout=subprocess.PIPE, text=True)
        targets = work / "targets.json"
        targets.write_text(prepared.stdout.strip().splitlines()[-1])

        log(f"gunicorn: {args.workers} workers × {args.threads} threads on 127.0.0.1:{port}")
        server = subprocess.Popen([str(BIN / "gunicorn"), "microcred.wsgi:application", "--bind", f"127.0.0.1:{port}",
                                   "--workers", str(args.workers), "--threads", str(args.threads), "--timeout", "60",
                                   # Longer than a user's think time: as behind a proxy that keeps its upstream
                                   # connections open, no request races the server closing an idle one.
                                   "--keep-alive", "30",
                                   "--graceful-timeout", "5", "--log-level", "warning"],
                                  env=env, cwd=ROOT, start_new_session=True)
        wait_healthy(port, server)

        log(f"locust: {args.users} users for {args.seconds} s")
        stats = work / "stats"
        locust_env = {**os.environ, "MICROCRED_BENCH_TARGETS": str(targets), "MICROCRED_BENCH_REQUEST_LOG": str(work / "requests.tsv"),
                      "MICROCRED_BENCH_CLIENT": args.client}
        subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                        "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.seconds}s",
                        "--host", f"http://127.0.0.1:{port}", "--csv", str(stats), "--only-summary", "--stop-timeout", "10",
                        "--loglevel", "WARNING", "--exit-code-on-error", "0"],
                       env=locust_env, cwd=ROOT, check=True)
        return {**summary(stats, args), **after_warm_up(work / "requests.tsv", args.warm_up)}
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # gunicorn's own process group (start_new_session): master + workers
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(5)
        if cluster is not None:
            cluster.stop()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


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
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer /healthz in time")


def summary(stats: Path, args) -> dict:
    with open(f"{stats}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    per_page = {f"{r['Type']} {r['Name']}": {"requests": int(r["Request Count"]), "errors": int(r["Failure Count"]),
                                             "p50_ms": float(r["50%"]), "p95_ms": float(r["95%"])}
                for r in rows if r["Name"] != "Aggregated"}
    log("per page: " + json.dumps(per_page))
    try:
        with open(f"{stats}_failures.csv", newline="") as f:
            for failure in csv.DictReader(f):
                log(f"failure: {failure['Method']} {failure['Name']}: {failure['Error']} × {failure['Occurrences']}")
    except FileNotFoundError:
        pass
    return {"users": args.users, "seconds": args.seconds, "requests": int(total["Request Count"]),
            "errors": int(total["Failure Count"]), "p50_ms": float(total["50%"]), "p95_ms": float(total["95%"]),
            "p99_ms": float(total["99%"]), "rps": round(float(total["Requests/s"]), 1), "workers": args.workers,
            "threads": args.threads, "client": args.client}


def after_warm_up(request_log: Path, seconds: int) -> dict:
    """The same figures over the requests that started ``seconds`` or more after the first one: the server once its
    processes have served a while, beside the whole run (which stays the headline figure, cold start included)."""
    try:
        rows = [line.split("\t") for line in request_log.read_text().splitlines() if line.count("\t") == 3]
    except FileNotFoundError:
        return {}
    if not rows:
        return {}
    first = min(float(r[0]) for r in rows)
    times = sorted(float(r[2]) for r in rows if float(r[0]) >= first + seconds)
    if not times:
        return {}

    def at(share: float) -> float:
        return round(times[min(len(times) - 1, int(share * len(times)))], 1)

    window = {"requests": len(times), "errors": sum(int(r[3]) for r in rows if float(r[0]) >= first + seconds),
              "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99)}
    log(f"after the first {seconds} s: " + json.dumps(window))
    return {f"after_{seconds}s": window}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200, help="concurrent simulated users (default 200)")
    parser.add_argument("--seconds", type=int, default=300, help="duration of the measured run (default 300)")
    parser.add_argument("--spawn-rate", type=float, default=20, help="users started per second (default 20)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--database-url", help="use this (existing, empty or microcred) PostgreSQL database instead of a throwaway cluster")
    parser.add_argument("--port", type=int, default=0, help="server port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--warm-up", type=int, default=60, help="also report the requests after this many seconds (default 60)")
    parser.add_argument("--client", choices=("fast", "requests"), default="fast",
                        help="locust's HTTP client: FastHttpUser (default) or the requests-based HttpUser (decision 0058)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (locust CSVs, data folder)")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--earners", type=int, default=50, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(prepare(args.earners)))
        return 0
    if args.users < 1 or args.seconds < 1 or args.workers < 1 or args.threads < 1 or args.spawn_rate <= 0 or args.warm_up < 0:
        parser.error("--users, --seconds, --workers, --threads and --spawn-rate must be positive, --warm-up not negative")
    print(json.dumps(run(args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
