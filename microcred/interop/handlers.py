"""Reactions to other apps' events: a restored backup's integration keys are re-encrypted under this
installation's secret."""
from django.dispatch import receiver

from microcred.core.secrets import secret_reencryption_requested

from .keys import reencrypt_private_keys


@receiver(secret_reencryption_requested, dispatch_uid="interop.reencrypt_integration_keys")
def on_reencryption_requested(sender, old_secret, **kwargs):
    """A backup made under another secret was restored: integration private keys are re-encrypted under ours."""
    return reencrypt_private_keys(old_secret)


# --- LTI 1.3: progress on a launched MC goes to the LMS gradebook (Assignment and Grade Services) -------------------

from microcred.earning.signals import attempt_earned, attempt_submitted  # noqa: E402


def _enqueue_scores(attempt_id: int, earned: bool) -> None:
    from .models import LtiGradeLink
    from .tasks import post_lti_scores

    # Most attempts never came through an LMS: enqueue only when a grade link could apply.
    if LtiGradeLink.objects.filter(identity__user__attempts__pk=attempt_id).exists():
        post_lti_scores.enqueue(attempt_id, earned)


@receiver(attempt_submitted, dispatch_uid="interop.lti_score_on_submit")
def on_attempt_submitted(sender, attempt_id, **kwargs):
    _enqueue_scores(attempt_id, earned=False)


@receiver(attempt_earned, dispatch_uid="interop.lti_score_on_earned")
def on_attempt_earned(sender, attempt_id, **kwargs):
    _enqueue_scores(attempt_id, earned=True)
