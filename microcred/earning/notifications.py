"""In-app notifications, e-mailed in the background."""
from __future__ import annotations

from django.db import transaction

from microcred.core import audit

from .models import Notification, NotificationEmailOptOut


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


def emailed_kinds(user) -> set[str]:
    """The kinds of notification ``user`` wants e-mailed (every kind unless opted out); all show in the app."""
    out = set(NotificationEmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return set(Notification.Kind.values) - out


def set_emailed_kinds(*, user, by, kinds) -> set[str]:
    """Choose which kinds of notification are e-mailed to ``user`` (only ``user`` chooses). Unknown kinds are
    refused; in-app notices are always kept. Audited when it changes."""
    from django.core.exceptions import PermissionDenied, ValidationError

    if by is None or by.pk != user.pk:
        raise PermissionDenied("Only you choose which notifications you get by e-mail.")
    kinds = set(kinds)
    unknown = kinds - set(Notification.Kind.values)
    if unknown:
        raise ValidationError("Unknown kind of notification.")
    with transaction.atomic():
        before = emailed_kinds(user)
        if before == kinds:
            return kinds
        NotificationEmailOptOut.objects.filter(user=user, kind__in=kinds).delete()
        for kind in set(Notification.Kind.values) - kinds:
            NotificationEmailOptOut.objects.get_or_create(user=user, kind=kind)
        audit.record(actor=by, action="notifications.email_preferences_set", target=user,
                     data={"emailed": sorted(kinds)})
    return kinds
