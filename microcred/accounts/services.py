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


# --- the account page: one's own name, e-mail address and password ----------------------------------------------

MAX_NAME = 150


def change_name(*, user: User, by: User, first_name: str, last_name: str) -> User:
    """Change one's own name (a platform admin may change anyone's). Audited with the old and new name."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from . import policy

    if not policy.can_edit_profile(by, user):
        raise PermissionDenied("You can only change your own name.")
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name and not last_name:
        raise ValidationError({"first_name": ["Give at least a first or a last name."]})
    if len(first_name) > MAX_NAME or len(last_name) > MAX_NAME:
        raise ValidationError({"first_name": [f"Keep each name under {MAX_NAME} characters."]})
    with transaction.atomic():
        before = user.get_full_name()
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
        audit.record(actor=by, action="account.name_changed", target=user, data={"from": before, "to": user.get_full_name()})
    return user


def change_email(*, user: User, by: User, email: str, password: str) -> User:
    """Change one's own e-mail address, the account's recovery address: only with the current password (a stolen
    session alone cannot redirect password resets). The old address is told. Audited."""
    from django.conf import settings
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.core.mail import send_mail
    from django.core.validators import validate_email

    if not by or by.pk != user.pk:
        raise PermissionDenied("Only the account's owner changes its e-mail address.")
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": ["Enter a valid e-mail address, like name@school.org."]}) from None
    if not user.check_password(password or ""):
        raise ValidationError({"password": ["That is not your current password; the address was not changed."]})
    if email.lower() == (user.email or "").lower():
        return user
    with transaction.atomic():
        old = user.email
        user.email = email
        user.save(update_fields=["email"])
        audit.record(actor=by, action="account.email_changed", target=user, data={"from": old, "to": email})
        if old:
            transaction.on_commit(lambda: send_mail(
                "Your microcred e-mail address was changed",
                f"The e-mail address of your microcred account ({user.get_username()}) was changed to {email}. "
                "If you did not do this, reset your password and tell your administrator.",
                settings.DEFAULT_FROM_EMAIL, [old], fail_silently=True))
    return user


def password_changed(*, user: User) -> None:
    """Record a password change made through Django's PasswordChangeForm (which checked the old password)."""
    audit.record(actor=user, action="account.password_changed", target=user)
