"""Reactions to other apps' events: a restored backup's identity provider client secrets are re-encrypted under this
installation's secret."""
from django.dispatch import receiver

from microcred.core.secrets import secret_reencryption_requested

from .services import reencrypt_client_secrets


@receiver(secret_reencryption_requested, dispatch_uid="sso.reencrypt_client_secrets")
def on_reencryption_requested(sender, old_secret, **kwargs):
    return reencrypt_client_secrets(old_secret)
