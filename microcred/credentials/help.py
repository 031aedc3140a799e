"""Credentials' part of the help page: the educator's own credentials, and what an issuer admin does."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.help import Section, register

register(
    Section("credentials", _("Your credentials"), "credentials/help/mine.html", order=20, allowed=policy.is_signed_in),
    Section("issuer", _("Issuing and revoking"), "credentials/help/issuer.html", order=70, allowed=policy.is_issuer_admin),
)
