"""What recognition holds about a person: their awards (renewal credits, endorsements, pay) and the facts
recognizers recorded about them. On an account deletion awards stay (a recognizer's record of what it granted,
with its provenance); facts go."""
from __future__ import annotations

from microcred.accounts.data_registry import Section

from .models import Award, EducatorFact


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> Section:
    return Section(data={
        "awards": [{"name": a.name, "kind": a.kind, "amount": str(a.amount) if a.amount is not None else None,
                    "unit": a.unit, "state": a.state, "awarded_at": _iso(a.awarded_at), "expires_at": _iso(a.expires_at),
                    "policy": a.policy.name if hasattr(a.policy, "name") else str(a.policy), "provenance": a.provenance}
                   for a in Award.objects.filter(educator=user).select_related("policy")],
        "facts": [{"key": f.key, "value": f.value} for f in EducatorFact.objects.filter(educator=user)],
    })


def erase(user, *, now) -> dict:
    return {"awards_kept": Award.objects.filter(educator=user).count(),
            "facts": EducatorFact.objects.filter(educator=user).delete()[0]}
