"""Background work of earning (django-tasks): e-mail for notifications, retention, reminders."""
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils import timezone, translation
from django_tasks import task

from microcred.core.i18n import in_language_of


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail many notices (created together by notify_many, e.g. the awards of a newly published policy) in one
    background run; each goes through email_notification, so each is sent at most once and opt-outs hold."""
    for notification_id in notification_ids:
        email_notification.call(notification_id=notification_id)
    return len(notification_ids)


@task()
def email_notification(notification_id: int) -> None:
    """Send one notification by e-mail, once (a retried task does not send twice)."""
    from .models import Notification, NotificationEmailOptOut

    with transaction.atomic():
        n = Notification.objects.select_for_update(of=("self",)).select_related("user").filter(pk=notification_id, emailed_at__isnull=True).first()
        if n is None or not n.user.email:
            return
        if NotificationEmailOptOut.objects.filter(user_id=n.user_id, kind=n.kind).exists():
            return  # the person chose to see this kind in the app only
        url = f"{settings.SITE_URL}{n.url}" if n.url else settings.SITE_URL
        with in_language_of(n.user):  # the notice was written in their language; so is its e-mail
            subject = _("microcred: %(kind)s") % {"kind": n.get_kind_display()}
            body = _("%(message)s\n\n%(url)s\n\nChoose which notices you get by e-mail: %(preferences)s\n") % {
                "message": n.message, "url": url, "preferences": f"{settings.SITE_URL}{reverse('earning:notification_preferences')}"}
        send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[n.user.email])
        n.emailed_at = timezone.now()
        n.save(update_fields=["emailed_at"])
