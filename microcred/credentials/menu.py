"""The credentials app's navigation entries (drawn by core's base.html; see core/menu.py)."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.menu import Entry, register

register(Entry("my_credentials", _("My credentials"), "credentials:mine", order=40, allowed=policy.is_signed_in))
register(Entry("known_issuers", _("Known issuers"), "credentials:known-issuers", order=75, group="manage",
               allowed=policy.can_view_known_issuers))
register(Entry("issued_credentials", _("Issued credentials"), "credentials:issued", order=76,
               allowed=policy.can_list_issued_credentials))
