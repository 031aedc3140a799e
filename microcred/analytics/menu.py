"""Analytics' part of the navigation: the dashboards, for whoever may open one."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.menu import Entry, register

register(Entry("analytics", _("Dashboards"), "analytics:index", order=160, allowed=policy.can_open_analytics))
register(Entry("expertise", _("Find expertise"), "analytics:expertise", order=161, allowed=policy.can_search_expertise))
