"""Quality's navigation entry (drawn by core's base.html; see core/menu.py): the quality reviews page, for exactly
the people it lets in (certified quality reviewers, and the authors who follow their MCs' reviews)."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.menu import Entry, register, register_stamp

from .selectors import REVIEWERS

register(Entry("quality_reviews", _("Quality reviews"), "quality:reviews", order=95, group="main",
               allowed=policy.can_open_quality_reviews))
register_stamp(lambda user: REVIEWERS.current())  # certified quality reviewers
