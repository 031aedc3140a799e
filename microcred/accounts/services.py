"""Writes about people, organizations and roles."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from microcred.core import audit
from microcred.core.cache import retire_now_and_on_commit

from .models import EducatorProfile, Membership, Organization, User
from .selectors import PEOPLE


def people_changed(**_signal) -> None:
    """Retire what is kept per person (selectors.PEOPLE): now, and again once committed, so a reader between the write
    and the commit cannot keep the old facts. A signal receiver, and called after bulk writes that send no signals."""
    retire_now_and_on_commit(PEOPLE)


def _person_changed(sender, instance=None, created=False, update_fields=None, **_signal) -> None:
    # A new account is in nothing kept yet; signing in (last_login) and a new password change nothing anyone else
    # reads about the person.
    if created or (update_fields and set(update_fields) <= {"last_login", "password"}):
        return
    people_changed()


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
        raise PermissionDenied(_("You can only change your own profile."))
    allowed = {"state", "district", "school", "position", "career_stage", "license_number"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Unknown profile fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        profile, _created = EducatorProfile.objects.get_or_create(user=user)
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
        raise PermissionDenied(_("You can only change your own name."))
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name and not last_name:
        raise ValidationError({"first_name": [_("Give at least a first or a last name.")]})
    if len(first_name) > MAX_NAME or len(last_name) > MAX_NAME:
        raise ValidationError({"first_name": [_("Keep each name under %(max)s characters.") % {"max": MAX_NAME}]})
    with transaction.atomic():
        before = user.get_full_name()
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
        audit.record(actor=by, action="account.name_changed", target=user, data={"from": before, "to": user.get_full_name()})
    return user


def start_verification(*, user: User, email: str, purpose: str):
    """A new single-use verification link for ``email`` (mailed in the background, where its token is made). An
    earlier unused link of the same purpose stops working: only the newest counts."""
    from datetime import timedelta

    from django.utils import timezone

    from . import tasks
    from .models import EmailVerification

    EmailVerification.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(token_hash="")
    verification = EmailVerification.objects.create(user=user, email=email, purpose=purpose,
                                                    expires_at=timezone.now() + timedelta(hours=tasks.VERIFICATION_HOURS))
    transaction.on_commit(lambda: tasks.send_verification.enqueue(verification_id=verification.pk))
    return verification


def change_email(*, user: User, by: User, email: str, password: str) -> User:
    """Ask to change one's own e-mail address, the account's recovery address: only with the current password (a
    stolen session alone cannot redirect password resets). Nothing switches yet: a confirmation link goes to the NEW
    address and the old one is told; the address changes when the link is opened (onboarding.verify_email). Audited."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.core.validators import validate_email

    from . import tasks
    from .models import EmailVerification

    if not by or by.pk != user.pk:
        raise PermissionDenied(_("Only the account's owner changes its e-mail address."))
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Enter a valid e-mail address, like name@school.org.")]}) from None
    if not user.check_password(password or ""):
        raise ValidationError({"password": [_("That is not your current password; the address was not changed.")]})
    if email.lower() == (user.email or "").lower():
        return user
    with transaction.atomic():
        start_verification(user=user, email=email, purpose=EmailVerification.Purpose.CHANGE)
        audit.record(actor=by, action="account.email_change_requested", target=user, data={"from": user.email, "to": email})
        if user.email:
            old = user.email
            transaction.on_commit(lambda: tasks.send_notice.enqueue(kind="email_change_requested", email=old, user_id=user.pk))
    return user


def password_changed(*, user: User) -> None:
    """Record a password change made through Django's PasswordChangeForm (which checked the old password)."""
    audit.record(actor=user, action="account.password_changed", target=user)


# --- people admins: deactivating an account, ending memberships (issue 14) ---------------------------------------

def end_sessions(*, user: User) -> int:
    """Delete ``user``'s stored sessions (database-backed session engines; with any engine, an inactive account is
    refused at its next request anyway, as Django's ModelBackend does not load inactive users). Returns how many."""
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    if settings.SESSION_ENGINE not in ("microcred.accounts.session_store", "django.contrib.sessions.backends.db",
                                       "django.contrib.sessions.backends.cached_db"):
        return 0
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = []
    for key, data in Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data").iterator(chunk_size=2000):
        if str(store().decode(data).get("_auth_user_id")) == str(user.pk):
            ended.append(key)
    for key in ended:
        store(session_key=key).delete()  # through the store: cached_db forgets its cached copy too
    return len(ended)


def deactivate_person(*, person: User, by: User) -> User:
    """Deactivate ``person``'s account (``is_active`` False) and end their sessions. Their memberships, work and
    issued credentials stay as they are (credentials stay valid). Refused unless ``policy.can_deactivate_person``.
    Deactivating an inactive account again changes nothing. Audited."""
    from django.core.exceptions import PermissionDenied

    from . import policy

    if not policy.can_deactivate_person(by, person):
        raise PermissionDenied(_deactivation_refusal(by, person))
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if not person.is_active:
            return person
        person.is_active = False
        person.save(update_fields=["is_active"])
        sessions = end_sessions(user=person)
        audit.record(actor=by, action="account.deactivated", target=person, data={"sessions_ended": sessions})
    return person


def reactivate_person(*, person: User, by: User) -> User:
    """Let a deactivated account sign in again (the same rule as deactivating). Idempotent. Audited."""
    from django.core.exceptions import PermissionDenied

    from . import policy

    if not policy.can_deactivate_person(by, person):
        raise PermissionDenied(_deactivation_refusal(by, person).replace("deactivate", "reactivate"))
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.is_active:
            return person
        person.is_active = True
        person.save(update_fields=["is_active"])
        audit.record(actor=by, action="account.reactivated", target=person)
    return person


def _deactivation_refusal(by: User, person: User) -> str:
    from . import policy

    if by.pk == person.pk:
        return _("You cannot deactivate your own account.")
    if policy.is_platform_admin(person) or policy.can_open_admin_site(person):
        return _("Platform administrators and staff accounts are managed in the administration site, not here.")
    return _("This person also belongs to organizations (or holds roles) you do not manage, so their account stays "
             "active; you can end their memberships in your organizations instead.")


def end_memberships(*, person: User, by: User) -> list[Membership]:
    """End every membership of ``person`` that ``by`` may take away (``policy.can_grant_role``): how an admin lets
    someone go who also belongs to organizations the admin does not manage. The account and the other memberships
    stay. Returns the memberships ended (none: nothing to do). Each one audited."""
    from django.core.exceptions import PermissionDenied

    from . import policy

    if not policy.can_manage_person(by, person):
        raise PermissionDenied(_("You do not manage this person's organizations."))
    ended = []
    with transaction.atomic():
        for membership in Membership.objects.filter(user=person).select_related("organization").select_for_update():
            if policy.can_grant_role(by, person, membership.organization, membership.role):
                ended.append(membership)
        for membership in ended:
            revoke_role(user=person, organization=membership.organization, role=membership.role, by=by)
    return ended


def choose_language(*, user, language: str) -> None:
    """Remember ``user``'s interface language ("" = follow the browser). Refuses a language the site does not offer."""
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("That language is not offered."))
    if user is not None and getattr(user, "is_authenticated", False) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
