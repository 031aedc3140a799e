"""Sign-in through a real SAML 2.0 identity provider (pysaml2's Server, in a thread): metadata, login, JIT, and
refusals: unsigned, tampered, replayed, expired, unsolicited."""
from __future__ import annotations

import calendar
import time
from urllib.parse import urlsplit

import pytest

from microcred.accounts.models import Membership, User
from microcred.core.models import AuditEvent
from microcred.sso.models import SsoIdentity, UsedSamlAssertion
from tests.idp.servers import drive_saml

from .conftest import message, rostered, saml_sign_in

pytestmark = pytest.mark.django_db


def test_sp_metadata_names_the_acs(client, state_saml):
    response = client.get("/sso/cv-state/saml/metadata/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/samlmetadata+xml")
    body = response.content.decode()
    assert "http://localhost:8000/sso/cv-state/saml/acs/" in body and "HTTP-POST" in body


def test_login_start_sends_an_authn_request_to_the_idp(client, state_saml, saml_idp):
    response = client.get("/sso/cv-state/login/")
    assert response.status_code == 302 and response["Location"].startswith(saml_idp.base + "/sso/redirect?SAMLRequest=")


def test_rostered_teacher_signs_in_by_sourced_id(client, state_saml, district):
    ada = rostered(district["district"], "ada", "ada.old@cvsd.example", "t-1001")
    response, _ = saml_sign_in(client, state_saml, "s-2001")
    assert response.status_code == 302, message(response)[:2000]
    assert int(client.session["_auth_user_id"]) == ada.pk
    assert SsoIdentity.objects.get(provider=state_saml).subject == "s-2001"
    assert UsedSamlAssertion.objects.count() == 1


def test_new_teacher_gets_an_account(client, state_saml):
    response, _ = saml_sign_in(client, state_saml, "s-2002")
    assert response.status_code == 302
    user = User.objects.get(email="saml.new@cvsd.example")
    assert (user.first_name, user.last_name) == ("Sam", "New")
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == ["earner"]


def test_old_response_in_a_new_sign_in_is_refused(client, state_saml, saml_idp):
    """A response captured from an earlier sign-in, posted into a new one: it answers another request."""
    saml_sign_in(client, state_saml, "s-2002")
    captured = saml_idp.last_response
    client.logout()
    assert client.get("/sso/cv-state/login/").status_code == 302
    used = UsedSamlAssertion.objects.count()
    response = client.post("/sso/cv-state/saml/acs/", {"SAMLResponse": captured})
    assert response.status_code == 400 and "_auth_user_id" not in client.session
    assert UsedSamlAssertion.objects.count() == used


def test_same_assertion_twice_is_refused_even_with_its_request(client, state_saml, saml_idp):
    """Post the very same response twice for the request it answers: the second is a replay."""
    start = client.get("/sso/cv-state/login/")
    action, fields = drive_saml(start["Location"], login="s-2002")
    flow = dict(client.session["microcred_sso_flow"])
    assert client.post(urlsplit(action).path, fields).status_code == 302
    client.logout()
    session = client.session
    session["microcred_sso_flow"] = flow | {"at": int(time.time())}
    session.save()
    response = client.post(urlsplit(action).path, fields)
    assert response.status_code == 400 and "already used" in message(response)
    assert AuditEvent.objects.filter(action="sso.sign_in_refused", data__reason="replay").exists()


def test_unsigned_response_is_refused(client, state_saml, saml_idp):
    saml_idp.mode = "unsigned"
    response, _ = saml_sign_in(client, state_saml, "s-2002")
    assert response.status_code == 400 and "refused" in message(response)
    assert not User.objects.filter(email="saml.new@cvsd.example").exists()


def test_tampered_response_is_refused(client, state_saml, saml_idp):
    saml_idp.mode = "tampered"
    response, _ = saml_sign_in(client, state_saml, "s-2002")
    assert response.status_code == 400 and "refused" in message(response)
    assert not User.objects.filter(email__contains="new@cvsd.example").exists()


def test_expired_response_is_refused(client, state_saml, monkeypatch):
    import saml2.validate

    start = client.get("/sso/cv-state/login/")
    action, fields = drive_saml(start["Location"], login="s-2002")
    later = calendar.timegm(time.gmtime()) + 3 * 3600
    monkeypatch.setattr(saml2.validate.time_util, "utc_now", lambda: later)
    monkeypatch.setattr(saml2.time_util, "utc_now", lambda: later)
    response = client.post(urlsplit(action).path, fields)
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_unsolicited_response_is_refused(client, state_saml):
    """A response to a request this browser never made (an IdP-initiated or stolen one)."""
    other = client.__class__()
    start = other.get("/sso/cv-state/login/")
    action, fields = drive_saml(start["Location"], login="s-2002")
    client.get("/sso/cv-state/login/")  # this browser started its own sign-in
    response = client.post(urlsplit(action).path, fields)
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_garbage_is_a_clear_page(client, state_saml):
    client.get("/sso/cv-state/login/")
    for junk in ("", "not base64 at all <script>", "PD94bWwgdmVyc2lvbj0iMS4wIj8+PGE+PC9hPg=="):
        response = client.post("/sso/cv-state/saml/acs/", {"SAMLResponse": junk})
        assert response.status_code == 400
        client.get("/sso/cv-state/login/")


def test_cross_site_post_without_the_session_cookie_is_posted_again_from_here(client, state_saml):
    """Browsers leave out the (SameSite=Lax) session cookie on the IdP's cross-site POST: the page posts it again."""
    start = client.get("/sso/cv-state/login/")
    action, fields = drive_saml(start["Location"], login="s-2002")
    stranger = client.__class__()  # no session cookie, like the cross-site POST
    page = stranger.post(urlsplit(action).path, fields)
    assert page.status_code == 200 and 'name="same_site" value="1"' in page.content.decode()
    assert not User.objects.filter(email="saml.new@cvsd.example").exists()
    # posted again with the cookie (same site): signed in
    response = client.post(urlsplit(action).path, fields | {"same_site": "1"})
    assert response.status_code == 302 and User.objects.filter(email="saml.new@cvsd.example").exists()


def test_non_utf8_body_is_a_clear_page(client, state_saml):
    client.get("/sso/cv-state/login/")
    response = client.generic("POST", "/sso/cv-state/saml/acs/", b"SAMLResponse=\xff\xfe%ZZ\xfa&same_site=1",
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_idp_metadata_address_down_is_a_clear_page(client, state_saml):
    state_saml.idp_metadata_xml = ""
    state_saml.idp_metadata_url = "http://127.0.0.1:9/metadata"
    state_saml.save()
    response = client.get("/sso/cv-state/login/")
    assert response.status_code == 502 and "could not be fetched" in message(response)


def test_login_starts_are_rate_limited(client, state_saml, monkeypatch):
    from types import SimpleNamespace

    from django.utils import timezone

    from microcred.core import ratelimit

    # The limit counts in fixed one-minute windows: requests that straddle the turn of a minute would be counted in
    # two windows and never reach 30 in either. The limiter's clock stays inside one window for this test.
    instant = timezone.now().replace(second=5, microsecond=0)
    monkeypatch.setattr(ratelimit, "timezone", SimpleNamespace(now=lambda: instant))
    codes = [client.get("/sso/cv-state/login/").status_code for _ in range(32)]
    assert codes[0] == 302 and codes[-1] == 429
