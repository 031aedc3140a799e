"""Writes of outbound webhooks: subscriptions (subscribe, change, disable, enable, new secret), the deliveries an
event fans out to, one delivery attempt, and replay. Every act of a person is audited; so is an automatic disabling.

Guarantees: only ``policy.can_manage_webhooks`` may touch an organization's subscriptions; an event reaches only
the organizations ``policy.webhook_may_carry`` allows; a secret is returned once and stored only encrypted; no
request goes to a private, loopback or link-local address unless the installation allows it; nothing here sends
inside a person's request (tasks call ``attempt_delivery``)."""
from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from microcred.accounts import policy
from microcred.core import audit
from microcred.core.i18n import Later
from microcred.core.secrets import decrypt_secret, encrypt_secret
from microcred.core.transitions import ensure_transition
from microcred.earning.models import Notification
from microcred.earning.notifications import notify_many

from ..models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from . import events, signing, transport

SECRET_PURPOSE = "microcred.interop.webhook-secrets"
MAX_SUBSCRIPTIONS_PER_ORGANIZATION = 10
MAX_DESCRIPTION = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

S = WebhookSubscription.State
MOVES = {S.ACTIVE: {S.DISABLED}, S.DISABLED: {S.ACTIVE}}


def _state_labels():
    return {S.ACTIVE: _("Active"), S.DISABLED: _("Disabled")}


def allow_private() -> bool:
    return bool(settings.MICROCRED_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES)


def refusal_text(exc: transport.Refused) -> str:
    """A transport refusal in the reader's language."""
    return _(exc.message) % exc.params if exc.params else _(exc.message)


def _require(by, organization) -> None:
    if not policy.can_manage_webhooks(by, organization):
        raise PermissionDenied(_("Only the organization's issuer and recognizer admins manage its webhooks."))


def _clean(*, by, organization, url, events_wanted, description) -> dict:
    errors: dict[str, list[str]] = {}
    url = url.strip() if isinstance(url, str) else url
    try:
        transport.parse_url(url, allow_private=allow_private())
    except transport.Refused as exc:
        errors["url"] = [refusal_text(exc)]
    allowed = policy.subscribable_webhook_events(by, organization)
    if not isinstance(events_wanted, (list, tuple)) or not events_wanted or not all(isinstance(e, str) for e in events_wanted):
        errors["events"] = [_("Choose at least one event.")]
    elif any(e not in allowed for e in events_wanted):
        errors["events"] = [_("Choose among the events your role in %(organization)s lets you receive.") % {"organization": organization.name}]
    if description is None:
        description = ""
    if not isinstance(description, str):
        errors["description"] = [_("Give the description as text.")]
    else:
        description = _CONTROL.sub("", description).strip()
        if len(description) > MAX_DESCRIPTION:
            errors["description"] = [_("Keep the description to %(max)s characters.") % {"max": MAX_DESCRIPTION}]
    if errors:
        raise ValidationError(errors)
    return {"url": url, "events": sorted(set(events_wanted), key=events.EVENT_TYPES.index), "description": description}


def create_subscription(*, organization, url, events: list[str], description: str = "", by) -> tuple[WebhookSubscription, str]:
    """Subscribe ``url`` to ``events`` for ``organization``. Returns the subscription and its signing secret, shown
    this once (only its encryption is stored). At most 10 subscriptions per organization."""
    _require(by, organization)
    cleaned = _clean(by=by, organization=organization, url=url, events_wanted=events, description=description)
    secret = signing.new_secret()
    with transaction.atomic():
        if WebhookSubscription.objects.select_for_update().filter(organization=organization).count() >= MAX_SUBSCRIPTIONS_PER_ORGANIZATION:
            raise ValidationError(_("An organization may have at most %(max)s webhook subscriptions; remove or change one.")
                                  % {"max": MAX_SUBSCRIPTIONS_PER_ORGANIZATION})
        subscription = WebhookSubscription.objects.create(
            organization=organization, created_by=by, encrypted_secret=encrypt_secret(secret.encode(), purpose=SECRET_PURPOSE),
            **cleaned)
        audit.record(actor=by, action="webhook.subscribed", target=subscription,
                     data={"url": subscription.url, "events": subscription.events})
    return subscription, secret


