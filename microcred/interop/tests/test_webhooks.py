"""Outbound webhooks (issue 19 item 3): signing, delivery to a real local receiver, retries and automatic disabling,
the address guard, bad input, who may see and manage subscriptions, and what an event may carry."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from microcred.core.models import AuditEvent
from microcred.interop.models import WebhookDelivery, WebhookSubscription
from microcred.interop.webhooks import services, signing, transport

from .webhook_receiver import receiver

ALLOW_LOCAL = override_settings(MICROCRED_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=True)
HOSTILE = "<script>alert(1)</script>\u202e\x00' OR 1=1 --"


def subscribe(world, url="https://hooks.example.org/microcred", events=("credential.issued",), who="issuer_admin", org="issuer"):
    return services.create_subscription(organization=world["orgs"][org], url=url, events=list(events),
                                        description="Our student information system", by=world["people"][who])


# --- signing -----------------------------------------------------------------------------------------------------

def test_signature_round_trip_and_tampering():
    secret = signing.new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    body = json.dumps({"type": "credential.issued", "data": {"credential_id": "x"}})
    now = int(time.time())
    headers = signing.signed_headers(secret, message_id="msg_1", timestamp=now, body=body)
    assert signing.verify(secret, body.encode(), headers)["type"] == "credential.issued"
    # The same signature by hand, as docs/webhooks.md tells a receiver to compute it.
    expected = base64.b64encode(hmac.new(base64.b64decode(secret[6:]), f"msg_1.{now}.{body}".encode(), hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"
    with pytest.raises(signing.WebhookVerificationError):
        signing.verify(secret, body.replace("x", "y").encode(), headers)
    with pytest.raises(signing.WebhookVerificationError):
        signing.verify(signing.new_secret(), body.encode(), headers)
    with pytest.raises(signing.WebhookVerificationError):  # a replayed old message
        old = signing.signed_headers(secret, message_id="msg_1", timestamp=now - 3600, body=body)
        signing.verify(secret, body.encode(), old)


# --- a real receiver ---------------------------------------------------------------------------------------------

@ALLOW_LOCAL
def test_a_local_receiver_gets_a_signed_credential_issued_event_after_an_earned_decision(world, published, django_capture_on_commit_callbacks):
    from microcred.credentials.models import IssuedCredential
    from microcred.credentials.tests.conftest import earn

    with receiver() as (url, received):
        subscription, secret = subscribe(world, url=url, events=["credential.issued", "attempt.decided"])
        with django_capture_on_commit_callbacks(execute=True):
            earn(world, published)
        credential = IssuedCredential.objects.get()
        issued = [r for r in received if json.loads(r["body"])["type"] == "credential.issued"]
        assert len(issued) == 1
        request = issued[0]
        event = signing.verify(secret, request["body"], request["headers"])
        assert event["data"]["credential_id"] == str(credential.pk)
        assert event["data"]["micro_credential"]["id"] == published.micro_credential.slug
        assert request["headers"]["content-type"] == "application/json"
        # Thin payload: nothing that names the earner.
        earner = world["people"]["earner"]
        assert earner.email.encode() not in request["body"] and earner.first_name.encode() not in request["body"]
        assert {json.loads(r["body"])["type"] for r in received} == {"credential.issued", "attempt.decided"}
    delivery = WebhookDelivery.objects.get(event_type="credential.issued")
    assert delivery.state == "delivered" and delivery.message_id == request["headers"]["webhook-id"]
    attempt = delivery.attempts.get()
    assert attempt.status_code == 200 and attempt.succeeded and attempt.response_excerpt == "ok"


@ALLOW_LOCAL
@override_settings(MICROCRED_WEBHOOK_MAX_ATTEMPTS=3, MICROCRED_WEBHOOK_DISABLE_AFTER_FAILURES=1,
                   MICROCRED_WEBHOOK_DISABLE_AFTER_SECONDS=0)
def test_a_failing_receiver_gets_retries_then_the_subscription_is_disabled_and_its_admins_told(world, django_capture_on_commit_callbacks):
    from microcred.earning.models import Notification

    with receiver(status=500) as (url, received):
        subscription, _secret = subscribe(world, url=url)
        with django_capture_on_commit_callbacks(execute=True):
            from microcred.interop import tasks

            delivery = services.send_test_event(subscription=subscription, by=world["people"]["issuer_admin"])
            tasks.send_soon(delivery.pk)
    assert len(received) == 3  # the first attempt and two retries
    assert len({r["headers"]["webhook-id"] for r in received}) == 1  # the same message each time
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.attempt_count == 3
    assert [a.status_code for a in delivery.attempts.all()] == [500, 500, 500]
    assert delivery.attempts.first().response_excerpt == "receiver is broken"
    subscription.refresh_from_db()
    assert subscription.state == "disabled" and "failed" in subscription.disabled_reason
    event = AuditEvent.objects.get(action="webhook.disabled")
    assert event.actor_id is None and event.data["automatic"] is True
    notice = Notification.objects.get(user=world["people"]["issuer_admin"])
    assert url[:40] in notice.message and notice.url == f"/interop/webhooks/{subscription.pk}/"
    # A disabled subscription gets nothing more: an event for it is not even recorded.
    assert services.record_event("credential.issued", {"credential_id": "00000000-0000-0000-0000-000000000000"}) == []


def test_retry_delays_grow_exponentially():
    delays = [services.retry_delay(n).total_seconds() for n in range(1, 8)]
    assert delays[:4] == [30, 120, 480, 1920] and delays[-1] == 12 * 3600


# --- the address guard -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://192.168.0.10/", "https://172.16.5.4/",
    "https://169.254.169.254/latest/meta-data/", "https://[::1]/hook", "https://[fe80::1]/", "https://[::ffff:127.0.0.1]/",
    "https://localhost/hook", "https://a.localhost/", "https://0.0.0.0/", "https://100.64.0.1/", "https://[fd00::1]/"])
def test_private_loopback_and_link_local_addresses_are_refused(url):
    with pytest.raises(transport.Refused):
        transport.parse_url(url, allow_private=False)


def test_every_resolved_address_is_checked_and_the_checked_one_is_used(monkeypatch):
    calls = []

    def fake_getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    target = transport.parse_url("https://hooks.example.org/x", allow_private=False)
    with pytest.raises(transport.Refused, match="10.0.0.7"):
        transport.resolve(target, allow_private=False)

    # DNS rebinding: the name is resolved once, and the connection goes to the address that was checked.
    connected = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: (calls.append(host), [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))])[1])
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: (connected.append(address), (_ for _ in ()).throw(OSError("no network in tests")))[1])
    calls.clear()
    outcome = transport.post("https://hooks.example.org/x", b"{}", {}, allow_private=False)
    assert calls == ["hooks.example.org"] and connected == [("93.184.215.14", 443)]
    assert outcome.status_code is None and "no network" in outcome.error


def test_a_name_that_resolves_inside_the_network_is_refused_at_delivery(world, monkeypatch):
    subscription, _secret = subscribe(world, url="https://hooks.example.org/x")
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))])
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("connected to a refused address"))
    delivery = services.send_test_event(subscription=subscription, by=world["people"]["issuer_admin"])
    result = services.attempt_delivery(delivery.pk)
    assert result.state == "retrying"
    attempt = delivery.attempts.get()
    assert attempt.status_code is None and "127.0.0.1" in attempt.error


def test_private_addresses_are_allowed_only_by_the_setting(world):
    with pytest.raises(ValidationError) as refused:
        subscribe(world, url="http://127.0.0.1:8999/hook")
    assert "url" in refused.value.message_dict
    with ALLOW_LOCAL:
        subscription, _secret = subscribe(world, url="http://127.0.0.1:8999/hook")
        assert subscription.pk
        with pytest.raises(ValidationError):  # plain http still only to a private address
            subscribe(world, url="http://hooks.example.org/hook")


# --- bad input ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, why", [
    ("http://hooks.example.org/x", "https"), ("ftp://hooks.example.org/x", "https"), ("", "https"), (None, "https"),
    ("https://user:pw@hooks.example.org/", "user name"), ("https://hooks.example.org/x#frag", "fragment"),
    ("https://hooks.example.org/" + "a" * 500, "500"), ("https://hooks.example.org/a b", "spaces"),
    ("https://hooks.example.org/\u202ex", "control"), ("https://hooks.example.org:99999/", "valid"), ("javascript:alert(1)", "https"),
])
def test_bad_urls_are_refused_with_a_clear_message(world, url, why):
    with pytest.raises(ValidationError) as refused:
        subscribe(world, url=url)
    assert why in " ".join(refused.value.message_dict["url"])
    assert not WebhookSubscription.objects.exists()


def test_bad_events_and_descriptions_are_refused(world):
    for events in ([], ["no.such.event"], ["award.granted"], "credential.issued", [1]):  # award.* is a recognizer's
        with pytest.raises(ValidationError) as refused:
            subscribe(world, events=events)
        assert "events" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.create_subscription(organization=world["orgs"]["issuer"], url="https://hooks.example.org/", events=["credential.issued"],
                                     description="x" * 201, by=world["people"]["issuer_admin"])
    assert "description" in refused.value.message_dict
    subscription, _secret = services.create_subscription(organization=world["orgs"]["issuer"], url="https://hooks.example.org/",
                                                         events=["credential.issued"], description=HOSTILE, by=world["people"]["issuer_admin"])
    assert "\x00" not in subscription.description and "\u202e" not in subscription.description
    assert not WebhookSubscription.objects.exclude(pk=subscription.pk).exists()


def test_at_most_ten_subscriptions_per_organization(world):
    for n in range(services.MAX_SUBSCRIPTIONS_PER_ORGANIZATION):
        subscribe(world, url=f"https://hooks.example.org/{n}")
    with pytest.raises(ValidationError):
        subscribe(world, url="https://hooks.example.org/one-more")


# --- who may ---------------------------------------------------------------------------------------------------

def test_only_the_organizations_own_admins_manage_its_subscriptions(world):
    subscription, _secret = subscribe(world)
    for who in ("other_admin", "earner", "platform_admin", "author", "assessor", "recognizer"):
        with pytest.raises(PermissionDenied):
            services.disable_subscription(subscription=subscription, by=world["people"][who])
        with pytest.raises(PermissionDenied):
            subscribe(world, who=who)
    subscription.refresh_from_db()
    assert subscription.state == "active"


def test_pages_and_api_refuse_other_organizations_and_earners(world, client):
    subscription, _secret = subscribe(world)
    for who, page_status, api_status in (("other_admin", 404, 404), ("earner", 403, 403), ("platform_admin", 403, 403)):
        client.force_login(world["people"][who])
        assert client.get(f"/interop/webhooks/{subscription.pk}/").status_code == page_status
        assert client.post(f"/interop/webhooks/{subscription.pk}/state/", {"action": "disable"}).status_code == page_status
        assert client.get(f"/api/v1/interop/webhooks/{subscription.pk}/").status_code == api_status
        assert client.post(f"/api/v1/interop/webhooks/{subscription.pk}/disable/").status_code == api_status
        listed = client.get("/api/v1/interop/webhooks/")
        assert listed.status_code == 403 or subscription.url not in listed.content.decode()
    client.logout()
    assert client.get("/api/v1/interop/webhooks/").status_code == 403
    assert client.get("/interop/webhooks/").status_code == 302
    subscription.refresh_from_db()
    assert subscription.state == "active"


def test_an_event_reaches_only_the_organization_it_is_about(world, published):
    from microcred.credentials.services import issue_for_attempt
    from microcred.credentials.tests.conftest import earn

    mine, _s = subscribe(world)
    theirs, _s = subscribe(world, who="other_admin", org="other_issuer")
    recognizer, _s = services.create_subscription(organization=world["orgs"]["state"], url="https://hooks.example.org/state",
                                                  events=["award.granted"], by=world["people"]["recognizer"])
    credential = issue_for_attempt(earn(world, published))
    ids = services.record_event("credential.issued", {"credential_id": str(credential.pk)})
    assert [WebhookDelivery.objects.get(pk=i).subscription_id for i in ids] == [mine.pk]


# --- pages and API -------------------------------------------------------------------------------------------------

def test_subscribe_on_the_page_shows_the_secret_once_and_is_audited(world, client):
    client.force_login(world["people"]["issuer_admin"])
    assert client.get("/interop/webhooks/new/").status_code == 200
    answer = client.post("/interop/webhooks/new/", {"organization": world["orgs"]["issuer"].pk, "url": "https://hooks.example.org/in",
                                                     "description": "SIS", "events": ["credential.issued", "credential.revoked"]})
    assert answer.status_code == 200
    secret = answer.context["secret"]
    assert secret.startswith("whsec_") and secret in answer.content.decode()
    subscription = WebhookSubscription.objects.get()
    assert secret not in subscription.encrypted_secret and services.secret_of(subscription) == secret
    assert secret not in client.get(f"/interop/webhooks/{subscription.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="webhook.subscribed", target_id=str(subscription.pk)).exists()
    bad = client.post("/interop/webhooks/new/", {"organization": world["orgs"]["issuer"].pk, "url": "http://hooks.example.org/",
                                                  "events": ["credential.issued"]})
    assert bad.status_code == 400 and "https" in bad.content.decode()
    assert client.post(f"/interop/webhooks/{subscription.pk}/state/", {"action": "disable"}).status_code == 302
    subscription.refresh_from_db()
    assert subscription.state == "disabled"
    assert AuditEvent.objects.filter(action="webhook.disabled", actor=world["people"]["issuer_admin"]).exists()


def test_the_delivery_page_keeps_a_constant_number_of_queries(world, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    subscription, _secret = subscribe(world)
    client.force_login(world["people"]["issuer_admin"])

    def add(n):
        for _ in range(n):
            d = services.send_test_event(subscription=subscription, by=world["people"]["issuer_admin"])
            d.attempts.create(number=1, started_at=d.created_at, status_code=500, response_excerpt="no")

    add(1)
    client.get(f"/interop/webhooks/{subscription.pk}/")  # the menu is kept per person (decision 0050): once first
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/interop/webhooks/{subscription.pk}/").status_code == 200
    add(10)
    client.get(f"/interop/webhooks/{subscription.pk}/")
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/interop/webhooks/{subscription.pk}/").status_code == 200
    assert len(many) == len(one)


def test_api_subscribe_list_deliveries_and_replay(world, client, django_capture_on_commit_callbacks):
    client.force_login(world["people"]["issuer_admin"])
    created = client.post("/api/v1/interop/webhooks/", {"organization": "issuer-one", "url": "https://hooks.example.org/api",
                                                         "events": ["credential.issued"]}, content_type="application/json")
    assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
    pk = created.json()["id"]
    listed = client.get("/api/v1/interop/webhooks/").json()
    assert [s["id"] for s in listed] == [pk] and "secret" not in listed[0]
    bad = client.post("/api/v1/interop/webhooks/", {"organization": "issuer-two", "url": "https://hooks.example.org/",
                                                     "events": ["credential.issued"]}, content_type="application/json")
    assert bad.status_code == 400 and "organization" in bad.json()
    changed = client.patch(f"/api/v1/interop/webhooks/{pk}/", {"url": "http://hooks.example.org/"}, content_type="application/json")
    assert changed.status_code == 400 and "url" in changed.json()
    subscription = WebhookSubscription.objects.get()
    delivery = services.send_test_event(subscription=subscription, by=world["people"]["issuer_admin"])
    delivery.attempts.create(number=1, started_at=delivery.created_at, status_code=503)
    log = client.get(f"/api/v1/interop/webhooks/{pk}/deliveries/").json()
    assert log[0]["webhook_id"] == delivery.message_id and log[0]["attempts"][0]["status_code"] == 503
    with override_settings(MICROCRED_WEBHOOK_MAX_ATTEMPTS=1):
        with django_capture_on_commit_callbacks(execute=False):  # keep the replay from reaching the network
            replayed = client.post(f"/api/v1/interop/deliveries/{delivery.pk}/replay/")
    assert replayed.status_code == 202 and replayed.json()["webhook_id"] == delivery.message_id
    assert replayed.json()["replay_of"] == delivery.pk
    assert AuditEvent.objects.filter(action="webhook.replayed").count() == 1


def test_suspension_signals_become_events_that_carry_no_reason(world, published, django_capture_on_commit_callbacks, monkeypatch, settings):
    from microcred.credentials import services as credential_services
    from microcred.credentials.services import issue_for_attempt
    from microcred.credentials.tests.conftest import earn

    sent = []
    class Recorder:
        def enqueue(self, **kw):
            sent.append(kw)

    monkeypatch.setattr("microcred.interop.tasks.webhook_event", Recorder())
    subscribe(world, events=["credential.suspended", "credential.reinstated"])
    settings.MICROCRED_CREDENTIAL_SUSPENSION = True
    credential = issue_for_attempt(earn(world, published))
    admin = world["people"]["issuer_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        credential_services.suspend(credential, by=admin, reason="Checking a complaint")
        credential_services.unsuspend(credential, by=admin, reason="Resolved")
    assert [s["event_type"] for s in sent] == ["credential.suspended", "credential.reinstated"]
    ids = services.record_event("credential.suspended", sent[0]["data"])
    payload = WebhookDelivery.objects.get(pk=ids[0]).payload
    assert payload["type"] == "credential.suspended" and "Checking a complaint" not in json.dumps(payload)


def test_demo_webhook_is_made_once_with_a_delivery_log(world, client):
    from microcred.demo.interop_world import load_webhook_demo

    assert load_webhook_demo() == {"demo_webhook_created": True}
    assert load_webhook_demo() == {"demo_webhook_created": False}
    subscription = WebhookSubscription.objects.get()
    assert subscription.deliveries.count() == 4 and subscription.deliveries.filter(state="failed").exists()
    client.force_login(world["people"]["issuer_admin"])
    page = client.get(f"/interop/webhooks/{subscription.pk}/").content.decode()
    assert "HTTP 503" in page and "TimeoutError" in page
