"""Sign-in through a real OpenID Connect provider (the oidc-provider package): discovery, login, just-in-time
accounts, logout, and every refusal (tampered, expired, wrong audience, wrong state or nonce, provider down)."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from microcred.accounts import services as accounts
from microcred.accounts.models import Membership, PersonSourcedId, User
from microcred.core.models import AuditEvent
from microcred.sso import oidc
from microcred.sso import services as sso
from microcred.sso.errors import SsoError
from microcred.sso.models import IdentityProvider, SsoIdentity

from .conftest import message, oidc_sign_in, rostered

pytestmark = pytest.mark.django_db


def test_discovery_reads_the_real_provider(google, oidc_idp):
    metadata = oidc.discover(google.issuer)
    assert metadata["issuer"] == oidc_idp.issuer
    assert "S256" in metadata["code_challenge_methods_supported"]
    assert metadata["end_session_endpoint"].startswith(oidc_idp.issuer)


def test_login_start_sends_pkce_state_and_nonce(client, google, oidc_idp):
    response = client.get("/sso/cv-google/login/")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(oidc_idp.issuer + "/auth")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0] and query["client_id"] == ["microcred-cv"]
    assert query["redirect_uri"] == ["http://testserver/sso/cv-google/callback/"]


def test_new_teacher_gets_an_earner_account(client, google, district):
    response, _ = oidc_sign_in(client, google, "g-1004", next_url="/accounts/profile/")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    user = User.objects.get(email="dee.new@cvsd.example")
    assert (user.first_name, user.last_name) == ("Dee", "New") and not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list("organization__slug", "role")) == [("cumberland-valley", "earner")]
    assert SsoIdentity.objects.get(provider=google, subject="g-1004").user == user
    assert int(client.session["_auth_user_id"]) == user.pk
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"sso.account_created", "sso.identity_linked", "sso.signed_in", "membership.granted"} <= actions
    # the second time: the same account, through its identity
    client.logout()
    oidc_sign_in(client, google, "g-1004")
    assert User.objects.filter(email="dee.new@cvsd.example").count() == 1


def test_rostered_teacher_is_matched_by_sourced_id(client, google, district):
    ben = rostered(district["district"], "ben_r", "ben.other.address@cvsd.example", "t-1002")
    response, _ = oidc_sign_in(client, google, "g-1002")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == ben.pk
    assert AuditEvent.objects.filter(action="sso.identity_linked", data__how="sourced_id").exists()


def test_existing_account_is_matched_by_verified_email(client, google, district):
    cy = User.objects.create_user(username="cy", email="Cy.EmailMatch@cvsd.example")
    accounts.grant_role(user=cy, organization=district["district"], role="earner")
    oidc_sign_in(client, google, "g-1003")
    assert int(client.session["_auth_user_id"]) == cy.pk
    assert PersonSourcedId.objects.filter(user=cy).count() == 0


def test_school_teacher_under_the_district_is_matched(client, google, district):
    from microcred.accounts.models import Organization

    school = Organization.objects.create(name="CV Middle School", slug="cv-middle", kind="school", parent=district["district"])
    cy = User.objects.create_user(username="cy", email="cy.emailmatch@cvsd.example")
    accounts.grant_role(user=cy, organization=school, role="earner")
    oidc_sign_in(client, google, "g-1003")
    assert int(client.session["_auth_user_id"]) == cy.pk


def test_staff_account_is_never_linked_by_email(client, google, district):
    admin = User.objects.create_user(username="boss", email="admin.person@cvsd.example", is_staff=True)
    response, _ = oidc_sign_in(client, google, "g-1005")
    assert response.status_code == 400 and "administrator or assessor rights" in message(response)
    assert "_auth_user_id" not in client.session
    assert not SsoIdentity.objects.filter(user=admin).exists()
    assert AuditEvent.objects.filter(action="sso.sign_in_refused", data__reason="staff").exists()


def test_assessor_account_is_never_linked_by_email(client, google, district):
    person = User.objects.create_user(username="assessing", email="admin.person@cvsd.example")
    accounts.grant_role(user=person, organization=district["district"], role="assessor")
    response, _ = oidc_sign_in(client, google, "g-1005")
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_account_of_another_organization_is_not_linked(client, google, district):
    gus = User.objects.create_user(username="gus", email="gus.other@cvsd.example")
    accounts.grant_role(user=gus, organization=district["other"], role="earner")
    response, _ = oidc_sign_in(client, google, "g-1008")
    assert response.status_code == 400 and "another organization" in message(response)
    assert "_auth_user_id" not in client.session


def test_email_outside_the_domains_makes_no_account(client, google):
    response, _ = oidc_sign_in(client, google, "g-1006")
    assert response.status_code == 400 and not User.objects.filter(email="eve@elsewhere.example").exists()


def test_unverified_email_matches_nobody_and_makes_no_account(client, google, district):
    fay = User.objects.create_user(username="fay", email="fay.unverified@cvsd.example")
    accounts.grant_role(user=fay, organization=district["district"], role="earner")
    response, _ = oidc_sign_in(client, google, "g-1007")
    assert response.status_code == 400 and "no verified e-mail" in message(response)
    assert "_auth_user_id" not in client.session


def test_deactivated_account_is_refused(client, google, district):
    hal = User.objects.create_user(username="hal", email="hal.gone@cvsd.example", is_active=False)
    accounts.grant_role(user=hal, organization=district["district"], role="earner")
    response, _ = oidc_sign_in(client, google, "g-1009")
    assert response.status_code == 400 and "deactivated" in message(response)
    assert "_auth_user_id" not in client.session


def test_two_factor_account_still_gives_its_code(client, google, district):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    ada = rostered(district["district"], "ada", "ada.teacher@cvsd.example", "t-1001")
    TOTPDevice.objects.create(user=ada, name="default", confirmed=True)
    response, _ = oidc_sign_in(client, google, "g-1001")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    assert "_auth_user_id" not in client.session
    assert client.session["microcred_2fa_pending"]["user"] == ada.pk


def test_logout_ends_the_session_here_and_at_the_provider(client, google, oidc_idp):
    oidc_sign_in(client, google, "g-1004")
    response = client.post("/sso/logout/")
    assert response.status_code == 200
    import html
    import re

    link = html.unescape(re.search(r'href="(http://127[^"]+)"', response.content.decode()).group(1))
    target = urlsplit(link)
    assert f"{target.scheme}://{target.netloc}{target.path}" == oidc_idp.issuer + "/session/end"
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/"] and query["id_token_hint"][0]
    assert "_auth_user_id" not in client.session
    # the provider accepts the request (its confirmation page)
    assert requests.get(link, timeout=10).status_code == 200


def test_wrong_state_is_refused(client, google):
    start = client.get("/sso/cv-google/login/")
    from tests.idp.servers import drive_oidc

    back = urlsplit(drive_oidc(start["Location"], login="g-1004", until="http://testserver/"))
    query = parse_qs(back.query)
    response = client.get(back.path, {"code": query["code"][0], "state": "forged-state"})
    assert response.status_code == 400 and "state does not match" in message(response)
    assert "_auth_user_id" not in client.session


def test_callback_without_a_started_sign_in_is_refused(client, google):
    response = client.get("/sso/cv-google/callback/", {"code": "x", "state": "y"})
    assert response.status_code == 400 and "not started here" in message(response)


def test_tampered_id_token_is_refused(client, google, monkeypatch):
    real = oidc.validate_id_token

    def tamper(provider, raw, **kw):
        header, payload, signature = raw.split(".")
        import base64
        import json

        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["email"] = "admin.person@cvsd.example"
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        return real(provider, f"{header}.{forged}.{signature}", **kw)

    monkeypatch.setattr(oidc, "validate_id_token", tamper)
    response, _ = oidc_sign_in(client, google, "g-1004")
    assert response.status_code == 400 and "signature check" in message(response)
    assert not User.objects.filter(email="dee.new@cvsd.example").exists()


def test_expired_id_token_is_refused(client, google, monkeypatch):
    monkeypatch.setattr(oidc, "now", lambda: time.time() + 2 * 3600)
    response, _ = oidc_sign_in(client, google, "g-1004")
    assert response.status_code == 400 and "expired" in message(response)
    assert "_auth_user_id" not in client.session


def test_wrong_nonce_is_refused(client, google, monkeypatch):
    real = oidc.validate_id_token
    monkeypatch.setattr(oidc, "validate_id_token", lambda provider, raw, nonce, **kw: real(provider, raw, nonce="another", **kw))
    response, _ = oidc_sign_in(client, google, "g-1004")
    assert response.status_code == 400 and "nonce" in message(response)


def test_token_for_another_client_is_refused(client, google, oidc_idp, district, org_admin):
    """An ID token the provider made for another application (its audience) is not accepted by microcred's."""
    other = sso.save_provider(by=org_admin, provider=IdentityProvider(
        organization=district["district"], slug="cv-other", name="Other app", protocol="oidc", issuer=oidc_idp.issuer,
        client_id="other-app", enabled=True, email_domains="cvsd.example"), secret="other-secret")
    start = client.get("/sso/cv-other/login/")
    from tests.idp.servers import drive_oidc

    back = urlsplit(drive_oidc(start["Location"], login="g-1004", until="http://testserver/"))
    flow = client.session["microcred_sso_flow"]
    claims, raw = oidc.finish(other, client_secret="other-secret", flow=flow, params={k: v[0] for k, v in parse_qs(back.query).items()})
    with pytest.raises(SsoError, match="another application"):
        oidc.validate_id_token(google, raw, nonce=flow["nonce"])


