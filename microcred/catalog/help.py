"""Catalog's part of the help page: authoring and review."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.help import Section, register

register(Section("author", _("Writing micro-credentials"), "catalog/help/author.html", order=50, allowed=policy.can_author))
