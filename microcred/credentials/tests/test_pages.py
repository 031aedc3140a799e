"""The credential's URL: content negotiation, the verification page, visibility, revocation, PDF, sharing."""
from urllib.parse import parse_qs, urlsplit

import pytest

from microcred.core.models import AuditEvent
from microcred.credentials import services
from microcred.credentials.models import IssuedCredential

HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def url(issued):
    return f"/credentials/{issued.pk}"


def test_content_negotiation(client, issued):
    page = client.get(url(issued), **HTML)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "Accept" in page["Vary"]
    for accept in ("application/json", "application/ld+json"):
        assert client.get(url(issued), HTTP_ACCEPT=accept).json() == issued.credential
    assert client.get(url(issued)).json() == issued.credential  # no Accept: JSON, as before
    as_json = client.get(url(issued) + "?format=json", **HTML)
    assert as_json.json() == issued.credential and "attachment" in as_json["Content-Disposition"]
    jwt = client.get(url(issued) + "?format=jwt", **HTML)
    assert jwt["Content-Type"] == "application/jwt" and jwt.content.decode() == issued.jwt


def test_page_shows_what_was_earned_and_a_live_verification(client, issued):
    body = client.get(url(issued), **HTML).content.decode()
    achievement = issued.credential["credentialSubject"]["achievement"]
    assert achievement["name"] in body and "Verified" in body and "Revoked" not in body
    assert "Issuer One" in body and achievement["version"] in body
    assert "Levels achieved" in body
    first = achievement["resultDescription"][0]["name"]
    assert first.split(":")[0] in body
    assert "<svg" in body  # QR code inline
    assert "?format=pdf" in body and "?format=jwt" in body


def test_earner_name_only_when_public(client, world, issued):
    earner = world["people"]["earner"]
    assert "the credential holder" in client.get(url(issued), **HTML).content.decode()
    assert earner.get_full_name() not in client.get(url(issued), **HTML).content.decode()
    services.set_visibility(issued, by=earner, visibility="public")
    body = client.get(url(issued), **HTML).content.decode()
    assert earner.get_full_name() in body and "the credential holder" not in body


def test_private_is_404_to_everyone_but_the_earner_and_its_issuer(client, world, issued):
    services.set_visibility(issued, by=world["people"]["earner"], visibility="private")
    for who in (None, world["people"]["other_earner"], world["people"]["other_admin"]):
        if who:
            client.force_login(who)
        for suffix in ("", "?format=jwt", "?format=pdf", "?format=json"):
            assert client.get(url(issued) + suffix, **HTML).status_code == 404
    client.force_login(world["people"]["earner"])
    assert client.get(url(issued), **HTML).status_code == 200
    # The issuer's admin finds it in the list of issued credentials and opens it, with the earner's name.
    client.force_login(world["people"]["issuer_admin"])
    page = client.get(url(issued), **HTML)
    assert page.status_code == 200 and "Earner Tester" in page.content.decode()


def test_issuer_admin_sees_the_earners_name_others_see_the_holder(client, world, issued):
    """Issue 15, finding 3: on a credential page the issuer admin read "the credential holder"."""
    assert issued.visibility == "link"
    assert "the credential holder" in client.get(url(issued), **HTML).content.decode()  # anyone with the link
    client.force_login(world["people"]["other_admin"])
    assert "the credential holder" in client.get(url(issued), **HTML).content.decode()
    client.force_login(world["people"]["issuer_admin"])
    body = client.get(url(issued), **HTML).content.decode()
    assert "Earner Tester" in body and "the credential holder" not in body


def test_revoke_form_only_for_issuer_admins_of_the_issuing_org(client, world, issued):
    assert 'id="revoke"' not in client.get(url(issued), **HTML).content.decode()
    for key in ("earner", "other_admin", "assessor"):
        client.force_login(world["people"][key])
        assert 'id="revoke"' not in client.get(url(issued), **HTML).content.decode()
        assert client.post(url(issued) + "/revoke", {"reason": "no"}).status_code == 403
    issued.refresh_from_db()
    assert issued.revoked_at is None
    client.force_login(world["people"]["issuer_admin"])
    assert 'id="revoke"' in client.get(url(issued), **HTML).content.decode()


