from django_tasks import task


@task()
def post_lti_scores(attempt_id: int, earned: bool) -> list[str]:
    """Send an attempt's progress to the LMS gradebooks its earner's launches linked the MC to (LTI AGS)."""
    from .lti.services import post_scores

    return post_scores(attempt_id=attempt_id, earned=earned)
