"""People's part of the help page: what an organization's people administrator does."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.help import Section, register

register(Section("people-admin", _("Managing your organization's people"), "people/help/admin.html", order=65,
                 allowed=policy.can_open_people_pages))
