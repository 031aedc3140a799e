"""Quality's help section (core/help.py)."""
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.help import Section, register

register(Section("quality", _("Quality review of micro-credentials"), "quality/help/quality.html", order=85,
                 allowed=policy.is_quality_reviewer))
