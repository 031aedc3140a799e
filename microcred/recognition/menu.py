"""Recognition's navigation entries (drawn by core's base.html; see core/menu.py)."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.menu import Entry, register

register(
    Entry("my_recognition", _("My recognition"), "recognition:worth", order=50, allowed=policy.is_signed_in),
    Entry("recognition_policies", _("Recognition policies"), "recognition:manage", order=55, group="manage",
          allowed=policy.can_manage_recognition),
)
