"""Writes of onboarding (issue 14 item 3; docs/decisions/0017-invitations-and-self-registration.md): invitations
(one, or many from a CSV file), accepting one, self-registration with optional approval, and e-mail verification.

Three guarantees hold throughout:

- **No account grants itself a role.** An invitation's role and organization are fixed by the admin who made it
  (``policy.can_invite``) and are read from the database at acceptance, never from the invitee's request; nobody
  accepts an invitation they sent, nor invites their own address. Self-registration gives only
  ``policy.SELF_REGISTRATION_ROLE`` (earner), after an admin's approval when the organization wants it.
- **Links are secrets.** A token is 256 random bits; only its SHA-256 hash is stored. It is made in the background
  task that sends the mail (so the plain token never sits in the task queue), works once, and expires.
- **Nothing tells whether an address has an account.** ``register`` answers the same in every case; the owner of an
  address that already has an account gets a mail saying so instead.
"""
from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.core import audit, ratelimit
from microcred.core.transitions import ensure_transition

from . import policy, tasks
from .models import (EmailVerification, Invitation, Membership, Organization, RegistrationRequest, Role,
                     SelfRegistrationSettings, User)
from .services import grant_role, start_verification
from .tokens import token_hash

INVITATION_DAYS = 14
VERIFICATION_HOURS = tasks.VERIFICATION_HOURS
MAX_CSV_BYTES = 512 * 1024
MAX_CSV_ROWS = 1000
MAX_EMAIL = 254
REGISTER_PER_ADDRESS = 10  # per hour, per client address
REGISTER_PER_EMAIL = 3  # per hour, per e-mail address

INVITATION_MOVES = {
    Invitation.State.PENDING: {Invitation.State.ACCEPTED, Invitation.State.REVOKED, Invitation.State.EXPIRED},
    Invitation.State.EXPIRED: {Invitation.State.PENDING, Invitation.State.REVOKED},  # resending renews it
    Invitation.State.ACCEPTED: set(),
    Invitation.State.REVOKED: set(),
}
REQUEST_MOVES = {
    RegistrationRequest.State.PENDING: {RegistrationRequest.State.APPROVED, RegistrationRequest.State.DECLINED},
    RegistrationRequest.State.APPROVED: set(),
    RegistrationRequest.State.DECLINED: set(),
}


def _clean_email(email) -> str:
    email = (email or "").strip()
    if len(email) > MAX_EMAIL:
        raise ValidationError({"email": [_("An e-mail address has at most %(n)d characters.") % {"n": MAX_EMAIL}]})
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Enter a valid e-mail address, like name@school.org.")]}) from None
    return email


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


def _enqueue(task_name: str, **kwargs) -> None:
    transaction.on_commit(lambda: getattr(tasks, task_name).enqueue(**kwargs))


# --- invitations ----------------------------------------------------------------------------------------------------

def invite(*, by: User | None, organization: Organization, role: str, email: str) -> Invitation:
    """Invite ``email`` to ``role`` at ``organization`` and send the link (in the background). Refused unless
    ``policy.can_invite`` (``by`` None: an operator at the command line, any role but platform admin). Refused for
    one's own address, a pending invitation of the same address there, or someone who already holds the role. Audited."""
    if by is None:
        if not policy.can_operator_invite(role):
            raise PermissionDenied(_("Platform administrators are named in the administration site, not invited."))
    elif not policy.can_invite(by, organization, role):
        raise PermissionDenied(_("You may not invite people to this role in this organization."))
    email = _clean_email(email)
    if by is not None and by.email and by.email.lower() == email.lower():
        raise ValidationError({"email": [_("You cannot invite yourself; ask another administrator.")]})
    with transaction.atomic():
        _expire_overdue(Invitation.objects.filter(organization=organization, email__iexact=email))
        if Invitation.objects.filter(organization=organization, email__iexact=email, state=Invitation.State.PENDING).exists():
            raise ValidationError({"email": [_("%(email)s already has a pending invitation here; resend it instead.")
                                             % {"email": email}]})
        if Membership.objects.filter(organization=organization, role=role, user__email__iexact=email).exists():
            raise ValidationError({"email": [_("%(email)s already holds this role here.") % {"email": email}]})
        invitation = Invitation.objects.create(organization=organization, role=role, email=email, invited_by=by,
                                               expires_at=timezone.now() + timedelta(days=INVITATION_DAYS))
        audit.record(actor=by, action="invitation.created", target=invitation,
                     data={"email": email, "role": role, "organization": organization.slug})
        _enqueue("send_invitation", invitation_id=invitation.pk)
    return invitation


