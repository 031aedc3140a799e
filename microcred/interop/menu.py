"""interop's part of the navigation: webhook subscriptions, for the organization admins who manage them."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.menu import Entry, register

register(Entry("webhooks", _("Webhooks"), "interop:webhooks", order=117, group="manage", allowed=policy.can_open_webhook_pages))
