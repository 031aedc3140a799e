"""Reactions to earning's events: an earned attempt gets its credential, issued in the background."""
from django.dispatch import receiver

from microcred.earning.signals import attempt_earned


@receiver(attempt_earned, dispatch_uid="credentials.issue")
def on_earned(sender, attempt_id, **kwargs):
    from .tasks import issue_credential_for

    issue_credential_for.enqueue(attempt_id=attempt_id)
