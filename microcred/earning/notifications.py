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


def notify_many(notices: list[dict]) -> list[Notification]:
    """Create many in-app notices at once (e.g. the awards of a policy just published) and e-mail them all from ONE
    background task after commit, never one e-mail (or one task) per notice inside the request. Each notice is a
    dict of notify()'s arguments; a notice whose dedupe_key the person already has is skipped."""
    notices = [n for n in notices if n.get("user_id")]
    if not notices:
        return []
    keyed = [n for n in notices if n.get("dedupe_key")]
    seen = set()
    if keyed:
        seen = set(Notification.objects.filter(user_id__in={n["user_id"] for n in keyed},
                                               dedupe_key__in={n["dedupe_key"][:120] for n in keyed})
                   .values_list("user_id", "dedupe_key"))
    rows = []
    for n in notices:
        key = (n.get("dedupe_key") or "")[:120]
        if key and (n["user_id"], key) in seen:
            continue
        if key:
            seen.add((n["user_id"], key))
        rows.append(Notification(user_id=n["user_id"], kind=n["kind"], message=str(n["message"])[:500],
                                 url=(n.get("url") or "")[:300], dedupe_key=key))
    created = Notification.objects.bulk_create(rows, batch_size=500)
    ids = [n.pk for n in created if n.pk is not None]
    if not ids:  # a database that does not return the keys of bulk inserts: find them by what was written
        ids = list(Notification.objects.filter(emailed_at__isnull=True, user_id__in={r.user_id for r in rows},
                                               message__in={r.message for r in rows}).values_list("pk", flat=True))

    def enqueue():
        from .tasks import email_notifications

        email_notifications.enqueue(notification_ids=ids)

    if ids:
        transaction.on_commit(enqueue)
    return created


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
