"""Background work of analytics (django-tasks): building a research export, computing a dashboard snapshot (asked for
by a person, or after the data under it changed: handlers.py)."""
from django_tasks import task


@task()
def build_research_export(export_id: str) -> str | None:
    from . import services

    export = services.build_research_export(export_id)
    return export.state if export else None


@task()
def build_snapshot(snapshot_id: int) -> str | None:
    from . import services

    snapshot = services.build_snapshot(snapshot_id)
    if snapshot is not None and snapshot.state == snapshot.State.PENDING:  # the data changed while it was computed
        enqueue_snapshot(snapshot.pk)
    return snapshot.state if snapshot else None


def enqueue_snapshot(snapshot_id: int) -> None:
    """Build a snapshot in the background, after ANALYTICS_REFRESH_DELAY seconds (default 60) where the task
    backend can wait: events arriving meanwhile are folded into this one build (docs/decisions/0037)."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    delay = getattr(settings, "ANALYTICS_REFRESH_DELAY", 60)
    if delay and build_snapshot.get_backend().supports_defer:
        build_snapshot.using(run_after=timezone.now() + dt.timedelta(seconds=delay)).enqueue(snapshot_id=snapshot_id)
    else:
        build_snapshot.enqueue(snapshot_id=snapshot_id)
