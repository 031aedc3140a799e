"""Background work of accounts (django-tasks): the mails of invitations, e-mail verification and account notices;
personal data exports and due account deletions.
Each task reads its row again, so a retried or late task does nothing wrong (a revoked invitation is not sent)."""
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from microcred.core import audit
from microcred.core.i18n import in_language_of

from . import selectors

VERIFICATION_HOURS = 48  # how long a verification link works

NOTICES = {  # (subject, body), translated when sent; %(org)s and %(site)s are filled in
    "existing_account": (
        gettext_noop("Someone tried to register on microcred with your address"),
        gettext_noop("Someone (perhaps you) tried to create a microcred account for %(org)s with this e-mail address, "
                     "which already has an account. Sign in at %(site)s/accounts/login/ — or reset your password there if "
                     "you forgot it. If it was not you, ignore this message.")),
    "email_change_requested": (
        gettext_noop("A change of your microcred e-mail address was requested"),
        gettext_noop("Someone signed in to your microcred account asked to change its e-mail address. The change "
                     "happens only when the link sent to the new address is opened. If it was not you, reset your "
                     "password and tell your administrator.")),
    "email_changed": (
        gettext_noop("Your microcred e-mail address was changed"),
        gettext_noop("The e-mail address of your microcred account was changed; password resets and notices now go to "
                     "the new address. If you did not do this, tell your administrator.")),
    "registration_approved": (
        gettext_noop("Your microcred registration was approved"),
        gettext_noop("An administrator of %(org)s approved your registration. Sign in at %(site)s/accounts/login/.")),
    "registration_declined": (
        gettext_noop("Your microcred registration was declined"),
        gettext_noop("An administrator of %(org)s declined your registration. Ask them if you think this is a "
                     "mistake.")),
}


@task()
def send_invitation(invitation_id: int) -> bool:
    return deliver_invitation(invitation_id)


@task()
def send_verification(verification_id: int) -> bool:
    return deliver_verification(verification_id)


def deliver_invitation(invitation_id: int) -> bool:
    """Make a fresh link for a pending invitation and mail it (the background task's work). A new link replaces any
    earlier one. Returns whether a mail was sent."""
    from django.urls import reverse

    from .models import EmailVerification, Invitation
    from .tokens import new_token

    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update(of=("self",)).select_related("organization", "invited_by")
                      .filter(pk=invitation_id, state=Invitation.State.PENDING).first())
        if invitation is None:
            return False
        token, hashed = new_token()
        invitation.token_hash, invitation.sent_at = hashed, timezone.now()
        invitation.send_count += 1
        invitation.save(update_fields=["token_hash", "sent_at", "send_count"])
        url = settings.SITE_URL + reverse("accounts:invitation_accept", kwargs={"token": token})
        inviter = invitation.invited_by.get_full_name() or invitation.invited_by.get_username() if invitation.invited_by else "microcred"
        # The invitee has no account (and no language) yet: write in the inviter's, who knows their people.
        with in_language_of(invitation.invited_by):
            subject = _("You are invited to %(org)s on microcred") % {"org": invitation.organization.name}
            body = (_("%(inviter)s invited you to join %(org)s on microcred as %(role)s.\n\n"
                      "Open this link to accept (it works once, until %(until)s):\n%(url)s\n\n"
                      "If you did not expect this invitation, ignore this message.\n")
                    % {"inviter": inviter, "org": invitation.organization.name, "role": invitation.get_role_display(),
                       "until": date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"), "url": url})
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
        audit.record(actor=None, action="invitation.sent", target=invitation, data={"send_count": invitation.send_count})
    return True




def deliver_verification(verification_id: int) -> bool:
    """Make a fresh link for an unused verification and mail it to its address (the background task's work)."""
    from django.urls import reverse

    from .models import EmailVerification, Invitation
    from .tokens import new_token

    with transaction.atomic():
        verification = (EmailVerification.objects.select_for_update(of=("self",)).select_related("user")
                        .filter(pk=verification_id, used_at__isnull=True, expires_at__gt=timezone.now()).first())
        if verification is None:
            return False
        token, hashed = new_token()
        verification.token_hash = hashed
        verification.save(update_fields=["token_hash"])
        url = settings.SITE_URL + reverse("accounts:verify_email", kwargs={"token": token})
        with translation.override(selectors.language_of(verification.user)):
            subject, body = _verification_mail(verification)
        send_mail(subject, body % {"h": VERIFICATION_HOURS, "url": url}, settings.DEFAULT_FROM_EMAIL, [verification.email])
    return True


def _verification_mail(verification) -> tuple[str, str]:
    from .models import EmailVerification

    if verification.purpose == EmailVerification.Purpose.SIGN_UP:
        return (_("Confirm your e-mail address for microcred"),
                _("Open this link to confirm your address and finish creating your microcred account (it works once, "
                  "within %(h)d hours):\n%(url)s\n\nIf you did not register, ignore this message.\n"))
    return (_("Confirm your new e-mail address for microcred"),
            _("Open this link to make this the e-mail address of your microcred account (it works once, within "
              "%(h)d hours):\n%(url)s\n\nIf you did not ask for this, ignore this message; nothing changes.\n"))




@task()
def send_notice(kind: str, email: str, user_id: int | None = None, organization_id: int | None = None) -> bool:
    """One fixed notice (NOTICES) to one address."""
    from .models import Organization, User

    if kind not in NOTICES or not email:
        return False
    org = Organization.objects.filter(pk=organization_id).first() if organization_id else None
    person = User.objects.filter(pk=user_id).first() if user_id else None
    subject, body = NOTICES[kind]
    with translation.override(selectors.language_of(person)):
        send_mail(_(subject), _(body) % {"org": org.name if org else "microcred", "site": settings.SITE_URL},
                  settings.DEFAULT_FROM_EMAIL, [email])
    return True



@task()
def build_personal_data_export(export_id: str) -> str | None:
    """Build one "download my data" zip (idempotent: a finished export is left alone)."""
    from .privacy import build_export

    export = build_export(export_id)
    return export.state if export else None


@task()
def process_deletion_requests() -> dict:
    """Daily: process account deletion requests past their grace period; delete expired exports."""
    from .privacy import process_due_deletions

    return process_due_deletions()
