"""Single sign-on's part of the navigation: the identity provider settings, for those who configure them."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.menu import Entry, register

register(Entry("sso", _("Sign-in"), "sso:index", order=116, allowed=policy.can_open_sso_pages))
