"""People's navigation entry (drawn by core's base.html; see core/menu.py)."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.menu import Entry, register

register(Entry("people", _("People"), "people:search", order=105, allowed=policy.can_open_people_pages))
