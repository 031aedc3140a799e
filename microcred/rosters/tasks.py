from django_tasks import task


@task()
def run_import_task(run_id: int) -> str | None:
    """Run an uploaded roster or educator-facts import (idempotent: a run that already started is left alone)."""
    from .services import run_queued

    run = run_queued(run_id)
    return run.state if run else None
