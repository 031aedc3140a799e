"""A throwaway microcred install for fault tests: its own data folder and database, driven only by subprocesses.

On SQLite (default) the database is a file in the data folder; when DATABASE_URL is set (CI's PostgreSQL run) a
fresh database is created on that server for each deployment and dropped afterwards. The test process never
imports the project's models against it: it runs `microcred …` and `python -m tests.faults.seed …` like an
operator would, and reads counts over a plain DB-API connection while a worker is running.
"""
from __future__ import annotations

import json
import os
import signal
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]


class Deployment:
    def __init__(self, data_dir: Path, *, database_url: str | None = None):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_", "MICROCRED_"))}
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "microcred.settings.dev",  # the real task backend: django-tasks' database one
            "MICROCRED_DATA_DIR": str(self.data_dir),
            "MICROCRED_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "MICROCRED_LOG_LEVEL": "ERROR",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
        })
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self._conn = None

    # --- processes ---------------------------------------------------------------------------------
    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "microcred.manage", *args]

    def run(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(self.command(*args), env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"microcred {' '.join(args)} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        return done.stdout

    def seed(self, *args: str, timeout: float = 180) -> dict:
        done = subprocess.run([sys.executable, "-m", "tests.faults.seed", *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"seed {' '.join(args)} exited {done.returncode}:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(self.command(*args), env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)

    @staticmethod
    def kill_when(process: subprocess.Popen, ready, *, timeout: float = 60) -> None:
        """SIGKILL ``process`` at a moment when ``ready()`` holds: freeze it (SIGSTOP), check again on the frozen
        state, then kill; resume and keep polling otherwise. Fails if the process ends first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"the process ended (exit {process.returncode}) before it could be killed "
                                     f"mid-run; give it more work.\n{process.stderr.read()[-3000:]}")
            if ready():
                os.kill(process.pid, signal.SIGSTOP)
                time.sleep(0.05)  # let in-flight commits land so the check reads what the kill will leave behind
                if ready():
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait(10)
                    return
                os.kill(process.pid, signal.SIGCONT)
            time.sleep(0.01)
        process.kill()
        process.wait(10)
        raise AssertionError("timed out waiting for the moment to kill the process")

    # --- reading while a process runs -------------------------------------------------------------------
    def scalar(self, sql: str):
        if self._conn is None:
            if self.database_url:
                import psycopg

                self._conn = psycopg.connect(self.database_url, autocommit=True)
            else:
                self._conn = sqlite3.connect(f"file:{self.data_dir / 'microcred.sqlite3'}?mode=ro", uri=True,
                                             isolation_level=None, timeout=20)
        try:
            return self._conn.execute(sql).fetchone()[0]
        except sqlite3.OperationalError as exc:  # the schema is still being created, or a checkpoint holds the file
            if "no such table" in str(exc) or "locked" in str(exc):
                return None
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def destroy(self) -> None:
        self.close()
        if self.database_url:
            _admin(self.database_url, f'DROP DATABASE IF EXISTS "{_name(self.database_url)}" WITH (FORCE)')


def create(data_dir: Path, *, like: Deployment | None = None) -> Deployment:
    """A new deployment: on the PostgreSQL server of DATABASE_URL when set (a new database), else SQLite.

    ``like``: start as a copy of that (stopped) deployment — its data folder and its database (PostgreSQL copies a
    database with CREATE DATABASE … TEMPLATE). Migrating from nothing costs half a minute; a copy of a migrated one,
    a second."""
    server = os.environ.get("DATABASE_URL")
    if like is not None:
        like.close()
        shutil.copytree(like.data_dir, data_dir, dirs_exist_ok=True)
    if not server:
        return Deployment(data_dir)
    url = _database_url(server, _new_name())
    template = f' TEMPLATE "{_name(like.database_url)}"' if like is not None else ""
    _admin(url, f'CREATE DATABASE "{_name(url)}"{template}')
    return Deployment(data_dir, database_url=url)


def migrated(data_dir: Path) -> Deployment:
    """A deployment with every migration applied and nothing else, to copy (``create(…, like=…)``)."""
    d = create(data_dir)
    d.run("migrate", "-v0", timeout=300)
    return d


def _new_name() -> str:
    return f"microcred_fault_{uuid.uuid4().hex[:12]}"


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _database_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_database_url(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)
