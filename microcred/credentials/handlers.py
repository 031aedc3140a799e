"""Reactions to other apps' events: an earned attempt gets its credential, issued in the background; a restored
backup's issuer keys are re-encrypted under this installation's secret."""
from django.dispatch import receiver

from microcred.core.secrets import secret_reencryption_requested
from microcred.earning.signals import attempt_earned


@receiver(attempt_earned, dispatch_uid="credentials.issue")
def on_earned(sender, attempt_id, **kwargs):
    from .tasks import issue_credential_for

    issue_credential_for.enqueue(attempt_id=attempt_id)


@receiver(secret_reencryption_requested, dispatch_uid="credentials.reencrypt_keys")
def on_reencryption_requested(sender, old_secret, **kwargs):
    """A backup made under another secret was restored: issuer private keys are re-encrypted under ours."""
    from .keys import reencrypt_private_keys

    return reencrypt_private_keys(old_secret)
