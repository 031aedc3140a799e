"""Reactions to other apps' events: an earned MC re-evaluates that educator's recognition in the background.

credentials emits no events yet; a revoked (or imported) credential is picked up by ``evaluate_recognition``
or a direct ``evaluate_educator`` call until credentials sends a ``credential_revoked`` signal."""
from django.dispatch import receiver

from microcred.earning.signals import attempt_earned


@receiver(attempt_earned, dispatch_uid="recognition.evaluate")
def on_earned(sender, attempt_id, **kwargs):
    # attempt_earned is sent after commit, so the attempt is visible to the task.
    from microcred.earning.models import Attempt

    from .tasks import evaluate_educator_task

    earner_id = Attempt.objects.filter(pk=attempt_id).values_list("earner_id", flat=True).first()
    if earner_id:
        evaluate_educator_task.enqueue(educator_id=earner_id, attempt_id=attempt_id)
