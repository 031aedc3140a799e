"""Accounts' part of the navigation: the admin site link, and the account area (profile, log in/out)."""
from django.utils.translation import gettext_lazy as _

from microcred.core.menu import Entry, register, register_area, register_preparer, register_stamp

from . import policy
from .selectors import PEOPLE

register_preparer(policy.remember)  # the menu asks a dozen rules: read the person's memberships once
# Memberships, organizations and people (what most rules read), and the person's own flags (read with them).
register_stamp(lambda user: (PEOPLE.current(), *policy.account_flags(user)))
register(Entry("admin", _("Admin"), "admin:index", order=130, allowed=policy.can_open_admin_site))
register_area("account", "accounts/_nav_account.html")
register(Entry("invitations", _("Invitations"), "accounts:invitations", order=106, allowed=policy.can_open_invitations))
register(Entry("registrations", _("Registrations"), "accounts:registrations", order=107, allowed=policy.can_open_registrations))
