"""In-app notifications, e-mailed in the background; each person chooses, per kind, e-mail and in-app.

Preferences (docs/privacy.md#notification-preferences): every kind is shown in the app and e-mailed until the
person turns one off. The two channels are independent: a kind turned off in the app but still e-mailed is stored
with ``shown_in_app=False`` (never listed, never counted as unread) so its e-mail can go and its dedupe key still
holds; a kind turned off on both channels is not stored at all. Account and security notices (kind ``account``:
password and e-mail changes, exports, deletion requests) cannot be turned off on either channel.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from microcred.core import audit
from microcred.core.i18n import language_of, render

from .models import Notification, NotificationEmailOptOut, NotificationInAppOptOut

# Kinds a person cannot turn off: they tell them about their own account's safety and their privacy requests.
ALWAYS_ON = frozenset({Notification.Kind.ACCOUNT.value})


def notify(*, user, kind: str, message: str, url: str = "", dedupe_key: str = "") -> Notification | None:
    """Create a notice and queue its e-mail after commit, as ``user`` chose for ``kind``. With a dedupe_key, at
    most one per key and user. Returns None when nothing was stored (a duplicate, or both channels off).
    ``message`` is best a ``core.i18n.Later``: it is written in ``user``'s language, not the actor's."""
    if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
        return None
    in_app, emailed = kind in shown_kinds(user), kind in emailed_kinds(user)
    if not in_app and not emailed:
        return None
    notification = Notification.objects.create(user=user, kind=kind, message=render(message, language_of(user))[:500], url=url[:300],
                                               dedupe_key=dedupe_key[:120], shown_in_app=in_app)

    if emailed:
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
    users = {n["user_id"] for n in notices}
    languages = _languages(users)
    # The people's channel choices, read once for the whole batch (as notify() honours them one by one).
    hidden = set(NotificationInAppOptOut.objects.filter(user_id__in=users).values_list("user_id", "kind"))
    unmailed = set(NotificationEmailOptOut.objects.filter(user_id__in=users).values_list("user_id", "kind"))
    rows = []
    for n in notices:
        key = (n.get("dedupe_key") or "")[:120]
        if key and (n["user_id"], key) in seen:
            continue
        if key:
            seen.add((n["user_id"], key))
        in_app = n["kind"] in ALWAYS_ON or (n["user_id"], n["kind"]) not in hidden
        if not in_app and (n["user_id"], n["kind"]) in unmailed and n["kind"] not in ALWAYS_ON:
            continue  # neither shown nor e-mailed: nothing to keep
        rows.append(Notification(user_id=n["user_id"], kind=n["kind"], message=render(n["message"], languages.get(n["user_id"]))[:500],
                                 url=(n.get("url") or "")[:300], dedupe_key=key, shown_in_app=in_app))
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


def _languages(user_ids) -> dict[int, str]:
    """Each person's language for the notices written to them, in one query."""
    from django.contrib.auth import get_user_model

    return {pk: language_of(person) for pk, person in
            get_user_model().objects.filter(pk__in=user_ids).only("pk", "language").in_bulk().items()}


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
        raise PermissionDenied(_("Only you choose how you get your notifications."))
    try:
        kinds = {str(k) for k in kinds}
    except TypeError:
        raise ValidationError(_("Unknown kind of notification.")) from None
    if kinds - set(Notification.Kind.values):
        raise ValidationError(_("Unknown kind of notification."))
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
