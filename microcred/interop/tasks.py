"""Background work of interop (django-tasks): fanning a platform event out to webhook subscriptions, and each
delivery attempt with its retries (exponential backoff). Thin: the rules are in webhooks/services.py."""
from __future__ import annotations

from django_tasks import task

from .webhooks import services


@task()
def webhook_event(event_type: str, data: dict) -> int:
    """Make the deliveries of one event and send each in its own task; returns how many."""
    ids = services.record_event(event_type, data)
    for delivery_id in ids:
        deliver_webhook.enqueue(delivery_id=delivery_id)
    return len(ids)


@task()
def deliver_webhook(delivery_id: int) -> str | None:
    """One attempt; on failure, the next one is enqueued to run after the backoff (at once where the backend cannot
    defer: the immediate backend of the tests)."""
    result = services.attempt_delivery(delivery_id)
    if result is None:
        return None
    if result.retry_at is not None:
        if deliver_webhook.get_backend().supports_defer:
            deliver_webhook.using(run_after=result.retry_at).enqueue(delivery_id=delivery_id)
        else:
            deliver_webhook.enqueue(delivery_id=delivery_id)
    return result.state


def send_soon(delivery_id: int) -> None:
    """Send a delivery made in a person's request (a test event, a replay) in the background, once committed."""
    from django.db import transaction

    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery_id=delivery_id))


@task()
def post_lti_scores(attempt_id: int, earned: bool) -> list[str]:
    """Send an attempt's progress to the LMS gradebooks its earner's launches linked the MC to (LTI AGS)."""
    from .lti.services import post_scores

    return post_scores(attempt_id=attempt_id, earned=earned)


@task()
def send_licensure_feed_run(run_id: int) -> str | None:
    """Send one licensure feed run ("send now"); the rules are in feeds/services.py."""
    from .feeds.services import send_run

    run = send_run(run_id)
    return run.state if run else None


def send_feed_run_soon(run_id: int) -> None:
    from django.db import transaction

    transaction.on_commit(lambda: send_licensure_feed_run.enqueue(run_id=run_id))


@task()
def sync_lti_roster(sync_id: int) -> str | None:
    """Enroll a course's teachers (NRPS membership) in its cohort: lti/roster.py."""
    from .lti import roster

    sync = roster.run_sync(sync_id)
    return sync.state if sync is not None else None


@task()
def import_case_framework(run_id: int) -> str | None:
    """Import a CASE package uploaded or named on the web page: case_import.py."""
    from . import case_import

    run = case_import.run_import(run_id)
    return run.state if run is not None else None


def sync_lti_roster_soon(sync_id: int) -> None:
    from django.db import transaction

    transaction.on_commit(lambda: sync_lti_roster.enqueue(sync_id=sync_id))


def import_case_framework_soon(run_id: int) -> None:
    from django.db import transaction

    transaction.on_commit(lambda: import_case_framework.enqueue(run_id=run_id))
