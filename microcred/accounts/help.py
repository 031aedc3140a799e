"""Accounts' part of the help page: the person's own account, and whom in their organizations to ask."""
from django.utils.translation import gettext_lazy as _

from microcred.core.help import Section, register

from . import policy, selectors

register(Section("account", _("Your account and whom to ask"), "accounts/help/account.html", order=90,
                 allowed=policy.is_signed_in, context=lambda user: {"contacts": selectors.help_contacts(user)}))
