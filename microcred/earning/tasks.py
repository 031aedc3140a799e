"""Background work of earning (django-tasks): e-mail for notifications, retention, reminders."""
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task


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
        with translation.override(n.user.language or settings.LANGUAGE_CODE):  # the recipient's language
            subject = f"microcred: {n.get_kind_display()}"
        send_mail(subject=subject, message=f"{n.message}\n\n{url}\n",
                  from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[n.user.email])
        n.emailed_at = timezone.now()
        n.save(update_fields=["emailed_at"])
