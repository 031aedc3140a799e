"""Earning's navigation entries (drawn by core's base.html; see core/menu.py)."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.menu import Entry, register

from . import plans


def may_set_priorities(user) -> bool:
    """A recognizer admin of a district or state agency (or a platform admin): the priorities page's own test."""
    return policy.is_signed_in(user) and plans.priority_organizations(user).exists()


register(
    Entry("my_mcs", _("My MCs"), "earning:home", order=30, allowed=policy.is_signed_in),
    # The coaching page answers every signed-in person (their coachees, if any); the menu offers it to coaches.
    Entry("coaching", _("Coaching"), "earning:coaching", order=60, allowed=policy.is_coach),
    Entry("priorities", _("Priorities"), "earning:priorities", order=70, group="manage", allowed=may_set_priorities),
    Entry("sponsorship", _("Sponsorship"), "earning:sponsorship", order=80, group="manage", allowed=policy.is_sponsor),
)
