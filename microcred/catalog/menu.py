"""The catalog's navigation entries (drawn by core's base.html; see core/menu.py)."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.menu import Entry, register

register(
    Entry("catalog", _("Catalog"), "catalog:search", order=10),
    Entry("stacks", _("Stacks & pathways"), "catalog:stacks", order=20),
    Entry("authoring", _("Authoring"), "catalog:author_home", order=110, allowed=policy.can_author),
)