def test_revoke_requires_a_reason_and_then_shows_revoked(client, world, issued):
    client.force_login(world["people"]["issuer_admin"])
    client.post(url(issued) + "/revoke", {"reason": "   "})
    issued.refresh_from_db()
    assert issued.revoked_at is None
    # The first step only asks: who, what, that it is final, and the reason to confirm (issue 15, finding 3).
    asked = client.post(url(issued) + "/revoke", {"reason": "Evidence was not the earner's own work"})
    body = asked.content.decode()
    assert asked.status_code == 200 and "Revocation is final" in body and "Earner Tester" in body
    assert "Revoke permanently" in body and 'name="confirmed" value="yes"' in body
    issued.refresh_from_db()
    assert issued.revoked_at is None
    response = client.post(url(issued) + "/revoke", {"reason": "Evidence was not the earner's own work", "confirmed": "yes"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.revoked_at is not None
    client.logout()
    body = client.get(url(issued), **HTML).content.decode()
    assert "Revoked on" in body and "Evidence was not the earner&#x27;s own work" in body
    assert "has been revoked" in body  # the live verifier's own words
    assert 'id="revoke"' not in body


def test_anonymous_revoke_is_sent_to_login(client, issued):
    assert client.post(url(issued) + "/revoke", {"reason": "x"}).status_code == 302
    issued.refresh_from_db()
    assert issued.revoked_at is None


def test_pdf_certificate(client, world, issued):
    response = client.get(url(issued) + "?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")


def test_linkedin_link(client, issued):
    client.force_login(issued.earner)
    body = client.get(url(issued), **HTML).content.decode()
    start = body.index('id="linkedin" href="') + len('id="linkedin" href="')
    link = body[start:body.index('"', start)].replace("&amp;", "&")
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.linkedin.com/profile/add"
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert params["startTask"] == "CERTIFICATION_NAME"
    assert params["name"] == issued.credential["credentialSubject"]["achievement"]["name"]
    assert params["organizationName"] == "Issuer One"
    assert params["certUrl"] == issued.credential["id"] and params["certId"] == str(issued.pk)
    assert params["issueYear"] == issued.credential["validFrom"][:4]
    assert int(params["issueMonth"]) == int(issued.credential["validFrom"][5:7])


def test_hostile_text_is_inert(client, world, issued):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client.force_login(world["people"]["issuer_admin"])
    asked = client.post(url(issued) + "/revoke", {"reason": hostile}).content.decode()
    assert "<script>alert" not in asked and "&lt;script&gt;" in asked
    client.post(url(issued) + "/revoke", {"reason": hostile, "confirmed": "yes"})
    body = client.get(url(issued), **HTML).content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;" in body


def test_mine_lists_credentials_and_changes_visibility(client, world, issued):
    assert client.get("/credentials/mine/").status_code == 302
    client.force_login(world["people"]["earner"])
    body = client.get("/credentials/mine/").content.decode()
    assert f"/credentials/{issued.pk}" in body and issued.version.title in body
    response = client.post(f"{url(issued)}/visibility", {f"{issued.pk}-visibility": "public"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.visibility == "public"
    assert AuditEvent.objects.filter(action="credential.visibility", target_id=str(issued.pk)).exists()
    client.post(f"{url(issued)}/visibility", {f"{issued.pk}-visibility": "everyone!"})
    issued.refresh_from_db()
    assert issued.visibility == "public"


@pytest.mark.parametrize("key", ["other_earner", "issuer_admin"])
def test_only_the_earner_changes_visibility(client, world, issued, key):
    client.force_login(world["people"][key])
    assert client.post(f"{url(issued)}/visibility", {f"{issued.pk}-visibility": "private"}).status_code == 403
    issued.refresh_from_db()
    assert issued.visibility == IssuedCredential.Visibility.LINK
    assert f"/credentials/{issued.pk}" not in client.get("/credentials/mine/").content.decode()


def test_expired_credential_is_not_verified(client, world, published):
    import datetime as dt

    from django.utils import timezone

    from microcred.credentials.tests.conftest import earn

    expired = services.issue_for_attempt(earn(world, published), valid_until=timezone.now() - dt.timedelta(days=1))
    assert "validUntil" in expired.credential
    body = client.get(url(expired), **HTML).content.decode()
    assert "Not verified" in body and "expired" in body


def test_linkedin_button_only_for_the_earner_and_only_while_valid(client, world, issued):
    from microcred.credentials import services

    assert 'id="linkedin"' not in client.get(url(issued), **HTML).content.decode()  # a visitor
    client.force_login(world["people"]["other_earner"])
    assert 'id="linkedin"' not in client.get(url(issued), **HTML).content.decode()
    client.force_login(world["people"]["issuer_admin"])
    assert 'id="linkedin"' not in client.get(url(issued), **HTML).content.decode()
    services.revoke(issued, by=world["people"]["issuer_admin"], reason="Evidence was not their own")
    client.force_login(issued.earner)
    assert 'id="linkedin"' not in client.get(url(issued), **HTML).content.decode()  # revoked: no longer valid


def test_pdf_certificate_in_the_readers_language(client, world, issued, monkeypatch):
    """Issue 15: the PDF certificate in Spanish for a Spanish reader (its words and dates; the credential as signed)."""
    from fpdf import FPDF

    from microcred.credentials import presentation

    printed = []

    class Recording(FPDF):
        def cell(self, w=None, h=None, text="", *args, **kwargs):
            printed.append(text)
            return super().cell(w, h, text, *args, **kwargs)

        def multi_cell(self, w, h=None, text="", *args, **kwargs):
            printed.append(text)
            return super().multi_cell(w, h, text, *args, **kwargs)

    monkeypatch.setattr(presentation, "FPDF", Recording)
    response = client.get(url(issued) + "?format=pdf", HTTP_ACCEPT_LANGUAGE="es")
    assert response.content.startswith(b"%PDF")
    text = "\n".join(printed)
    assert "Certificado de microcredencial" in text or "microcredencial" in text.lower()
    assert " de 20" in text  # a Spanish date ("5 de diciembre de 2026")
    assert issued.credential["id"] in text
    printed.clear()
    client.get(url(issued) + "?format=pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert "Micro-credential certificate" in "\n".join(printed)
