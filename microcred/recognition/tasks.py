"""Background work of recognition: re-evaluation, enqueued by handlers.py. Tasks call services, never the reverse."""
from django.contrib.auth import get_user_model
from django_tasks import task

from .services import evaluate_all, evaluate_educator


@task()
def evaluate_educator_task(educator_id: int, reason: str = "") -> int:
    """Re-evaluate one educator's recognition (idempotent; ``reason`` is for the task log only)."""
    educator = get_user_model().objects.filter(pk=educator_id).first()
    return len(evaluate_educator(educator)) if educator else 0


@task()
def evaluate_all_task() -> dict:
    return evaluate_all()
