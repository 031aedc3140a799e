"""What assessment holds about a person as an assessor: their qualifications and their own scores and notes.

Blind scoring: an assessor never learns whose work they scored, so the export names no earner (only the MC, the
assignment's role and dates); and an earner's export (in earning) never names their assessors. On an account
deletion the scores stay (they are part of other people's decisions); the assessor's qualifications end."""
from __future__ import annotations

from microcred.accounts.data_registry import Section

from .models import Assignment, Qualification, Score


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> Section:
    scores = (Score.objects.filter(assignment__assessor=user)
              .select_related("assignment__review__version", "criterion", "level").order_by("scored_at")[:20000])
    return Section(data={
        "qualifications": [{"micro_credential": q.micro_credential.slug, "status": q.status, "senior": q.senior,
                            "certified_at": _iso(q.certified_at), "expires_at": _iso(q.expires_at)}
                           for q in Qualification.objects.filter(assessor=user).select_related("micro_credential")],
        "assignments": [{"id": a.pk, "role": a.role, "state": a.state, "assigned_at": _iso(a.assigned_at),
                         "scored_at": _iso(a.scored_at)}
                        for a in Assignment.objects.filter(assessor=user).order_by("assigned_at")[:20000]],
        "scores": [{"assignment": s.assignment_id,
                    "micro_credential": s.assignment.review.version.title if s.assignment.review_id else None,
                    "criterion": s.criterion.pk, "level": getattr(s.level, "name", None) or str(s.level),
                    "comment": s.comment, "scored_at": _iso(s.scored_at)} for s in scores],
    })


def erase(user, *, now) -> dict:
    """Scores stay (they back other people's decisions; the assessor shows as the anonymized account)."""
    return {"qualifications_ended": Qualification.objects.filter(assessor=user).delete()[0]}