def change_subscription(*, subscription: WebhookSubscription, url, events: list[str], description: str = "", by) -> WebhookSubscription:
    """Change the endpoint, the events or the description; audited with what changed."""
    _require(by, subscription.organization_id)
    cleaned = _clean(by=by, organization=subscription.organization, url=url, events_wanted=events, description=description)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        changed = {k: v for k, v in cleaned.items() if getattr(subscription, k) != v}
        if changed:
            for k, v in changed.items():
                setattr(subscription, k, v)
            subscription.save(update_fields=[*changed, "updated_at"])
            audit.record(actor=by, action="webhook.changed", target=subscription, data=changed)
    return subscription


def _move(subscription: WebhookSubscription, to: str) -> None:
    ensure_transition(subscription.state, to, MOVES, what=_("The webhook subscription"), labels=_state_labels())


def disable_subscription(*, subscription: WebhookSubscription, by, reason: str = "") -> WebhookSubscription:
    """Turn a subscription off: no more deliveries (those waiting are skipped). Disabling a disabled one changes
    nothing. ``by=None`` is the automatic disabling after repeated failures (see ``attempt_delivery``)."""
    if by is not None:
        _require(by, subscription.organization_id)
    reason = _CONTROL.sub("", reason or "").strip()[:300] or (_("Turned off by %(name)s") % {"name": by.get_username()} if by else "")
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.state == S.DISABLED:
            return subscription
        _move(subscription, S.DISABLED)
        subscription.state, subscription.disabled_at, subscription.disabled_reason = S.DISABLED, timezone.now(), reason
        subscription.save(update_fields=["state", "disabled_at", "disabled_reason", "updated_at"])
        audit.record(actor=by, action="webhook.disabled", target=subscription,
                     data={"reason": reason, "automatic": by is None, "consecutive_failures": subscription.consecutive_failures})
    return subscription


def enable_subscription(*, subscription: WebhookSubscription, by) -> WebhookSubscription:
    """Turn a disabled subscription on again; its failure count starts afresh. Enabling an active one changes nothing."""
    _require(by, subscription.organization_id)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.state == S.ACTIVE:
            return subscription
        _move(subscription, S.ACTIVE)
        subscription.state, subscription.disabled_at, subscription.disabled_reason = S.ACTIVE, None, ""
        subscription.consecutive_failures, subscription.failing_since = 0, None
        subscription.save(update_fields=["state", "disabled_at", "disabled_reason", "consecutive_failures",
                                         "failing_since", "updated_at"])
        audit.record(actor=by, action="webhook.enabled", target=subscription)
    return subscription


def rotate_secret(*, subscription: WebhookSubscription, by) -> str:
    """A new signing secret, returned this once; the old one stops signing at once."""
    _require(by, subscription.organization_id)
    secret = signing.new_secret()
    with transaction.atomic():
        WebhookSubscription.objects.filter(pk=subscription.pk).update(
            encrypted_secret=encrypt_secret(secret.encode(), purpose=SECRET_PURPOSE), updated_at=timezone.now())
        audit.record(actor=by, action="webhook.secret_rotated", target=subscription)
    return secret


def secret_of(subscription: WebhookSubscription) -> str:
    return decrypt_secret(subscription.encrypted_secret, purpose=SECRET_PURPOSE).decode()


def reencrypt_secrets(old_secret: str) -> int:
    """A backup made under another key-encryption secret was restored: re-encrypt every signing secret."""
    n = 0
    for pk, token in WebhookSubscription.objects.values_list("pk", "encrypted_secret"):
        raw = decrypt_secret(token, purpose=SECRET_PURPOSE, secret=old_secret)
        WebhookSubscription.objects.filter(pk=pk).update(encrypted_secret=encrypt_secret(raw, purpose=SECRET_PURPOSE))
        n += 1
    return n


# --- Events and deliveries ----------------------------------------------------------------------------------------

