"""Reactions to events. The credentials app's: whenever an educator's set of credentials changes (issued,
revoked, imported), their recognition is re-evaluated in the background, and so are their stored qualifier
standings (only under the policies the credential can change: docs/decisions/0040). Expiry needs no event:
evaluation ignores expired credentials, and ``evaluate_recognition`` (scheduled daily) withdraws what depended on
them. Recognition's own: a published policy re-evaluates everyone, a recorded fact its educator; a changed policy
rebuilds its stored qualifier standings."""
from django.dispatch import receiver

from microcred.credentials.signals import credential_imported, credential_issued, credential_revoked

from .signals import educator_fact_recorded, policy_changed, policy_published
from .tasks import evaluate_all_task, evaluate_educator_task, rebuild_qualifiers_for, update_qualifiers_task


def _enqueue(earner_id, reason: str) -> None:
    evaluate_educator_task.enqueue(educator_id=earner_id, reason=reason)


def _standings(earner_id, reason: str, **which) -> None:
    from .models import QualifierSnapshot

    if QualifierSnapshot.objects.exists():  # nobody has looked at a qualifiers page yet: nothing stored to follow
        update_qualifiers_task.enqueue(educator_id=earner_id, reason=reason, **which)


@receiver(credential_issued, dispatch_uid="recognition.on_issued")
def on_issued(sender, credential_id, earner_id, **kwargs):
    _enqueue(earner_id, f"credential {credential_id} issued")
    _standings(earner_id, f"credential {credential_id} issued", credential_id=str(credential_id))


@receiver(credential_revoked, dispatch_uid="recognition.on_revoked")
def on_revoked(sender, credential_id, earner_id, **kwargs):
    _enqueue(earner_id, f"credential {credential_id} revoked")
    _standings(earner_id, f"credential {credential_id} revoked", credential_id=str(credential_id))


@receiver(credential_imported, dispatch_uid="recognition.on_imported")
def on_imported(sender, external_id, earner_id, **kwargs):
    _enqueue(earner_id, f"external credential {external_id} imported")
    _standings(earner_id, f"external credential {external_id} imported", credential_id=str(external_id))


@receiver(policy_published, dispatch_uid="recognition.on_policy_published")
def on_policy_published(sender, policy_id, **kwargs):
    evaluate_all_task.enqueue()


@receiver(policy_changed, dispatch_uid="recognition.on_policy_changed")
def on_policy_changed(sender, policy_id, **kwargs):
    from .models import Policy

    policy = Policy.objects.filter(pk=policy_id).first()
    if policy is not None:
        rebuild_qualifiers_for(policy)


@receiver(educator_fact_recorded, dispatch_uid="recognition.on_fact_recorded")
def on_fact_recorded(sender, educator_id, key, recognizer_id=None, **kwargs):
    _enqueue(educator_id, f"fact {key} set")
    _standings(educator_id, f"fact {key} set", recognizer_id=recognizer_id)
