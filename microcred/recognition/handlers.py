"""Reactions to events. The credentials app's: whenever an educator's set of credentials changes (issued,
revoked, imported), their recognition is re-evaluated in the background. Expiry needs no event: evaluation
ignores expired credentials, and ``evaluate_recognition`` (scheduled daily) withdraws what depended on them.
Recognition's own: a published policy re-evaluates everyone, a recorded fact its educator."""
from django.dispatch import receiver

from microcred.credentials.signals import credential_imported, credential_issued, credential_revoked

from .signals import educator_fact_recorded, policy_published
from .tasks import evaluate_all_task, evaluate_educator_task


def _enqueue(earner_id, reason: str) -> None:
    evaluate_educator_task.enqueue(educator_id=earner_id, reason=reason)


@receiver(credential_issued, dispatch_uid="recognition.on_issued")
def on_issued(sender, credential_id, earner_id, **kwargs):
    _enqueue(earner_id, f"credential {credential_id} issued")


@receiver(credential_revoked, dispatch_uid="recognition.on_revoked")
def on_revoked(sender, credential_id, earner_id, **kwargs):
    _enqueue(earner_id, f"credential {credential_id} revoked")


@receiver(credential_imported, dispatch_uid="recognition.on_imported")
def on_imported(sender, external_id, earner_id, **kwargs):
    _enqueue(earner_id, f"external credential {external_id} imported")


@receiver(policy_published, dispatch_uid="recognition.on_policy_published")
def on_policy_published(sender, policy_id, **kwargs):
    evaluate_all_task.enqueue()


@receiver(educator_fact_recorded, dispatch_uid="recognition.on_fact_recorded")
def on_fact_recorded(sender, educator_id, key, **kwargs):
    _enqueue(educator_id, f"fact {key} set")
