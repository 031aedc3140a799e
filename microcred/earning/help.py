"""Earning's part of the help page: how a teacher earns a micro-credential, and what a coach does."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.help import Section, register

register(
    Section("earner", _("Earning a micro-credential"), "earning/help/earner.html", order=10),
    Section("coach", _("Coaching"), "earning/help/coach.html", order=30, allowed=policy.is_coach),
)
