"""Assessment's part of the help page: what happens after a teacher submits (each issuer's turnaround promise),
how an assessor scores, and what an issuer's assessment lead watches."""
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.core.help import Section, register

from .models import IssuerPolicy



def _turnaround(user) -> dict:
    promises = sorted(((p.organization.name, p.turnaround_business_days)
                       for p in IssuerPolicy.objects.select_related("organization")), key=lambda t: t[0].lower())
    return {"default_days": settings.MICROCRED_ASSESSMENT_TURNAROUND_DAYS, "promises": promises}


register(
    Section("after-submit", _("After you submit: turnaround"), "assessment/help/after_submit.html", order=15,
            context=_turnaround),
    Section("assessor", _("Scoring as an assessor"), "assessment/help/assessor.html", order=40,
            allowed=policy.is_assessor),
    Section("assessment-lead", _("Running assessment for an issuer"), "assessment/help/lead.html", order=60,
            allowed=policy.can_open_assessment_dashboard),
)
