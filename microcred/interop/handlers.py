"""Reactions to other apps' events: a restored backup's integration keys and webhook secrets are re-encrypted under
this installation's secret; platform events (sent after commit by the owning apps) become webhook deliveries, made
and sent in the background."""
from django.dispatch import receiver

from microcred.core.secrets import secret_reencryption_requested
from microcred.credentials.signals import (credential_issued, credential_reinstated, credential_revoked,
                                           credential_suspended)
from microcred.earning.signals import attempt_decided, attempt_submitted
from microcred.recognition.signals import awards_changed, policy_published

from .keys import reencrypt_private_keys
from .models import WebhookSubscription
from .webhooks.services import reencrypt_secrets


@receiver(secret_reencryption_requested, dispatch_uid="interop.reencrypt_integration_keys")
def on_reencryption_requested(sender, old_secret, **kwargs):
    """A backup made under another secret was restored: integration private keys are re-encrypted under ours."""
    return reencrypt_private_keys(old_secret)


@receiver(secret_reencryption_requested, dispatch_uid="interop.reencrypt_webhook_secrets")
def on_reencryption_requested_webhooks(sender, old_secret, **kwargs):
    """The same for webhook signing secrets."""
    return reencrypt_secrets(old_secret)


def _emit(event_type: str, data: dict) -> None:
    # One cheap question first: an installation without webhooks queues no task per event.
    if not WebhookSubscription.objects.filter(state=WebhookSubscription.State.ACTIVE).exists():
        return
    from .tasks import webhook_event

    webhook_event.enqueue(event_type=event_type, data=data)


@receiver(attempt_submitted, dispatch_uid="interop.webhook_attempt_submitted")
def on_attempt_submitted(sender, attempt_id, submission_id, **kwargs):
    _emit("attempt.submitted", {"attempt_id": attempt_id, "submission_id": submission_id})


@receiver(attempt_decided, dispatch_uid="interop.webhook_attempt_decided")
def on_attempt_decided(sender, attempt_id, submission_id, result, **kwargs):
    _emit("attempt.decided", {"attempt_id": attempt_id, "submission_id": submission_id, "result": str(result)})


@receiver(credential_issued, dispatch_uid="interop.webhook_credential_issued")
def on_credential_issued(sender, credential_id, **kwargs):
    _emit("credential.issued", {"credential_id": str(credential_id)})


@receiver(credential_revoked, dispatch_uid="interop.webhook_credential_revoked")
def on_credential_revoked(sender, credential_id, **kwargs):
    _emit("credential.revoked", {"credential_id": str(credential_id)})


@receiver(credential_suspended, dispatch_uid="interop.webhook_credential_suspended")
def on_credential_suspended(sender, credential_id, **kwargs):
    _emit("credential.suspended", {"credential_id": str(credential_id)})


@receiver(credential_reinstated, dispatch_uid="interop.webhook_credential_reinstated")
def on_credential_reinstated(sender, credential_id, **kwargs):
    _emit("credential.reinstated", {"credential_id": str(credential_id)})


@receiver(awards_changed, dispatch_uid="interop.webhook_awards_changed")
def on_awards_changed(sender, granted_ids, withdrawn_ids, **kwargs):
    if granted_ids:
        _emit("award.granted", {"award_ids": list(granted_ids)})
    if withdrawn_ids:
        _emit("award.withdrawn", {"award_ids": list(withdrawn_ids)})


@receiver(policy_published, dispatch_uid="interop.webhook_policy_published")
def on_policy_published(sender, policy_id, **kwargs):
    _emit("policy.published", {"policy_id": policy_id})
# --- LTI 1.3: progress on a launched MC goes to the LMS gradebook (Assignment and Grade Services) -------------------

from microcred.earning.signals import attempt_earned  # noqa: E402


def _enqueue_scores(attempt_id: int, earned: bool) -> None:
    from .models import LtiGradeLink
    from .tasks import post_lti_scores

    # Most attempts never came through an LMS: enqueue only when a grade link could apply.
    if LtiGradeLink.objects.filter(identity__user__attempts__pk=attempt_id).exists():
        post_lti_scores.enqueue(attempt_id, earned)


@receiver(attempt_submitted, dispatch_uid="interop.lti_score_on_submit")
def lti_score_on_submit(sender, attempt_id, **kwargs):
    _enqueue_scores(attempt_id, earned=False)


@receiver(attempt_earned, dispatch_uid="interop.lti_score_on_earned")
def lti_score_on_earned(sender, attempt_id, **kwargs):
    _enqueue_scores(attempt_id, earned=True)
