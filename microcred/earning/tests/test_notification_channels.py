"""Notification choices per kind and channel (e-mail, in the app): page, API, notify(), locked account notices."""
import pytest
from django.core import mail

from microcred.core.models import AuditEvent
from microcred.earning import notifications as notices
from microcred.earning.models import Notification, NotificationInAppOptOut

URL = "/earn/notifications/preferences/"
API = "/api/v1/earning/notification-preferences/"
ALL = set(Notification.Kind.values)


def test_page_saves_both_channels_and_notify_honours_them(client, world, django_capture_on_commit_callbacks):
    earner = world["people"]["earner"]
    client.force_login(earner)
    page = client.get(URL).content.decode()
    assert "cannot be turned off" in page and page.count('type="checkbox"') == 2 * len(ALL)
    email = sorted(ALL - {"plan", "feedback"})
    in_app = sorted(ALL - {"plan", "decision"})
    response = client.post(URL, {"email": email, "in_app": in_app}, follow=True)
    assert "Your notification choices were saved." in response.content.decode()
    assert notices.emailed_kinds(earner) == set(email) and notices.shown_kinds(earner) == set(in_app)
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.notify(user=earner, kind="plan", message="Plan: both off") is None
        hidden = notices.notify(user=earner, kind="decision", message="Decision: e-mail only")
        notices.notify(user=earner, kind="feedback", message="Feedback: app only")
    assert not hidden.shown_in_app
    assert sorted(m.body.split("\n")[0] for m in mail.outbox) == ["Decision: e-mail only"]
    listed = client.get("/earn/notifications/").content.decode()
    assert "Feedback: app only" in listed and "Decision: e-mail only" not in listed
    assert [n["message"] for n in client.get("/api/v1/earning/notifications/").json()] == ["Feedback: app only"]
    assert AuditEvent.objects.filter(action="notifications.in_app_preferences_set").count() == 1


def test_account_notices_cannot_be_turned_off(client, world, django_capture_on_commit_callbacks):
    earner = world["people"]["earner"]
    client.force_login(earner)
    client.post(URL, {})  # everything unchecked (the account boxes are disabled, so never sent)
    assert notices.emailed_kinds(earner) == {"account"} == notices.shown_kinds(earner)
    with django_capture_on_commit_callbacks(execute=True):
        notices.notify(user=earner, kind="account", message="Your password was changed")
        notices.notify(user=earner, kind="decision", message="Decided")
    assert [m.body.split("\n")[0] for m in mail.outbox] == ["Your password was changed"]
    assert "Your password was changed" in client.get("/earn/notifications/").content.decode()


def test_api_get_and_put(client, world):
    earner = world["people"]["earner"]
    client.force_login(earner)
    body = client.get(API).json()
    assert set(body["email"]) == ALL and set(body["in_app"]) == ALL
    assert [r for r in body["kinds"] if r["locked"]] == [
        {"kind": "account", "label": "Account and privacy", "email": True, "in_app": True, "locked": True}]
    response = client.put(API, {"email": ["decision"], "in_app": ["decision", "award"]}, content_type="application/json")
    assert response.status_code == 200
    assert set(response.json()["email"]) == {"decision", "account"}
    assert set(response.json()["in_app"]) == {"decision", "award", "account"}


@pytest.mark.parametrize("body", [
    {"email": ["<script>x</script>"], "in_app": []},
    {"email": "=cmd|' /C calc'!A0", "in_app": []},
    {"email": ["x" * 5000], "in_app": []},
    {"email": [], "in_app": [["nested"]]},
    {"in_app": []},
])
def test_api_refuses_hostile_input_and_changes_nothing(client, world, body):
    earner = world["people"]["earner"]
    client.force_login(earner)
    response = client.put(API, body, content_type="application/json")
    assert response.status_code == 400
    assert notices.emailed_kinds(earner) == ALL and not NotificationInAppOptOut.objects.exists()


def test_page_refuses_unknown_kinds(client, world):
    earner = world["people"]["earner"]
    client.force_login(earner)
    response = client.post(URL, {"email": ["plan", "=HYPERLINK()"], "in_app": []}, follow=True)
    assert "Unknown kind of notification." in response.content.decode()
    assert notices.shown_kinds(earner) == ALL


def test_api_needs_a_session_and_non_utf8_is_refused(client, world):
    assert client.get(API).status_code in (401, 403)
    client.force_login(world["people"]["earner"])
    response = client.put(API, b'{"email": ["\xff"], "in_app": []}', content_type="application/json")
    assert response.status_code == 400
