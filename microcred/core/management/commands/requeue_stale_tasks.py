"""Put background tasks orphaned by a dead worker back in the queue.

django-tasks' database worker marks a task RUNNING (committed) before it runs it and FAILED/SUCCEEDED after. A
worker killed in between (SIGKILL, OOM killer, power loss, a container stopped without grace) leaves the row
RUNNING forever: no worker ever picks it up again, so e.g. the credential of an earned attempt would never be
issued (upstream: RealOrangeOne/django-tasks#46, still open; 0.8.1 has no heartbeat or lease). Every microcred
task is idempotent (issuing returns the credential already issued, awards are unique, opening a review finds it
open), so running an orphaned task again is safe; the one exception is a notification e-mail, which a worker
killed between sending it and committing "sent" may send a second time.
"""
from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks.backends.database.models import DBTaskResult
from django_tasks.task import ResultStatus


class Command(BaseCommand):
    help = ("Requeue background tasks left RUNNING by a worker that died (killed, crashed, host lost). Safe: every "
            "microcred task is idempotent. Run it before starting a worker with a fixed --worker-id, or from cron "
            "with --older-than.")

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", action="append", default=[], metavar="ID",
                            help="Requeue tasks last claimed by this worker id, however recent (the worker with that "
                                 "id is known to be stopped: you are about to start it). Repeatable.")
        parser.add_argument("--older-than", type=float, default=None, metavar="SECONDS",
                            help="Requeue tasks that have been RUNNING for longer than this (default 900 when no "
                                 "--worker-id is given; no microcred task takes anywhere near that long).")
        parser.add_argument("--backend", default=DEFAULT_TASK_BACKEND_ALIAS, help="Task backend alias (default: %(default)s).")
        parser.add_argument("--dry-run", action="store_true", help="List what would be requeued; change nothing.")

    def handle(self, *args, worker_id, older_than, backend, dry_run, **options):
        if older_than is None and not worker_id:
            older_than = 900.0
        if older_than is not None and older_than < 0:
            raise CommandError("--older-than must be zero or more seconds.")
        if any(not w.strip() for w in worker_id):
            raise CommandError("--worker-id must not be empty.")
        cutoff = timezone.now() - dt.timedelta(seconds=older_than) if older_than is not None else None
        stale = []
        for task in DBTaskResult.objects.running().filter(backend_name=backend).order_by("started_at"):
            last_worker = task.worker_ids[-1] if isinstance(task.worker_ids, list) and task.worker_ids else None
            if (last_worker is not None and last_worker in worker_id) or \
                    (cutoff is not None and (task.started_at is None or task.started_at <= cutoff)):
                stale.append(task)
        for task in stale:
            self.stdout.write(f"{'would requeue' if dry_run else 'requeue'} {task.pk} {task.task_path} "
                              f"(started {task.started_at:%Y-%m-%d %H:%M:%S} UTC by worker {task.worker_ids[-1] if task.worker_ids else '?'})"
                              if task.started_at else f"{'would requeue' if dry_run else 'requeue'} {task.pk} {task.task_path}")
        if dry_run:
            self.stdout.write(f"{len(stale)} stale task(s); nothing changed (--dry-run).")
            return
        # Conditional on still RUNNING: a task that finished meanwhile keeps its result.
        requeued = DBTaskResult.objects.filter(pk__in=[t.pk for t in stale], status=ResultStatus.RUNNING) \
            .update(status=ResultStatus.READY, started_at=None)
        self.stdout.write(self.style.SUCCESS(f"Requeued {requeued} stale task(s)."))
