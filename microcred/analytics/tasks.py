"""Background work of analytics (django-tasks): building a research export, computing a dashboard snapshot."""
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
    return snapshot.state if snapshot else None
