"""Notices and their e-mails are written in the recipient's language, whoever (in whatever language) caused them."""
import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from microcred.core.i18n import Later, When, language_of, render
from microcred.earning import notifications, services
from microcred.earning.models import Notification

from .factories import levels_for, submit_complete


@pytest.fixture
def attempt(world, published):
    return services.start_attempt(earner=world["people"]["earner"], micro_credential=published.micro_credential)


def _spanish(person):
    person.language = "es"
    person.save(update_fields=["language"])


def test_a_decision_made_in_english_reaches_a_spanish_teacher_in_spanish(world, attempt, django_capture_on_commit_callbacks):
    earner, assessor = world["people"]["earner"], world["people"]["assessor"]
    _spanish(earner)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        submission = submit_complete(attempt, earner).submissions.get()  # submit_attempt returns the attempt
        services.record_decision(submission=submission, by=assessor, levels=levels_for(attempt))
    decided = Notification.objects.get(user=earner, kind="decision", dedupe_key="")  # not the survey
    title = attempt.version.title
    assert decided.message == f"Ha obtenido “{title}”. ¡Enhorabuena!"
    submitted = Notification.objects.get(user=earner, kind="submitted").message
    assert submitted.startswith(f"Se envió “{title}”") and "submission" not in submitted
    decision_mail = next(m for m in mail.outbox if decided.message in m.body)
    assert decision_mail.subject == "microcred: Decisión"
    assert "Elija qué avisos recibe por correo electrónico" in decision_mail.body and "Choose which" not in decision_mail.body


def test_a_teacher_who_chose_no_language_is_written_to_in_the_site_language(world, attempt, django_capture_on_commit_callbacks):
    earner = world["people"]["earner"]
    with translation.override("es"), django_capture_on_commit_callbacks(execute=True):  # the assessor reads Spanish
        submission = submit_complete(attempt, earner).submissions.get()  # submit_attempt returns the attempt
        services.record_decision(submission=submission, by=world["people"]["assessor"], levels=levels_for(attempt))
    assert Notification.objects.get(user=earner, kind="decision", dedupe_key="").message.startswith("You earned")
    assert any(m.subject == "microcred: Decision" for m in mail.outbox)


def test_notices_made_in_bulk_follow_each_recipients_language(world, django_capture_on_commit_callbacks):
    earner, other = world["people"]["earner"], world["people"]["other_earner"]
    _spanish(earner)
    message = Later(gettext_noop("You have been recognised: “%(name)s”. See what your work is worth."), name="Teacher Leader")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_many([{"user_id": earner.pk, "kind": "award", "message": message},
                                   {"user_id": other.pk, "kind": "award", "message": message}])
    by_user = dict(Notification.objects.values_list("user_id", "message"))
    assert by_user[other.pk] == "You have been recognised: “Teacher Leader”. See what your work is worth."
    assert by_user[earner.pk].startswith("Ha obtenido un reconocimiento") and "Teacher Leader" in by_user[earner.pk]
    assert {m.subject for m in mail.outbox} == {"microcred: Recognition award", "microcred: Reconocimiento"}


def test_an_account_notice_is_in_the_persons_language(world, client, django_capture_on_commit_callbacks):
    from microcred.accounts import privacy

    earner = world["people"]["earner"]
    _spanish(earner)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        privacy.request_deletion(user=earner, by=earner, password="pw-earner-123")
    notice = Notification.objects.get(user=earner, kind="account")
    assert notice.message.startswith("Hemos recibido su solicitud")


def test_later_renders_values_and_dates_in_the_readers_language():
    import datetime as dt

    text = Later(gettext_noop("Your data is ready to download until %(date)s."), date=When(dt.date(2026, 12, 5), "DATE_FORMAT"))
    assert render(text, "en") == "Your data is ready to download until Dec. 5, 2026."
    assert render(text, "es") == "Sus datos se pueden descargar hasta el 5 de diciembre de 2026."
    lazy = Later("%(what)s", what=gettext_lazy("Decision"))
    assert render(lazy, "es") == "Decisión" and render(lazy, "en") == "Decision"
    assert render("plain text", "es") == "plain text"  # an old-style str is kept as it is


def test_language_of_refuses_what_the_site_does_not_offer(world):
    earner = world["people"]["earner"]
    assert language_of(earner) == "en" and language_of(None) == "en"
    earner.language = "xx"
    assert language_of(earner) == "en"
    earner.language = "es"
    assert language_of(earner) == "es"