@dataclass
class CsvResult:
    invited: list[Invitation] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"row": n, "column": name, "message": text}

    def as_dict(self) -> dict:
        return {"invited": len(self.invited), "errors": self.errors}


def _cell(text: str) -> str:
    """A cell quoted in an error message: short, and never read as a formula by a spreadsheet."""
    from microcred.core.spreadsheets import formula_safe

    text = text if len(text) <= 60 else text[:60] + "…"
    return formula_safe(text)


def invite_many_from_csv(*, by: User | None, organization: Organization, data: bytes, default_role: str = "") -> CsvResult:
    """Invite every row of a CSV file (UTF-8, a header row with ``email`` and, optionally, ``role``) to
    ``organization``. Each bad row is reported with its row number and column and skipped; the good rows are invited
    all the same. Refused whole: a file over MAX_CSV_BYTES, not UTF-8, without an ``email`` column, or with more
    than MAX_CSV_ROWS rows."""
    result = CsvResult()
    default_role = default_role or policy.default_invitation_role()
    if len(data) > MAX_CSV_BYTES:
        raise ValidationError({"file": [_("The file is too large (at most %(n)d KB).") % {"n": MAX_CSV_BYTES // 1024}]})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": [_("The file is not UTF-8 text (byte %(n)d). Save it as “CSV UTF-8”.")
                                        % {"n": exc.start}]}) from None
    if "\x00" in text:
        raise ValidationError({"file": [_("The file is not a CSV text file.")]})
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise ValidationError({"file": [_("The file is not valid CSV: %(e)s") % {"e": exc}]}) from None
    if not rows:
        raise ValidationError({"file": [_("The file is empty.")]})
    header = [h.strip().lower() for h in rows[0]]
    if "email" not in header:
        raise ValidationError({"file": [_("The first row must name the columns, with an “email” column (and optionally “role”).")]})
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    if len(body) > MAX_CSV_ROWS:
        raise ValidationError({"file": [_("The file has %(n)d rows; invite at most %(max)d at a time.")
                                        % {"n": len(body), "max": MAX_CSV_ROWS}]})
    email_at, role_at = header.index("email"), header.index("role") if "role" in header else None
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        email = row[email_at].strip() if email_at < len(row) else ""
        role = (row[role_at].strip().lower() if role_at is not None and role_at < len(row) else "") or default_role
        if role not in Role.values:
            result.errors.append({"row": number, "column": "role", "message": _("“%(v)s” is not a role; use one of %(roles)s.")
                                  % {"v": _cell(role), "roles": ", ".join(Role.values)}})
            continue
        if email.lower() in seen:
            result.errors.append({"row": number, "column": "email", "message": _("%(email)s appears earlier in the file.")
                                  % {"email": _cell(email)}})
            continue
        try:
            result.invited.append(invite(by=by, organization=organization, role=role, email=email))
            seen.add(email.lower())
        except PermissionDenied:
            result.errors.append({"row": number, "column": "role", "message": _("You may not invite people to the role “%(role)s” here.")
                                  % {"role": Role(role).label}})
        except ValidationError as error:
            for column, texts in getattr(error, "message_dict", {"email": error.messages}).items():
                message = " ".join(texts)
                if column == "email" and not email:
                    message = _("The e-mail address is missing.")
                elif column == "email" and _("Enter a valid e-mail address") in message:
                    message = _("“%(v)s” is not a valid e-mail address.") % {"v": _cell(email)}
                result.errors.append({"row": number, "column": column, "message": message})
    audit.record(actor=by, action="invitation.csv_imported", target=organization,
                 data={"invited": len(result.invited), "errors": len(result.errors)})
    return result


def _expire_overdue(queryset) -> None:
    """Pending invitations past their expiry become expired (explicit state, so lists and the API say so)."""
    now = timezone.now()
    for invitation in queryset.filter(state=Invitation.State.PENDING, expires_at__lte=now):
        invitation.state = Invitation.State.EXPIRED
        invitation.save(update_fields=["state"])
        audit.record(actor=None, action="invitation.expired", target=invitation)


def expire_overdue_invitations(queryset=None) -> None:
    """Mark the overdue pending invitations (of ``queryset``; all when None) expired."""
    with transaction.atomic():
        _expire_overdue(Invitation.objects.all() if queryset is None else queryset)


def send_invitation(*, invitation_id: int) -> bool:
    """Make a fresh link for a pending invitation and mail it (what the background task does). Returns whether sent."""
    return tasks.deliver_invitation(invitation_id)


def resend_invitation(*, by: User, invitation: Invitation) -> Invitation:
    """Send a pending (or expired) invitation again with a new link and a new expiry; the old link stops working."""
    if not policy.can_manage_invitation(by, invitation):
        raise PermissionDenied(_("You may not manage this invitation."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _expire_overdue(Invitation.objects.filter(pk=invitation.pk))
        invitation.refresh_from_db()
        if invitation.state == Invitation.State.EXPIRED:
            ensure_transition(invitation.state, Invitation.State.PENDING, INVITATION_MOVES, what=_("The invitation"))
        elif invitation.state != Invitation.State.PENDING:
            ensure_transition(invitation.state, Invitation.State.PENDING, INVITATION_MOVES, what=_("The invitation"))
        invitation.state = Invitation.State.PENDING
        invitation.token_hash = ""  # the old link stops working now, not when the mail leaves
        invitation.expires_at = timezone.now() + timedelta(days=INVITATION_DAYS)
        invitation.save(update_fields=["state", "token_hash", "expires_at"])
        audit.record(actor=by, action="invitation.resent", target=invitation)
        _enqueue("send_invitation", invitation_id=invitation.pk)
    return invitation


def revoke_invitation(*, by: User, invitation: Invitation) -> Invitation:
    """Withdraw a pending or expired invitation: its link stops working. Revoking twice changes nothing."""
    if not policy.can_manage_invitation(by, invitation):
        raise PermissionDenied(_("You may not manage this invitation."))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.state == Invitation.State.REVOKED:
            return invitation
        ensure_transition(invitation.state, Invitation.State.REVOKED, INVITATION_MOVES, what=_("The invitation"))
        invitation.state, invitation.revoked_at, invitation.token_hash = Invitation.State.REVOKED, timezone.now(), ""
        invitation.save(update_fields=["state", "revoked_at", "token_hash"])
        audit.record(actor=by, action="invitation.revoked", target=invitation)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The pending, unexpired invitation whose link carries ``token``; None for a wrong, used, revoked or expired one."""
    if not token or len(token) > 200:
        return None
    invitation = (Invitation.objects.select_related("organization", "invited_by")
                  .filter(token_hash=token_hash(token)).exclude(token_hash="").first())
    if invitation is None or invitation.state != Invitation.State.PENDING:
        return None
    if invitation.expires_at <= timezone.now():
        with transaction.atomic():
            _expire_overdue(Invitation.objects.filter(pk=invitation.pk))
        return None
    return invitation


def existing_account_for(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).order_by("pk").first()


def _username_for(email: str) -> str:
    base = email.lower()[:150]
    if not User.objects.filter(username__iexact=base).exists():
        return base
    for n in range(2, 1000):
        candidate = f"{base[:140]}-{n}"
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    return f"{base[:120]}-{secrets.token_hex(8)}"


INVALID_LINK = gettext_lazy("This invitation link is not valid: it was already used, revoked, replaced by a newer one, or it "
                 "expired. Ask your administrator to send it again.")


def accept_invitation(*, token: str, user: User | None = None, password: str = "", first_name: str = "",
                      last_name: str = "") -> User:
    """Accept the invitation of ``token``. With no account for its e-mail address: create one with ``password``
    (Django's password validators) and the name given; its address counts as verified. With an account: ``user``
    must be that account, signed in; the membership is added to it. The role and organization are the invitation's.
    Single use. Refused when the inviter may no longer give the role, or is the one accepting. Audited."""
    found = invitation_for_token(token)  # outside the transaction: an expired invitation stays marked expired
    if found is None:
        raise ValidationError(INVALID_LINK)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update(of=("self",)).select_related("organization", "invited_by").get(pk=found.pk)
        if invitation.state != Invitation.State.PENDING or invitation.token_hash != token_hash(token):
            raise ValidationError(INVALID_LINK)  # a second tab or a double click got there first
        inviter = invitation.invited_by
        if inviter is not None and not (inviter.is_active and policy.can_invite(inviter, invitation.organization, invitation.role)):
            raise ValidationError(_("The person who invited you may no longer give this role. Ask your administrator for a new invitation."))
        existing = existing_account_for(invitation.email)
        if existing is not None:
            if user is None or not user.is_authenticated or user.pk != existing.pk:
                raise PermissionDenied(_("This invitation is for an existing account: sign in as that account to accept it."))
            person = existing
        else:
            if user is not None and user.is_authenticated:
                raise PermissionDenied(_("This invitation is for another e-mail address: sign out first to accept it."))
            first_name, last_name = (first_name or "").strip()[:150], (last_name or "").strip()[:150]
            if not first_name and not last_name:
                raise ValidationError({"first_name": [_("Give at least a first or a last name.")]})
            person = User(username=_username_for(invitation.email), email=invitation.email, first_name=first_name,
                          last_name=last_name, email_verified_at=timezone.now())
            try:
                validate_password(password or "", user=person)
            except ValidationError as error:
                raise ValidationError({"password": error.messages}) from None
            person.set_password(password)
            person.save()
            audit.record(actor=person, action="account.created", target=person, data={"via": "invitation"})
        if inviter is not None and inviter.pk == person.pk:
            raise PermissionDenied(_("You cannot accept an invitation you sent."))
        if person.email_verified_at is None and person.email.lower() == invitation.email.lower():
            person.email_verified_at = timezone.now()  # the link reached this address
            person.save(update_fields=["email_verified_at"])
        ensure_transition(invitation.state, Invitation.State.ACCEPTED, INVITATION_MOVES, what=_("The invitation"))
        invitation.state, invitation.accepted_by, invitation.accepted_at = Invitation.State.ACCEPTED, person, timezone.now()
        invitation.token_hash = ""
        invitation.save(update_fields=["state", "accepted_by", "accepted_at", "token_hash"])
        grant_role(user=person, organization=invitation.organization, role=invitation.role, by=inviter)
        audit.record(actor=person, action="invitation.accepted", target=invitation,
                     data={"role": invitation.role, "organization": invitation.organization.slug})
    return person


# --- self-registration ----------------------------------------------------------------------------------------------

def self_registration_for(organization) -> SelfRegistrationSettings:
    found = SelfRegistrationSettings.objects.filter(organization=organization).first()
    return found or SelfRegistrationSettings(organization=organization, enabled=False, allowed_domains=[], requires_approval=True)


def _clean_domains(domains) -> list[str]:
    if isinstance(domains, str):
        domains = domains.replace(",", " ").split()
    cleaned = []
    for raw in domains or []:
        domain = str(raw).strip().lower().lstrip("@")
        if not domain:
            continue
        try:
            validate_email(f"someone@{domain}")
        except ValidationError:
            raise ValidationError({"allowed_domains": [_("“%(d)s” is not an e-mail domain (like school.org).") % {"d": _cell(domain)}]}) from None
        if domain not in cleaned:
            cleaned.append(domain)
    if len(cleaned) > 50:
        raise ValidationError({"allowed_domains": [_("List at most 50 domains.")]})
    return cleaned


def configure_self_registration(*, by: User, organization: Organization, enabled: bool, allowed_domains,
                                requires_approval: bool) -> SelfRegistrationSettings:
    """Set ``organization``'s self-registration. Turning it on needs at least one e-mail domain. Audited."""
    if not policy.can_configure_self_registration(by, organization):
        raise PermissionDenied(_("You may not change self-registration for this organization."))
    domains = _clean_domains(allowed_domains)
    if enabled and not domains:
        raise ValidationError({"allowed_domains": [_("Name at least one e-mail domain whose people may register.")]})
    with transaction.atomic():
        current, _created = SelfRegistrationSettings.objects.select_for_update().get_or_create(organization=organization)
        before = {"enabled": current.enabled, "allowed_domains": current.allowed_domains, "requires_approval": current.requires_approval}
        current.enabled, current.allowed_domains, current.requires_approval = bool(enabled), domains, bool(requires_approval)
        current.updated_by = by
        current.save()
        audit.record(actor=by, action="self_registration.configured", target=current,
                     data={"from": before, "to": {"enabled": current.enabled, "allowed_domains": domains,
                                                  "requires_approval": current.requires_approval}})
    return current


def open_organizations():
    """Organizations people may register in now."""
    return Organization.objects.filter(self_registration__enabled=True).order_by("name")


def register(*, organization: Organization, email: str, first_name: str, last_name: str, password: str,
             address: str | None) -> None:
    """Self-registration as an earner of ``organization``. Checks what reveals nothing about accounts (the
    organization is open, the domain is allowed, the password is strong enough) and raises ValidationError for it;
    then answers the same whatever happens: a new (inactive) account gets a verification mail; an address that
    already has an account gets a mail saying so; over the rate limits nothing is sent. Never grants a role here."""
    settings_ = SelfRegistrationSettings.objects.filter(organization=organization, enabled=True).first()
    if settings_ is None:
        raise ValidationError({"organization": [_("This organization does not take registrations.")]})
    email = _clean_email(email)
    if _domain(email) not in settings_.allowed_domains:
        raise ValidationError({"email": [_("Use your %(org)s e-mail address (%(domains)s).")
                                         % {"org": organization.name, "domains": ", ".join("@" + d for d in settings_.allowed_domains)}]})
    first_name, last_name = (first_name or "").strip()[:150], (last_name or "").strip()[:150]
    if not first_name and not last_name:
        raise ValidationError({"first_name": [_("Give at least a first or a last name.")]})
    candidate = User(username=email.lower()[:150], email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password or "", user=candidate)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    if not ratelimit.hit("register:address", address or "unknown", limit=REGISTER_PER_ADDRESS, window=3600):
        return
    if not ratelimit.hit("register:email", email.lower(), limit=REGISTER_PER_EMAIL, window=3600):
        return
    with transaction.atomic():
        if existing_account_for(email) is not None or User.objects.filter(username__iexact=candidate.username).exists():
            audit.record(actor=None, action="registration.existing_account", target=organization, data={"email": email})
            _enqueue("send_notice", kind="existing_account", email=email, organization_id=organization.pk)
            return
        candidate.is_active = False  # until the address is verified
        candidate.set_password(password)
        try:
            with transaction.atomic():
                candidate.save()
        except IntegrityError:  # the same address registered at the same moment
            return
        request = RegistrationRequest.objects.create(organization=organization, user=candidate)
        audit.record(actor=candidate, action="registration.created", target=request,
                     data={"organization": organization.slug, "requires_approval": settings_.requires_approval})
        start_verification(user=candidate, email=email, purpose=EmailVerification.Purpose.SIGN_UP)


def send_verification(*, verification_id: int) -> bool:
    """Make a fresh link for an unused verification and mail it (what the background task does)."""
    return tasks.deliver_verification(verification_id)


INVALID_VERIFICATION = gettext_lazy("This confirmation link is not valid: it was already used, replaced by a newer one, or it "
                         "expired.")


def verify_email(*, token: str) -> EmailVerification:
    """Use a verification link once. A new account becomes active (and, where the organization needs no approval,
    an earner there); a change of address switches the account to the new address and tells the old one. Audited."""
    if not token or len(token) > 200:
        raise ValidationError(INVALID_VERIFICATION)
    with transaction.atomic():
        verification = (EmailVerification.objects.select_for_update(of=("self",)).select_related("user")
                        .filter(token_hash=token_hash(token), used_at__isnull=True).exclude(token_hash="").first())
        if verification is None or verification.expires_at <= timezone.now():
            raise ValidationError(INVALID_VERIFICATION)
        user = User.objects.select_for_update().get(pk=verification.user_id)
        now = timezone.now()
        verification.used_at = now
        verification.save(update_fields=["used_at"])
        if verification.purpose == EmailVerification.Purpose.SIGN_UP:
            user.is_active, user.email_verified_at = True, now
            user.save(update_fields=["is_active", "email_verified_at"])
            audit.record(actor=user, action="account.email_verified", target=user, data={"email": verification.email})
            for request in RegistrationRequest.objects.filter(user=user, state=RegistrationRequest.State.PENDING).select_related("organization"):
                if not self_registration_for(request.organization).requires_approval:
                    _decide(request=request, by=None, approve=True, reason="")
        else:
            old = user.email
            user.email, user.email_verified_at = verification.email, now
            user.save(update_fields=["email", "email_verified_at"])
            audit.record(actor=user, action="account.email_changed", target=user, data={"from": old, "to": verification.email})
            if old:
                _enqueue("send_notice", kind="email_changed", email=old, user_id=user.pk)
    return verification


def pending_email_change(user: User) -> EmailVerification | None:
    return (EmailVerification.objects.filter(user=user, purpose=EmailVerification.Purpose.CHANGE, used_at__isnull=True,
                                             expires_at__gt=timezone.now()).exclude(token_hash="").first())


def _decide(*, request: RegistrationRequest, by: User | None, approve: bool, reason: str) -> RegistrationRequest:
    to = RegistrationRequest.State.APPROVED if approve else RegistrationRequest.State.DECLINED
    ensure_transition(request.state, to, REQUEST_MOVES, what=_("The registration"))
    request.state, request.decided_by, request.decided_at, request.reason = to, by, timezone.now(), (reason or "").strip()[:500]
    request.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    audit.record(actor=by, action=f"registration.{to}", target=request, data={"reason": request.reason})
    if approve:
        grant_role(user=request.user, organization=request.organization, role=policy.SELF_REGISTRATION_ROLE, by=by)
    if by is not None:
        _enqueue("send_notice", kind=f"registration_{to}", email=request.user.email, user_id=request.user_id,
                 organization_id=request.organization_id)
    return request


def decide_registration(*, by: User, request: RegistrationRequest, approve: bool, reason: str = "") -> RegistrationRequest:
    """Approve (the person becomes an earner there, and nothing more) or decline a verified registration. Refused
    unless ``policy.can_approve_registration``; deciding twice the same way changes nothing. Audited."""
    if not policy.can_approve_registration(by, request):
        raise PermissionDenied(_("You may not decide registrations for this organization."))
    with transaction.atomic():
        request = RegistrationRequest.objects.select_for_update(of=("self",)).select_related("organization", "user").get(pk=request.pk)
        wanted = RegistrationRequest.State.APPROVED if approve else RegistrationRequest.State.DECLINED
        if request.state == wanted:
            return request
        if request.user.email_verified_at is None:
            raise ValidationError(_("This person has not confirmed their e-mail address yet."))
        return _decide(request=request, by=by, approve=approve, reason=reason)
