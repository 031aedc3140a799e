"""In-app notifications, e-mailed in the background."""
from __future__ import annotations

from django.db import transaction

from .models import Notification


def notify(*, user, kind: str, message: str, url: str = "", dedupe_key: str = "") -> Notification | None:
    """Create an in-app notice and queue its e-mail after commit. With a dedupe_key, at most one per key and user."""
    if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
        return None
    notification = Notification.objects.create(user=user, kind=kind, message=message[:500], url=url[:300], dedupe_key=dedupe_key[:120])

    def enqueue():
        from .tasks import email_notification

        email_notification.enqueue(notification_id=notification.pk)

    transaction.on_commit(enqueue)
    return notification


def mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    from django.utils import timezone

    return qs.update(read_at=timezone.now())
