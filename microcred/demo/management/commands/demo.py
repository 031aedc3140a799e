"""`microcred demo`: the whole platform on one machine with one command.

It migrates the embedded database, loads the demo world, and serves it together with a background worker (a child
process running django-tasks' ``db_worker``, stopped with the server), so submit → assign → score → decision →
credential → award → e-mail all happen with nothing else started. Every link the platform hands out (credential
ids, QR codes, e-mails, did:web) uses the address the demo serves at; demo credentials issued under another
address are re-signed under this one (docs/decisions/0005-site-url-and-demo-worker.md). Production runs its own
``db_worker`` next to the web server instead (README, "Running on PostgreSQL").
"""
from __future__ import annotations

import ctypes
import io
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import get_internal_wsgi_application, run

from microcred.credentials.site import rebase_issued_credentials
from microcred.demo.world import demo_logins, load_demo_world

from .seed_demo import format_logins

WORKER_ID = "microcred-demo-worker"
SITE_URL_FILE = "site_url"  # read by settings/dev.py


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the worker gets SIGTERM when the demo process dies, however it dies (even SIGKILL)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def demo_site_url(host: str, port: int) -> str:
    """The address links are built with: the one the demo listens on (a wildcard address becomes 127.0.0.1)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


class Command(BaseCommand):
    requires_system_checks = []  # run below, once the site URL is the one served at
    help = ("Create/migrate the embedded database, load the demo world, and serve it with a background worker; "
            "prints the URL and logins. Every link uses the address served at.")

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--site-url", default=None,
                            help="Address to build links with, when the demo is reached through another name "
                                 "(default: http://HOST:PORT).")
        parser.add_argument("--no-worker", action="store_true",
                            help="Do not start the background worker (run `microcred db_worker` yourself).")

    def handle(self, *args, **options):
        host, port = options["host"], options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        site_url = (options["site_url"] or demo_site_url(host, port)).rstrip("/")
        # One address for the server, the worker and everything already signed.
        os.environ["MICROCRED_SITE_URL"] = settings.SITE_URL = site_url
        call_command("migrate", interactive=False, verbosity=0)
        rebased = rebase_issued_credentials(new_site_url=site_url)
        # Remembered in the data folder, so `microcred seed_demo`, `verify`, `db_worker`… run by hand agree.
        (settings.DATA_DIR / SITE_URL_FILE).write_text(site_url + "\n", encoding="utf-8")
        self.check()
        load_demo_world()
        worker = None if options["no_worker"] else self._start_worker()
        try:
            if rebased:
                self.stdout.write(f"Re-signed {rebased} demo credentials for {site_url}.")
            self.stdout.write(f"Data folder: {settings.DATA_DIR}")
            self.stdout.write("Background worker: " + (f"running (log: {settings.DATA_DIR / 'worker.log'})" if worker
                                                       else "not started (run `microcred db_worker`)"))
            if getattr(settings, "EMAIL_FILE_PATH", None):
                self.stdout.write(f"E-mails the demo sends are written to {settings.EMAIL_FILE_PATH}")
            self.stdout.write(format_logins(demo_logins()))
            self.stdout.write(self.style.SUCCESS(f"\nmicrocred demo: {site_url}/   (sign in at {site_url}/accounts/login/)\n"))
            self.stdout.flush()
            # Django's threaded development server (what runserver runs, without its banner or code reloader);
            # static files come from WhiteNoise in the application.
            try:
                run(host, port, get_internal_wsgi_application(), ipv6=":" in host, threading=True)
            except OSError as error:
                raise CommandError(f"Cannot serve on {host}:{port}: {error.strerror or error}. "
                                   f"Is another program using that port? Try --port with another number.") from error
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()

    def _start_worker(self) -> subprocess.Popen:
        # A task left RUNNING by a demo worker that was killed is requeued first (every task is idempotent).
        call_command("requeue_stale_tasks", worker_id=[WORKER_ID], stdout=io.StringIO())
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "microcred.settings.dev")}
        log = open(settings.DATA_DIR / "worker.log", "ab")  # noqa: SIM115  (the child keeps it open)
        return subprocess.Popen(
            [sys.executable, "-m", "microcred.manage", "db_worker", "--worker-id", WORKER_ID, "--interval", "0.5",
             "--no-startup-delay", "--no-reload"],
            env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent if sys.platform == "linux" else None)
