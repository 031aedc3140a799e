"""Account e-mails are written in the recipient's language (or, for an invitee without an account, the inviter's)."""
import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from microcred.accounts import onboarding, services, tasks
from microcred.accounts.models import User


@pytest.fixture
def admin(world):
    person = User.objects.create_user(username="district_admin", password="pw-district_admin-123",
                                      email="district_admin@example.org", language="es")
    services.grant_role(user=person, organization=world["orgs"]["district"], role="org_admin")
    return person


def test_an_account_notice_goes_out_in_the_persons_language(world):
    earner = world["people"]["earner"]
    earner.language = "es"
    earner.save(update_fields=["language"])
    with translation.override("en"):
        assert tasks.send_notice.call(kind="email_changed", email=earner.email, user_id=earner.pk)
        assert tasks.send_notice.call(kind="email_changed", email="someone@example.org")
    spanish, english = mail.outbox
    assert spanish.subject == "Se cambió su dirección de correo electrónico de microcred"
    assert english.subject == "Your microcred e-mail address was changed"


def test_an_invitation_is_written_in_the_inviters_language(world, admin, django_capture_on_commit_callbacks):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        onboarding.invite(by=admin, organization=world["orgs"]["district"], role="earner", email="new.teacher@example.org")
    (invitation_mail,) = mail.outbox
    assert invitation_mail.subject == "Está invitado a Rural District en microcred"
    assert "lo invitó a unirse a Rural District" in invitation_mail.body and "invited you" not in invitation_mail.body
    assert settings.SITE_URL in invitation_mail.body
