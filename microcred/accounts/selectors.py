"""Reads about people and their memberships. Who may do what is answered by policy.py, not here."""
from __future__ import annotations

from django.db.models import QuerySet

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
