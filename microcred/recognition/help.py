"""Recognition's part of the help page: what a recognizer admin does."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.help import Section, register

register(Section("recognizer", _("Recognition policies"), "recognition/help/recognizer.html", order=80,
                 allowed=policy.can_manage_recognition))
