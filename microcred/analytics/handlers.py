"""Reactions to the lower apps' events: when an attempt is submitted, withdrawn or decided, a credential issued,
revoked or suspended, or awards granted or withdrawn, the pre-aggregated dashboards that count that educator or
micro-credential are marked stale and rebuilt by a task — one waiting build per snapshot however many events arrive
(docs/decisions/0037). Every signal is sent after commit, so the task reads the new rows."""
from __future__ import annotations

import contextlib
import contextvars

from django.dispatch import receiver

from microcred.credentials.signals import (credential_imported, credential_issued, credential_reinstated,
                                           credential_revoked, credential_suspended)
from microcred.earning.signals import attempt_decided, attempt_submitted, submission_withdrawn
from microcred.recognition.signals import awards_changed


_batch: contextvars.ContextVar[dict | None] = contextvars.ContextVar("analytics_refresh_batch", default=None)


@contextlib.contextmanager
def one_refresh_for_the_block():
    """Inside the block, events only note the educators and MCs they touch; their dashboards are refreshed once, as
    the block ends. For bulk loads (the demo world): each of their hundreds of credentials sends an event after
    commit, and where the task backend cannot wait and fold them into one build (the immediate backend of the tests
    and of a one-off command), every event would rebuild every dashboard."""
    if _batch.get() is not None:  # already inside one: the outer block refreshes
        yield
        return
    batch = {"earner_ids": set(), "micro_credential_ids": set()}
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
        if batch["earner_ids"] or batch["micro_credential_ids"]:
            refresh_for(**batch)


def refresh_for(*, earner_ids=(), micro_credential_ids=()) -> list[int]:
    """Mark the affected snapshots stale and enqueue one build for each that was not already waiting."""
    from . import services, tasks

    batch = _batch.get()
    if batch is not None:
        batch["earner_ids"].update(earner_ids)
        batch["micro_credential_ids"].update(micro_credential_ids)
        return []

    queued = services.mark_snapshots_stale(earner_ids=earner_ids, micro_credential_ids=micro_credential_ids)
    for snapshot_id in queued:
        tasks.enqueue_snapshot(snapshot_id)
    return queued


def _attempt_changed(attempt_id) -> None:
    from microcred.earning.models import Attempt

    row = Attempt.objects.filter(pk=attempt_id).values("earner_id", "micro_credential_id").first()
    if row is not None:
        refresh_for(earner_ids=[row["earner_id"]], micro_credential_ids=[row["micro_credential_id"]])


@receiver(attempt_submitted, dispatch_uid="analytics.on_attempt_submitted")
def on_attempt_submitted(sender, attempt_id, **kwargs):
    _attempt_changed(attempt_id)


@receiver(submission_withdrawn, dispatch_uid="analytics.on_submission_withdrawn")
def on_submission_withdrawn(sender, attempt_id, **kwargs):
    _attempt_changed(attempt_id)


@receiver(attempt_decided, dispatch_uid="analytics.on_attempt_decided")
def on_attempt_decided(sender, attempt_id, **kwargs):
    _attempt_changed(attempt_id)


def _credential_changed(sender, earner_id=None, **kwargs):
    if earner_id is not None:
        refresh_for(earner_ids=[earner_id])


for _signal, _name in ((credential_issued, "issued"), (credential_revoked, "revoked"),
                       (credential_suspended, "suspended"), (credential_reinstated, "reinstated"),
                       (credential_imported, "imported")):
    _signal.connect(_credential_changed, dispatch_uid=f"analytics.on_credential_{_name}")


@receiver(awards_changed, dispatch_uid="analytics.on_awards_changed")
def on_awards_changed(sender, granted_ids=(), withdrawn_ids=(), **kwargs):
    from microcred.recognition.models import Award

    ids = list(granted_ids or ()) + list(withdrawn_ids or ())
    if ids:
        refresh_for(earner_ids=set(Award.objects.filter(pk__in=ids).values_list("educator_id", flat=True)))
