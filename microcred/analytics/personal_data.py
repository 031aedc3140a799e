"""What analytics holds about a person: the demographics they told (with their consent) and whether they chose to be
findable or to mentor; the evaluation ratings their organization imported (impact data) and who opted an organization
in. All go on an account deletion; research exports already made hold no identifier."""
from __future__ import annotations

from microcred.accounts.data_registry import Section

from .models import EducatorDemographics, Findability, ImpactOptIn, ImpactRating, ResearchExport


def export(user) -> Section:
    demographics = EducatorDemographics.objects.filter(user=user).first()
    findability = Findability.objects.filter(user=user).first()
    return Section(data={
        "demographics": None if demographics is None else {
            "race_ethnicity": demographics.race_ethnicity, "gender": demographics.gender,
            "consented_at": demographics.consented_at.isoformat()},
        "findability": None if findability is None else {
            "findable": findability.findable, "offers_mentoring": findability.offers_mentoring},
        "impact_ratings": [{"organization": r.organization.name, "year": r.year, "rating": str(r.rating)}
                           for r in ImpactRating.objects.filter(educator=user).select_related("organization")
                           .order_by("year", "organization__name")],
    })


def erase(user, *, now) -> dict:
    return {"demographics": EducatorDemographics.objects.filter(user=user).delete()[0],
            "findability": Findability.objects.filter(user=user).delete()[0],
            "impact_ratings": ImpactRating.objects.filter(educator=user).delete()[0],
            "impact_opt_ins_unlinked": ImpactOptIn.objects.filter(opted_in_by=user).update(opted_in_by=None),
            "research_exports_unlinked": ResearchExport.objects.filter(requested_by=user).update(requested_by=None)}
