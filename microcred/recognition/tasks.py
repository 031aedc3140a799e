from django_tasks import task


@task()
def evaluate_educator_task(educator_id: int, reason: str = "") -> int:
    """Re-evaluate one educator's recognition (idempotent; ``reason`` is for the task log only)."""
    from django.contrib.auth import get_user_model

    from .services import evaluate_educator

    educator = get_user_model().objects.filter(pk=educator_id).first()
    return len(evaluate_educator(educator)) if educator else 0


@task()
def evaluate_all_task() -> dict:
    from .services import evaluate_all

    return evaluate_all()
