"""What accounts holds about a person: profile, educator facts, memberships, identifiers in other systems, the
audit events by or about them, their export and deletion requests (registered in AccountsConfig.ready)."""
from __future__ import annotations

from microcred.core.models import AuditEvent

from .data_registry import Section
from .models import DeletionRequest, EducatorProfile, Membership, PersonalDataExport, PersonSourcedId

AUDIT_LIMIT = 5000


def _iso(value):
    return value.isoformat() if value else None


def export(user) -> Section:
    profile = EducatorProfile.objects.filter(user=user).select_related("district", "school").first()
    audit_about = (AuditEvent.objects.filter(target_type=user._meta.label_lower, target_id=str(user.pk))
                   | AuditEvent.objects.filter(actor=user)).order_by("-at")[:AUDIT_LIMIT]
    return Section(data={
        "account": {"username": user.get_username(), "first_name": user.first_name, "last_name": user.last_name,
                    "email": user.email, "date_joined": _iso(user.date_joined), "last_login": _iso(user.last_login),
                    "is_active": user.is_active},
        "educator_profile": None if profile is None else {
            "state": profile.state, "district": profile.district.name if profile.district else None,
            "school": profile.school.name if profile.school else None, "position": profile.position,
            "career_stage": profile.career_stage, "license_number": profile.license_number,
            "license_type": profile.license_type, "years_experience": profile.years_experience,
            "evaluation_rating": profile.evaluation_rating, "evaluation_growth_areas": profile.evaluation_growth_areas,
            "facts_updated_at": _iso(profile.facts_updated_at)},
        "memberships": [{"organization": m.organization.name, "role": m.role, "since": _iso(m.created_at)}
                        for m in Membership.objects.filter(user=user).select_related("organization")],
        "identifiers_in_other_systems": [{"organization": s.organization.name, "sourced_id": s.sourced_id}
                                         for s in PersonSourcedId.objects.filter(user=user).select_related("organization")],
        "audit_events": [{"at": _iso(e.at), "action": e.action, "by_you": e.actor_id == user.pk,
                          "target_type": e.target_type, "target": e.target_label, "via": e.via, "ip_address": e.ip_address}
                         for e in audit_about],
        "data_exports": [{"id": str(x.pk), "state": x.state, "requested_at": _iso(x.requested_at)}
                         for x in PersonalDataExport.objects.filter(user=user)],
        "deletion_requests": [{"state": d.state, "reason": d.reason, "requested_at": _iso(d.requested_at)}
                              for d in DeletionRequest.objects.filter(user=user)],
    })


def erase(user, *, now) -> dict:
    """Profile, identifiers in other systems, memberships and finished exports go; the account row stays,
    anonymized (services.process_deletion), so the records that point at it (decisions, credentials, audit) hold."""
    from . import services

    counts = {
        "educator_profile": EducatorProfile.objects.filter(user=user).delete()[0],
        "identifiers_in_other_systems": PersonSourcedId.objects.filter(user=user).delete()[0],
        "memberships": Membership.objects.filter(user=user).delete()[0],
        "sessions": services.end_sessions(user=user),
    }
    for old in PersonalDataExport.objects.filter(user=user).exclude(state=PersonalDataExport.State.EXPIRED):
        services.expire_export(old)
    return counts
