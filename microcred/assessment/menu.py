"""Assessment's navigation entries (drawn by core's base.html; see core/menu.py)."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.menu import Entry, register, register_stamp

from .selectors import POOLS

register(
    Entry("assess", _("Assess"), "assessment:queue", order=90, allowed=policy.is_assessor),
    Entry("assessment", _("Assessment"), "assessment:issuer", order=100, allowed=policy.can_open_assessment_dashboard),
)
register_stamp(lambda user: POOLS.current())  # "Assess" is for anyone with a qualification