def _payload(event_type: str, data: dict, at: dt.datetime) -> dict:
    return {"type": event_type, "timestamp": at.isoformat().replace("+00:00", "Z"), "data": data}


def _new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def record_event(event_type: str, data: dict) -> list[int]:
    """Fan an event out to the active subscriptions that asked for it and may receive it: one delivery each (its
    body fixed now). Returns the new deliveries' ids, for the caller to send. Unknown events record nothing."""
    if event_type not in events.EVENT_TYPES:
        return []
    now = timezone.now()
    subjects = events.subjects(event_type, data)
    owners = {owner for owner, _data in subjects if owner is not None}
    if not owners:
        return []
    subscriptions = [s for s in WebhookSubscription.objects.filter(state=S.ACTIVE, organization_id__in=owners)
                     if event_type in s.events]
    rows = [WebhookDelivery(subscription=s, event_type=event_type, message_id=_new_message_id(),
                            payload=_payload(event_type, payload, now), next_attempt_at=now)
            for owner, payload in subjects for s in subscriptions
            if s.organization_id == owner and policy.webhook_may_carry(s.organization_id, event_type, owner_id=owner)]
    return [d.pk for d in WebhookDelivery.objects.bulk_create(rows)]


def send_test_event(*, subscription: WebhookSubscription, by) -> WebhookDelivery:
    """A ``webhook.test`` delivery to check the endpoint and the signature (sent in the background); audited."""
    _require(by, subscription.organization_id)
    if subscription.state != S.ACTIVE:
        raise ValidationError(_("Turn the subscription on before sending a test event."))
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            subscription=subscription, event_type="webhook.test", message_id=_new_message_id(),
            payload=_payload("webhook.test", {"organization": subscription.organization.slug}, timezone.now()),
            next_attempt_at=timezone.now())
        audit.record(actor=by, action="webhook.test_sent", target=subscription, data={"delivery": delivery.pk})
    return delivery


def replay_delivery(*, delivery: WebhookDelivery, by) -> WebhookDelivery:
    """Send a delivery's exact event again, as a new delivery with the same ``webhook-id`` (a receiver that already
    has it can drop it) and a fresh signature; audited. The subscription must be active."""
    _require(by, delivery.subscription.organization_id)
    if delivery.subscription.state != S.ACTIVE:
        raise ValidationError(_("Turn the subscription on before replaying a delivery."))
    with transaction.atomic():
        replay = WebhookDelivery.objects.create(subscription=delivery.subscription, event_type=delivery.event_type,
                                                message_id=delivery.message_id, payload=delivery.payload,
                                                replay_of=delivery, next_attempt_at=timezone.now())
        audit.record(actor=by, action="webhook.replayed", target=delivery.subscription,
                     data={"delivery": delivery.pk, "replay": replay.pk, "webhook_id": delivery.message_id})
    return replay


def body_of(delivery: WebhookDelivery) -> str:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def retry_delay(attempt_number: int) -> dt.timedelta:
    """Exponential backoff: base × 4^(n-1) after the n-th failed attempt (30 s, 2 min, 8 min, 32 min, ~2 h, ~8.5 h
    with the default base), at most 12 hours."""
    base = max(1, settings.MICROCRED_WEBHOOK_RETRY_BASE_SECONDS)
    return dt.timedelta(seconds=min(base * 4 ** max(0, attempt_number - 1), 12 * 3600))


@dataclass
class AttemptResult:
    state: str
    retry_at: dt.datetime | None = None


