"""Events of lower apps that earning reacts to: account notices become notifications of kind "account"."""
from django.contrib.auth import get_user_model
from django.dispatch import receiver

from microcred.accounts.signals import account_notice

from .notifications import notify


@receiver(account_notice, dispatch_uid="earning.handlers.account_notice")
def on_account_notice(sender, *, user_id: int, message, url: str = "", **kwargs):
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is not None:
        notify(user=user, kind="account", message=message, url=url)
