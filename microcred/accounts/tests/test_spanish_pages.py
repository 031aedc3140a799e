"""The account pages in Spanish (issue 15): a person whose language is "es" reads them in Spanish, names stay data."""
import re

import pytest

pytestmark = pytest.mark.django_db


def spanish(client, user):
    user.language = "es"
    user.save(update_fields=["language"])
    client.force_login(user)


def test_the_login_page_speaks_the_browsers_spanish(client):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in body
    assert "Nombre de usuario" in body and "Contraseña" in body and "¿Olvidó su contraseña?" in body
    assert "Username" not in body and "Forgot your password?" not in body
    assert "microcredenciales para educadores abiertas, portables y verificables" in body  # the footer


def test_the_password_reset_pages_are_in_spanish(client):
    body = client.get("/accounts/password-reset/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Restablezca su contraseña" in body and "Enviar enlace de restablecimiento" in body
    assert "Send reset link" not in body


def test_the_account_page_is_in_spanish_for_a_spanish_speaker(client, world):
    earner = world["people"]["earner"]
    spanish(client, earner)
    body = client.get("/accounts/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in body
    assert "Su cuenta" in body and "Dirección de correo electrónico" in body and "Cambiar contraseña" in body
    assert "Your account" not in body and "Change password" not in body
    # The signed-in name in the header is data, marked so that nobody (or no tool) translates it.
    name = earner.get_full_name() or earner.username
    assert re.search(r'<a href="/accounts/profile/" translate="no">\s*' + re.escape(name), body)
    assert f'<strong translate="no">{earner.username}</strong>' in body


def test_the_profile_and_two_factor_pages_are_in_spanish(client, world):
    spanish(client, world["people"]["earner"])
    profile = client.get("/accounts/profile/").content.decode()
    assert "Sus roles" in profile and "Guardar perfil" in profile and "Etapa profesional" in profile
    assert "Titular (educador)" in profile  # the role's label
    assert "Your roles" not in profile and "Save profile" not in profile
    two_factor = client.get("/accounts/two-factor/").content.decode()
    assert "Verificación en dos pasos" in two_factor and "Configurar la verificación en dos pasos" in two_factor
    assert "Set up two-factor authentication" not in two_factor


def test_the_messages_of_the_two_factor_code_form_are_in_spanish(client, world):
    from django.utils import translation

    from microcred.accounts.forms import TwoFactorCodeForm

    with translation.override("es"):
        form = TwoFactorCodeForm({"code": "<script>"})
        assert not form.is_valid()
        assert form.errors["code"] == ["Escriba los dígitos de su aplicación, o un código de recuperación (letras y dígitos)."]
        assert str(form.fields["code"].label) == "Código"


def test_the_data_download_page_shows_spanish_dates_and_states(client, world):
    from django.utils import timezone, translation
    from django.utils.formats import date_format

    from microcred.accounts import privacy

    earner = world["people"]["earner"]
    spanish(client, earner)
    export = privacy.request_export(user=earner, by=earner)
    body = client.get("/accounts/account/data/").content.decode()
    with translation.override("es"):
        when = date_format(timezone.localtime(export.requested_at), "DATETIME_FORMAT")
    assert when in body and "En preparación" in body and "Being prepared" not in body


def test_account_notices_are_mailed_in_the_persons_language(world, mailoutbox):
    from microcred.accounts import tasks

    earner = world["people"]["earner"]
    earner.language = "es"
    earner.save(update_fields=["language"])
    tasks.send_notice.call(kind="email_changed", email="old@example.org", user_id=earner.pk)
    tasks.send_notice.call(kind="registration_declined", email="someone@example.org",
                           organization_id=world["orgs"]["district"].pk)
    spanish_mail, english_mail = mailoutbox
    assert spanish_mail.subject == "Se cambió su dirección de correo electrónico de microcred"
    assert "los restablecimientos de contraseña y los avisos se envían ahora a la nueva dirección" in spanish_mail.body
    assert english_mail.subject == "Your microcred registration was declined"  # no person: the site's language
    assert world["orgs"]["district"].name in english_mail.body
