"""interop's part of the navigation: the LMS platforms page, for platform admins."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.menu import Entry, register

register(Entry("lti", _("LMS (LTI)"), "interop:lti_platforms", order=117, allowed=policy.can_manage_lti_platforms))
