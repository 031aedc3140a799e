"""In-app notifications, e-mailed in the background; each person chooses, per kind, e-mail and in-app.

Preferences (docs/privacy.md#notification-preferences): every kind is shown in the app and e-mailed until the
person turns one off. The two channels are independent: a kind turned off in the app but still e-mailed is stored
with ``shown_in_app=False`` (never listed, never counted as unread) so its e-mail can go and its dedupe key still
holds; a kind turned off on both channels is not stored at all. Account and security notices (kind ``account``:
password and e-mail changes, exports, deletion requests) cannot be turned off on either channel.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from microcred.core import audit

from .models import Notification, NotificationEmailOptOut, NotificationInAppOptOut

# Kinds a person cannot turn off: they tell them about their own account's safety and their privacy requests.
ALWAYS_ON = frozenset({Notification.Kind.ACCOUNT.value})


def notify(*, user, kind: str, message: str, url: str = "", dedupe_key: str = "") -> Notification | None:
    """Create a notice and queue its e-mail after commit, as ``user`` chose for ``kind``. With a dedupe_key, at
    most one per key and user. Returns None when nothing was stored (a duplicate, or both channels off)."""
    if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
        return None
    in_app, emailed = kind in shown_kinds(user), kind in emailed_kinds(user)
    if not in_app and not emailed:
        return None
    notification = Notification.objects.create(user=user, kind=kind, message=message[:500], url=url[:300],
                                               dedupe_key=dedupe_key[:120], shown_in_app=in_app)

    if emailed:
        def enqueue():
            from .tasks import email_notification

            email_notification.enqueue(notification_id=notification.pk)

        transaction.on_commit(enqueue)
    return notification


def shown(user):
    """The notices ``user`` sees in the app, newest first."""
    return Notification.objects.filter(user=user, shown_in_app=True)


def mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())


def emailed_kinds(user) -> set[str]:
    """The kinds of notification ``user`` wants e-mailed (every kind unless opted out; ALWAYS_ON always)."""
    out = set(NotificationEmailOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return (set(Notification.Kind.values) - out) | ALWAYS_ON


def shown_kinds(user) -> set[str]:
    """The kinds of notification ``user`` wants shown in the app (every kind unless opted out; ALWAYS_ON always)."""
    out = set(NotificationInAppOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return (set(Notification.Kind.values) - out) | ALWAYS_ON


def preferences(user) -> list[dict]:
    """One row per kind: {kind, label, email, in_app, locked} (locked: cannot be turned off)."""
    emailed, in_app = emailed_kinds(user), shown_kinds(user)
    return [{"kind": value, "label": label, "email": value in emailed, "in_app": value in in_app,
             "locked": value in ALWAYS_ON} for value, label in Notification.Kind.choices]


def _check(user, by, kinds) -> set[str]:
    if by is None or by.pk != user.pk:
        raise PermissionDenied("Only you choose how you get your notifications.")
    try:
        kinds = {str(k) for k in kinds}
    except TypeError:
        raise ValidationError("Unknown kind of notification.") from None
    if kinds - set(Notification.Kind.values):
        raise ValidationError("Unknown kind of notification.")
    return kinds | ALWAYS_ON


def _replace(model, user, keep: set[str]) -> None:
    model.objects.filter(user=user, kind__in=keep).delete()
    for kind in set(Notification.Kind.values) - keep:
        model.objects.get_or_create(user=user, kind=kind)


def set_emailed_kinds(*, user, by, kinds) -> set[str]:
    """Choose which kinds of notification are e-mailed to ``user`` (only ``user`` chooses). Unknown kinds are
    refused; ALWAYS_ON kinds stay on. Audited when it changes."""
    return set_preferences(user=user, by=by, emailed=kinds, in_app=shown_kinds(user))


def set_preferences(*, user, by, emailed, in_app) -> dict[str, set[str]]:
    """Choose both channels at once: ``emailed`` and ``in_app`` are the kinds to keep on. Only ``user`` chooses;
    unknown kinds are refused (nothing changes); ALWAYS_ON kinds stay on whatever is sent. Audited when it changes."""
    emailed, in_app = _check(user, by, emailed), _check(user, by, in_app)
    with transaction.atomic():
        before_email, before_app = emailed_kinds(user), shown_kinds(user)
        if before_email != emailed:
            _replace(NotificationEmailOptOut, user, emailed)
            audit.record(actor=by, action="notifications.email_preferences_set", target=user,
                         data={"emailed": sorted(emailed)})
        if before_app != in_app:
            _replace(NotificationInAppOptOut, user, in_app)
            audit.record(actor=by, action="notifications.in_app_preferences_set", target=user,
                         data={"in_app": sorted(in_app)})
    return {"emailed": emailed, "in_app": in_app}
