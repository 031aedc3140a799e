"""What analytics holds about a person: the demographics they told (with their consent) and whether they chose to be
findable or to mentor. Both go on an account deletion; research exports already made hold no identifier."""
from __future__ import annotations

from microcred.accounts.data_registry import Section

from .models import EducatorDemographics, Findability, ResearchExport


def export(user) -> Section:
    demographics = EducatorDemographics.objects.filter(user=user).first()
    findability = Findability.objects.filter(user=user).first()
    return Section(data={
        "demographics": None if demographics is None else {
            "race_ethnicity": demographics.race_ethnicity, "gender": demographics.gender,
            "consented_at": demographics.consented_at.isoformat()},
        "findability": None if findability is None else {
            "findable": findability.findable, "offers_mentoring": findability.offers_mentoring},
    })


def erase(user, *, now) -> dict:
    return {"demographics": EducatorDemographics.objects.filter(user=user).delete()[0],
            "findability": Findability.objects.filter(user=user).delete()[0],
            "research_exports_unlinked": ResearchExport.objects.filter(requested_by=user).update(requested_by=None)}
