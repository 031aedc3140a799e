"""Writes about people, organizations and roles."""
from __future__ import annotations

from django.db import transaction

from microcred.core import audit

from .models import EducatorProfile, Membership, Organization, User


def grant_role(*, user: User, organization: Organization, role: str, by: User | None = None) -> Membership:
    """Give `user` a role in `organization`. Idempotent: granting twice keeps one membership."""
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, organization=organization, role=role)
        if created:
            audit.record(actor=by, action="membership.granted", target=membership, data={"role": role, "organization": organization.slug})
    return membership


def revoke_role(*, user: User, organization: Organization, role: str, by: User | None = None) -> None:
    with transaction.atomic():
        for membership in Membership.objects.filter(user=user, organization=organization, role=role):
            audit.record(actor=by, action="membership.revoked", target=membership, data={"role": role, "organization": organization.slug})
            membership.delete()


def update_educator_profile(*, user: User, by: User, **fields) -> EducatorProfile:
    """Create or update the educator profile; only the person or a platform admin may."""
    from django.core.exceptions import PermissionDenied

    from . import policy

    if not policy.can_edit_profile(by, user):
        raise PermissionDenied("You can only change your own profile.")
    allowed = {"state", "district", "school", "position", "career_stage", "license_number"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Unknown profile fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        profile, _ = EducatorProfile.objects.get_or_create(user=user)
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.full_clean()
        profile.save()
        audit.record(actor=by, action="profile.updated", target=profile, data={"fields": sorted(fields)})
    return profile
