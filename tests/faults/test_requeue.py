"""`microcred requeue_stale_tasks`: which RUNNING tasks count as orphaned, and what is left alone.
(The SIGKILL test in test_sigkill.py exercises it against a really killed worker.)"""
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from django_tasks.backends.database.models import DBTaskResult, get_date_max

pytestmark = pytest.mark.django_db

TASK = "microcred.credentials.tasks.issue_credential_for"


def task_row(status, *, started_ago=None, worker="w1", backend="default"):
    return DBTaskResult.objects.create(
        status=status, args_kwargs={"args": [], "kwargs": {"attempt_id": 1}}, task_path=TASK, backend_name=backend,
        run_after=get_date_max(), worker_ids=[worker] if worker else [],
        started_at=timezone.now() - dt.timedelta(seconds=started_ago) if started_ago is not None else None)


def requeue(*args):
    out = io.StringIO()
    call_command("requeue_stale_tasks", *args, stdout=out)
    return out.getvalue()


def statuses(*rows):
    return [DBTaskResult.objects.get(pk=r.pk).status for r in rows]


def test_default_requeues_only_tasks_running_for_more_than_15_minutes():
    old, recent = task_row("RUNNING", started_ago=3600), task_row("RUNNING", started_ago=60)
    done, ready = task_row("SUCCEEDED", started_ago=3600), task_row("READY", worker=None)
    assert "Requeued 1 stale task(s)." in requeue()
    assert statuses(old, recent, done, ready) == ["READY", "RUNNING", "SUCCEEDED", "READY"]
    assert DBTaskResult.objects.get(pk=old.pk).started_at is None
    assert DBTaskResult.objects.ready().filter(pk=old.pk).exists()  # a worker will pick it up again


def test_worker_id_requeues_that_workers_tasks_however_recent():
    mine, theirs = task_row("RUNNING", started_ago=1, worker="host-a"), task_row("RUNNING", started_ago=1, worker="host-b")
    out = requeue("--worker-id", "host-a")
    assert "Requeued 1 stale task(s)." in out and str(mine.pk) in out
    assert statuses(mine, theirs) == ["READY", "RUNNING"]


def test_older_than_and_dry_run():
    row = task_row("RUNNING", started_ago=120)
    assert "Requeued 0 stale task(s)." in requeue("--older-than", "600")
    out = requeue("--older-than", "60", "--dry-run")
    assert "would requeue" in out and "1 stale task(s); nothing changed" in out
    assert statuses(row) == ["RUNNING"]
    assert "Requeued 1 stale task(s)." in requeue("--older-than", "60")


def test_other_backends_are_left_alone():
    row = task_row("RUNNING", started_ago=3600, backend="other")
    assert "Requeued 0 stale task(s)." in requeue()
    assert statuses(row) == ["RUNNING"]


@pytest.mark.parametrize("args, message", [
    (["--older-than", "-5"], "--older-than must be zero or more seconds."),
    (["--worker-id", "  "], "--worker-id must not be empty."),
])
def test_bad_input_is_refused_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        requeue(*args)


def test_a_non_number_is_refused_by_the_parser():
    with pytest.raises(CommandError, match="invalid float value"):
        requeue("--older-than", "soon")