def test_provider_down_is_a_clear_page(client, google, oidc_idp):
    google.issuer = "http://127.0.0.1:9"  # nothing listens there
    google.save()
    response = client.get("/sso/cv-google/login/")
    assert response.status_code == 502 and "did not answer" in message(response)


def test_disabled_provider_is_not_offered(client, google, org_admin):
    sso.set_enabled(by=org_admin, provider=google, enabled=False)
    assert client.get("/sso/cv-google/login/").status_code == 404
    assert "Google Workspace" not in client.get("/accounts/login/?org=cumberland-valley").content.decode()


def test_login_page_offers_the_organizations_sign_in(client, google):
    page = client.get("/accounts/login/?org=cumberland-valley").content.decode()
    assert "Sign in with Google Workspace" in page and "/sso/cv-google/login/" in page
    found = client.get("/sso/", {"email": "someone@cvsd.example", "next": "/earn/"})
    assert found.status_code == 200 and "/sso/cv-google/login/?next=/earn/" in found.content.decode()
    assert "No organization" in client.get("/sso/", {"email": "x@nowhere.example"}).content.decode()


def test_linked_account_that_became_platform_staff_is_refused(client, google, district):
    oidc_sign_in(client, google, "g-1004")
    client.logout()
    User.objects.filter(email="dee.new@cvsd.example").update(is_staff=True)
    response, _ = oidc_sign_in(client, google, "g-1004")
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_hostile_input_is_a_clear_page_never_a_500(client, google):
    client.get("/sso/cv-google/login/")
    state = client.session["microcred_sso_flow"]["state"]
    response = client.get("/sso/cv-google/callback/", {"error": "<script>alert(1)</script>", "state": state})
    body = response.content.decode()
    assert response.status_code == 400 and "<script>alert(1)" not in body and "&lt;script&gt;" in body
    client.get("/sso/cv-google/login/")
    state = client.session["microcred_sso_flow"]["state"]
    response = client.get("/sso/cv-google/callback/", {"code": "=cmd|' /C calc'!A0" * 500, "state": state})
    assert response.status_code == 400 and "refused" in message(response)
    found = client.get("/sso/", {"email": "x" * 5000 + "@cvsd.example"})
    assert found.status_code == 200 and "Sign in with Google" not in found.content.decode()
    response = client.generic("POST", "/sso/cv-google/callback/", b"\xff\xfe\xfa", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 405


def test_unsigned_and_hmac_tokens_are_refused(google, oidc_idp):
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    claims = {"iss": oidc_idp.issuer, "sub": "g-1005", "aud": "microcred-cv", "exp": int(time.time()) + 600,
              "iat": int(time.time()), "nonce": "n", "email": "admin.person@cvsd.example", "email_verified": True}
    body = b64(json.dumps(claims).encode())
    none_token = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode()) + "." + body + "."
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signature = b64(hmac.new(b"cv-secret-123", f"{head}.{body}".encode(), hashlib.sha256).digest())
    for forged in (none_token, f"{head}.{body}.{signature}"):
        with pytest.raises(SsoError, match="signature check"):
            oidc.validate_id_token(google, forged, nonce="n")