def attempt_delivery(delivery_id: int) -> AttemptResult | None:
    """Make the next HTTP attempt of a delivery and log it. Returns when to retry (None: no retry), or None when
    there was nothing to do (delivered, failed, or gone). A delivery whose subscription was disabled is skipped.
    The last failed attempt counts a failed delivery; enough of them in a row, for long enough, disable the
    subscription and tell its organization's admins."""
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update(of=("self",)).select_related("subscription")
                    .filter(pk=delivery_id, state__in=(WebhookDelivery.State.PENDING, WebhookDelivery.State.RETRYING)).first())
        if delivery is None:
            return None
        if delivery.subscription.state != S.ACTIVE:
            delivery.state, delivery.finished_at, delivery.next_attempt_at = WebhookDelivery.State.SKIPPED, timezone.now(), None
            delivery.save(update_fields=["state", "finished_at", "next_attempt_at"])
            return AttemptResult(delivery.state)
        delivery.attempt_count += 1
        delivery.next_attempt_at = None
        delivery.save(update_fields=["attempt_count", "next_attempt_at"])
        number, subscription = delivery.attempt_count, delivery.subscription
    # The request runs outside any transaction: it can take seconds.
    body = body_of(delivery)
    started = timezone.now()
    headers = signing.signed_headers(secret_of(subscription), message_id=delivery.message_id,
                                     timestamp=int(started.timestamp()), body=body)
    try:
        outcome = transport.post(subscription.url, body.encode("utf-8"), headers, allow_private=allow_private(),
                                 timeout=settings.MICROCRED_WEBHOOK_TIMEOUT_SECONDS)
    except transport.Refused as exc:
        outcome = transport.Outcome(None, "", str(exc)[:300], 0)
    return _record_attempt(delivery, number, started, outcome)


def _record_attempt(delivery: WebhookDelivery, number: int, started, outcome: transport.Outcome) -> AttemptResult:
    now = timezone.now()
    with transaction.atomic():
        WebhookAttempt.objects.create(delivery=delivery, number=number, started_at=started, duration_ms=outcome.duration_ms,
                                      status_code=outcome.status_code, error=outcome.error[:300],
                                      response_excerpt=outcome.excerpt[:500], succeeded=outcome.succeeded)
        subscription = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
        if outcome.succeeded:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(state=WebhookDelivery.State.DELIVERED, finished_at=now)
            if subscription.consecutive_failures:
                subscription.consecutive_failures, subscription.failing_since = 0, None
                subscription.save(update_fields=["consecutive_failures", "failing_since"])
            return AttemptResult(WebhookDelivery.State.DELIVERED)
        if number < settings.MICROCRED_WEBHOOK_MAX_ATTEMPTS:
            retry_at = now + retry_delay(number)
            WebhookDelivery.objects.filter(pk=delivery.pk).update(state=WebhookDelivery.State.RETRYING, next_attempt_at=retry_at)
            return AttemptResult(WebhookDelivery.State.RETRYING, retry_at)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(state=WebhookDelivery.State.FAILED, finished_at=now)
        subscription.consecutive_failures += 1
        subscription.failing_since = subscription.failing_since or delivery.created_at
        subscription.save(update_fields=["consecutive_failures", "failing_since"])
        if (subscription.state == S.ACTIVE
                and subscription.consecutive_failures >= settings.MICROCRED_WEBHOOK_DISABLE_AFTER_FAILURES
                and now - subscription.failing_since >= dt.timedelta(seconds=settings.MICROCRED_WEBHOOK_DISABLE_AFTER_SECONDS)):
            _disable_after_failures(subscription)
    return AttemptResult(WebhookDelivery.State.FAILED)


def _disable_after_failures(subscription: WebhookSubscription) -> None:
    reason = gettext_noop("%(count)s deliveries in a row failed after every retry.")
    disable_subscription(subscription=subscription, by=None,
                         reason=reason % {"count": subscription.consecutive_failures})
    url = reverse("interop:webhook", args=[subscription.pk])
    notify_many([{"user_id": uid, "kind": Notification.Kind.ACCOUNT, "url": url,
                  "dedupe_key": f"webhook-disabled-{subscription.pk}-{subscription.consecutive_failures}-{subscription.failing_since:%Y%m%d%H%M%S}",
                  "message": Later(gettext_noop("Webhook deliveries to %(url)s kept failing, so the subscription of "
                                                "%(organization)s was turned off. Fix the endpoint, then turn it on again."),
                                   url=subscription.url[:200], organization=subscription.organization.name)}
                 for uid in sorted(policy.webhook_notice_recipient_ids(subscription.organization_id))])
