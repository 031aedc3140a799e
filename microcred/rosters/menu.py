"""Rosters' part of the navigation: the import page, for organization admins who may import."""
from django.utils.translation import gettext_lazy as _

from microcred.core.menu import Entry, register

from .selectors import can_import_anywhere

register(Entry("rosters", _("Rosters"), "rosters:index", order=115, allowed=can_import_anywhere))
