"""Background work of accounts (django-tasks): personal data exports, due account deletions."""
from django_tasks import task


@task()
def build_personal_data_export(export_id: str) -> str | None:
    """Build one "download my data" zip (idempotent: a finished export is left alone)."""
    from .privacy import build_export

    export = build_export(export_id)
    return export.state if export else None


@task()
def process_deletion_requests() -> dict:
    """Daily: process account deletion requests past their grace period; delete expired exports."""
    from .privacy import process_due_deletions

    return process_due_deletions()
