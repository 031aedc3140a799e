from django_tasks import task


@task()
def open_review_for(submission_id: int) -> None:
    """Put a new submission into assessment (idempotent: a retried task finds the review already open)."""
    from microcred.earning.models import Submission

    from .services import open_review

    submission = Submission.objects.filter(pk=submission_id, state=Submission.State.PENDING).first()
    if submission is not None:
        open_review(submission=submission)
