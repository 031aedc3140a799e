from django_tasks import task


@task()
def issue_credential_for(attempt_id: int) -> str | None:
    """Issue the credential of an earned attempt (idempotent: a retried task returns the one issued)."""
    from microcred.earning.models import Attempt

    from .services import issue_for_attempt

    attempt = Attempt.objects.filter(pk=attempt_id, state=Attempt.State.EARNED).first()
    if attempt is None:
        return None
    return str(issue_for_attempt(attempt).pk)
