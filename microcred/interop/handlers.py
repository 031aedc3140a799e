"""Reactions to other apps' events: a restored backup's integration keys are re-encrypted under this
installation's secret."""
from django.dispatch import receiver

from microcred.core.secrets import secret_reencryption_requested

from .keys import reencrypt_private_keys


@receiver(secret_reencryption_requested, dispatch_uid="interop.reencrypt_integration_keys")
def on_reencryption_requested(sender, old_secret, **kwargs):
    """A backup made under another secret was restored: integration private keys are re-encrypted under ours."""
    return reencrypt_private_keys(old_secret)
