"""Reads about people and their memberships. Who may do what is answered by policy.py, not here."""
from __future__ import annotations

from django.db.models import QuerySet

from . import policy
from .models import Membership, Organization


def organization_ids_with_role(user, *roles: str) -> set[int]:
    """Organizations in which `user` holds any of `roles` (all roles if none given)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    qs = Membership.objects.filter(user=user)
    if roles:
        qs = qs.filter(role__in=roles)
    return set(qs.values_list("organization_id", flat=True))


def has_role(user, role: str, organization: Organization | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    qs = Membership.objects.filter(user=user, role=role)
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.exists()


def member_organization_ids(user) -> set[int]:
    """Every organization the user belongs to, in any role (for members-only catalog visibility)."""
    return organization_ids_with_role(user)


def memberships_for(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization")


def help_contacts(user) -> list[dict]:
    """The people administrators ``user`` may write to (policy.help_contact_organization_ids), grouped by
    organization, in two queries."""
    org_ids = policy.help_contact_organization_ids(user)
    if not org_ids:
        return []
    rows = (Membership.objects.filter(organization_id__in=org_ids, role__in=policy.HELP_CONTACT_ROLES,
                                      user__is_active=True)
            .exclude(user=user).select_related("organization", "user").order_by("organization__name", "user__last_name"))
    grouped: dict[int, dict] = {}
    for m in rows:
        entry = grouped.setdefault(m.organization_id, {"organization": m.organization, "people": []})
        entry["people"].append({"name": m.user.get_full_name() or m.user.get_username(), "email": m.user.email})
    return list(grouped.values())
