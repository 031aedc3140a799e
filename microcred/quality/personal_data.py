"""What quality holds about a person: the experience surveys they were sent (and their answers), and the quality
ratings they gave as a reviewer. On deletion the survey answers go; ratings stay (they back a recorded outcome)."""
from __future__ import annotations

from microcred.accounts.data_registry import Section

from .models import ExperienceSurvey, QualityRating


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> Section:
    return Section(data={
        "experience_surveys": [{"micro_credential": s.micro_credential.slug, "kind": s.kind, "sent_at": _iso(s.sent_at),
                                "answered_at": _iso(s.answered_at), "rating": s.rating, "comment": s.comment}
                               for s in ExperienceSurvey.objects.filter(earner=user).select_related("micro_credential")],
        "quality_ratings": [{"review": r.review_id, "criterion": r.criterion, "level": r.level, "comment": r.comment,
                             "rated_at": _iso(r.rated_at)} for r in QualityRating.objects.filter(reviewer=user)[:20000]],
    })


def erase(user, *, now) -> dict:
    return {"experience_surveys_deleted": ExperienceSurvey.objects.filter(earner=user).delete()[0]}
