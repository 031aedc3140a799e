"""Background work of accounts (django-tasks): the mails of invitations, e-mail verification and account notices.
Each task reads its row again, so a retried or late task does nothing wrong (a revoked invitation is not sent)."""
from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _
from django_tasks import task

NOTICES = {
    "existing_account": (
        "Someone tried to register on microcred with your address",
        "Someone (perhaps you) tried to create a microcred account for {org} with this e-mail address, which already "
        "has an account. Sign in at {site}/accounts/login/ — or reset your password there if you forgot it. If it was "
        "not you, ignore this message."),
    "email_change_requested": (
        "A change of your microcred e-mail address was requested",
        "Someone signed in to your microcred account asked to change its e-mail address. The change happens only when "
        "the link sent to the new address is opened. If it was not you, reset your password and tell your administrator."),
    "email_changed": (
        "Your microcred e-mail address was changed",
        "The e-mail address of your microcred account was changed; password resets and notices now go to the new "
        "address. If you did not do this, tell your administrator."),
    "registration_approved": (
        "Your microcred registration was approved",
        "An administrator of {org} approved your registration. Sign in at {site}/accounts/login/."),
    "registration_declined": (
        "Your microcred registration was declined",
        "An administrator of {org} declined your registration. Ask them if you think this is a mistake."),
}


@task()
def send_invitation(invitation_id: int) -> bool:
    from .onboarding import send_invitation as send

    return send(invitation_id=invitation_id)


@task()
def send_verification(verification_id: int) -> bool:
    from .onboarding import send_verification as send

    return send(verification_id=verification_id)


@task()
def send_notice(kind: str, email: str, user_id: int | None = None, organization_id: int | None = None) -> bool:
    """One fixed notice (NOTICES) to one address."""
    from .models import Organization

    if kind not in NOTICES or not email:
        return False
    org = Organization.objects.filter(pk=organization_id).first() if organization_id else None
    subject, body = NOTICES[kind]
    send_mail(_(subject), _(body).format(org=org.name if org else "microcred", site=settings.SITE_URL),
              settings.DEFAULT_FROM_EMAIL, [email])
    return True
