from django_tasks import task


@task()
def evaluate_educator_task(educator_id: int, attempt_id: int | None = None) -> int:
    """Re-evaluate one educator's recognition (idempotent). When started by an earned attempt, make sure its
    credential exists first (issuing is idempotent), so the order of the two background tasks does not matter."""
    from django.contrib.auth import get_user_model

    from .services import evaluate_educator

    if attempt_id is not None:
        from microcred.credentials.services import issue_for_attempt
        from microcred.earning.models import Attempt

        attempt = Attempt.objects.filter(pk=attempt_id, state=Attempt.State.EARNED).first()
        if attempt is not None:
            issue_for_attempt(attempt)
    educator = get_user_model().objects.filter(pk=educator_id).first()
    return len(evaluate_educator(educator)) if educator else 0


@task()
def evaluate_all_task() -> dict:
    from .services import evaluate_all

    return evaluate_all()
