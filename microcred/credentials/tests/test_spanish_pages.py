"""The credential pages in Spanish (issue 15): my credentials, the credential's verification page, the issuer's list.
The interface and the verifier's usual findings are in Spanish; what the credential says stays as signed."""
import pytest
from django.utils import translation
from django.utils.formats import date_format

from microcred.credentials import presentation, services

HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def spanish(client, user):
    user.language = "es"
    user.save(update_fields=["language"])
    client.force_login(user)


def test_my_credentials_page_is_in_spanish(client, world, issued):
    spanish(client, world["people"]["earner"])
    body = client.get("/credentials/mine/").content.decode()
    assert '<html lang="es">' in body
    assert "Mis credenciales" in body and "Emitidas aquí" in body and "Quién puede verla" in body
    assert "Importadas de otros lugares" in body and "Activa" in body
    assert "Cualquier persona con el enlace" in body  # the visibility choices
    assert "My credentials" not in body and "Issued here" not in body and "No credentials yet" not in body
    with translation.override("es"):
        assert date_format(issued.issued_at, "DATE_FORMAT") in body  # Spanish month name


def test_the_verification_page_is_in_spanish_and_keeps_the_signed_content(client, world, issued):
    spanish(client, world["people"]["earner"])
    body = client.get(f"/credentials/{issued.pk}", **HTML).content.decode()
    assert "Verificada" in body and "Comprobada ahora mismo" in body and "Qué se comprobó" in body
    assert "Obtenida por" in body and "Válida desde" in body and "Certificado imprimible (PDF)" in body
    # The verifier's usual findings, in Spanish.
    assert "Firma</strong>: superada" in body and "Estado</strong>: superada — no revocada" in body
    assert "la prueba eddsa-rdfc-2022 se verifica con una clave del emisor" in body
    assert "Verified" not in body and "What was checked" not in body and "not revoked" not in body
    # What the credential says (its title, as signed) is marked as the language it is written in.
    title = issued.credential["credentialSubject"]["achievement"]["name"]
    assert f'<h1 lang="en">{title}</h1>' in body


def test_a_visitor_reads_the_holder_in_spanish_and_a_revocation_with_a_spanish_date(client, world, issued):
    issued = services.revoke(issued, by=world["people"]["issuer_admin"], reason="Plagio")
    body = client.get(f"/credentials/{issued.pk}", HTTP_ACCEPT_LANGUAGE="es", **HTML).content.decode()
    with translation.override("es"):
        when = date_format(issued.revoked_at, "DATE_FORMAT")
    assert f"Revocada el {when}:" in body and "Plagio" in body
    assert "la persona titular de la credencial" in body and "the credential holder" not in body
    assert "su emisor revocó la credencial" in body


def test_unusual_findings_stay_as_the_verifier_wrote_them_marked_english():
    with translation.override("en"):
        shown = presentation.shown_checks([{"check": "proof", "status": "failed", "message": "JWT alg is 'none'"}])
    assert shown == [{"check": "Signature", "status": "failed", "message": "JWT alg is 'none'", "translated": False}]
    with translation.override("es"):
        shown = presentation.shown_checks([{"check": "validity", "status": "passed",
                                            "message": "valid from 2026-03-01T00:00:00Z, no expiry"}])
    assert shown[0]["check"] == "Fechas" and shown[0]["status"] == "superada" and shown[0]["translated"]
    assert shown[0]["message"].startswith("válida desde el ") and "marzo" in shown[0]["message"]


def test_the_issuers_list_is_in_spanish(client, world, issued):
    spanish(client, world["people"]["issuer_admin"])
    body = client.get("/credentials/issued/").content.decode()
    assert "Credenciales emitidas" in body and "Revocar" in body
    with translation.override("es"):
        assert f"emitida el {date_format(issued.issued_at, 'DATE_FORMAT')}" in body
    assert "Issued credentials" not in body


@pytest.mark.parametrize("language,expected", [("es", "Indique por qué se revoca la credencial"),
                                               ("en", "Say why the credential is revoked")])
def test_a_refusal_is_in_the_readers_language(world, issued, language, expected):
    from django.core.exceptions import ValidationError

    with translation.override(language), pytest.raises(ValidationError) as refused:
        services.revoke(issued, by=world["people"]["issuer_admin"], reason="  ")
    assert refused.value.message_dict["reason"][0].startswith(expected)


def test_the_earners_notice_of_a_revocation_is_in_the_earners_language(world, issued):
    from microcred.earning.models import Notification

    earner = world["people"]["earner"]
    earner.language = "es"
    earner.save(update_fields=["language"])
    with translation.override("en"):  # the issuer admin reads English
        services.revoke(issued, by=world["people"]["issuer_admin"], reason="Plagio")
    notice = Notification.objects.filter(user=earner).order_by("-pk").first()
    assert notice.message.startswith("Se revocó su credencial de “") and notice.message.endswith("”: Plagio")
