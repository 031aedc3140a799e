"""Which notifications are also e-mailed: each person chooses for themselves; every notice still shows in the app."""
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from microcred.core.models import AuditEvent
from microcred.earning import notifications as notices
from microcred.earning.models import Notification, NotificationEmailOptOut

URL = "/earn/notifications/"


def test_everything_is_emailed_until_a_person_opts_out(client, world, django_capture_on_commit_callbacks):
    earner = world["people"]["earner"]
    assert notices.emailed_kinds(earner) == set(Notification.Kind.values)
    client.force_login(earner)
    page = client.get(URL).content.decode()
    assert page.count('name="email"') == len(Notification.Kind.values) and page.count("checked") == len(Notification.Kind.values)
    kept = [k for k in Notification.Kind.values if k != "plan"]
    response = client.post(URL, {"action": "email_preferences", "email": kept}, follow=True)
    assert "Your e-mail choices were saved." in response.content.decode()
    assert notices.emailed_kinds(earner) == set(kept)
    with django_capture_on_commit_callbacks(execute=True):
        notices.notify(user=earner, kind="plan", message="Plan notice")
        notices.notify(user=earner, kind="feedback", message="Feedback notice")
    assert [m.body.split("\n")[0] for m in mail.outbox] == ["Feedback notice"]
    assert Notification.objects.filter(user=earner).count() == 2  # both still shown in the app
    # Saving the same choice twice records one change; opting back in removes the opt-out.
    client.post(URL, {"action": "email_preferences", "email": kept})
    assert AuditEvent.objects.filter(action="notifications.email_preferences_set").count() == 1
    client.post(URL, {"action": "email_preferences", "email": Notification.Kind.values})
    assert not NotificationEmailOptOut.objects.filter(user=earner).exists()


def test_unchecking_everything_keeps_in_app_notices(client, world):
    earner = world["people"]["earner"]
    client.force_login(earner)
    client.post(URL, {"action": "email_preferences"})
    assert notices.emailed_kinds(earner) == {"account"}  # account notices cannot be turned off
    notices.notify(user=earner, kind="decision", message="Decided")
    assert "Decided" in client.get(URL).content.decode()


def test_bad_kinds_are_refused_and_change_nothing(client, world):
    earner = world["people"]["earner"]
    client.force_login(earner)
    response = client.post(URL, {"action": "email_preferences", "email": ["plan", '<script>x</script>']}, follow=True)
    assert "Unknown kind of notification." in response.content.decode()
    assert not NotificationEmailOptOut.objects.exists()
    with pytest.raises(ValidationError):
        notices.set_emailed_kinds(user=earner, by=earner, kinds=["nope"])


def test_only_the_person_chooses(world):
    with pytest.raises(PermissionDenied):
        notices.set_emailed_kinds(user=world["people"]["earner"], by=world["people"]["platform_admin"], kinds=[])
    assert not NotificationEmailOptOut.objects.exists()


def test_mark_all_as_read_still_works(client, world):
    earner = world["people"]["earner"]
    notices.notify(user=earner, kind="decision", message="Decided")
    client.force_login(earner)
    client.post(URL)
    assert not Notification.objects.filter(user=earner, read_at__isnull=True).exists()
