"""Background work of analytics (django-tasks): building a research export."""
from django_tasks import task


@task()
def build_research_export(export_id: str) -> str | None:
    from . import services

    export = services.build_research_export(export_id)
    return export.state if export else None
