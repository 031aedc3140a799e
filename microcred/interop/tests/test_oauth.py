"""The authorization server: registration as OB 3.0 profiles RFC 7591, consent, PKCE S256, scopes, revocation."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from microcred.core.models import AuditEvent
from microcred.interop import ob3
from microcred.interop.models import ClientRegistration

from .helpers import (ALL_SCOPES, REDIRECT, authorize_query, basic, bearer, form_fields, get_tokens, metadata, pkce,
                      query_of, register)

pytestmark = pytest.mark.django_db


# --- registration ---------------------------------------------------------------------------------------------

def test_registration_echoes_the_metadata_and_stores_only_a_hash_of_the_secret(client):
    answer = register(client)
    assert answer["client_id"] and answer["client_secret"] and answer["client_secret_expires_at"] == 0
    for name, value in metadata().items():
        assert answer[name] == value, name
    application = Application.objects.get(client_id=answer["client_id"])
    assert application.client_secret != answer["client_secret"]  # hashed at rest
    assert application.ob_registration.scope == ALL_SCOPES
    assert AuditEvent.objects.filter(action="ob_client.registered").count() == 1


@pytest.mark.parametrize("body, error", [
    (b"{not json", "invalid_client_metadata"),
    (b"[]", "invalid_client_metadata"),
    (b'{"client_name": "a", "client_name": "b"}', "invalid_client_metadata"),  # duplicate keys
    (json.dumps(metadata(client_uri=None)).encode(), "invalid_client_metadata"),
    (json.dumps(metadata(redirect_uris=["http://wallet.example/cb"])).encode(), "invalid_redirect_uri"),
    (json.dumps(metadata(redirect_uris=["javascript:alert(1)"])).encode(), "invalid_redirect_uri"),
    (json.dumps(metadata(redirect_uris=["https://evil.example/cb"])).encode(), "invalid_redirect_uri"),
    (json.dumps(metadata(redirect_uris=["https://wallet.example/cb#frag"])).encode(), "invalid_redirect_uri"),
    (json.dumps(metadata(redirect_uris=["https://user:pw@wallet.example/cb"])).encode(), "invalid_redirect_uri"),
    (json.dumps(metadata(redirect_uris="https://wallet.example/cb")).encode(), "invalid_redirect_uri"),
    (json.dumps(metadata(redirect_uris=[f"https://wallet.example/{i}" for i in range(6)])).encode(), "invalid_redirect_uri"),
    (json.dumps(metadata(tos_uri="https://other.example/terms")).encode(), "invalid_client_metadata"),
    (json.dumps(metadata(policy_uri="http://wallet.example/privacy")).encode(), "invalid_client_metadata"),
    (json.dumps(metadata(scope="openid email")).encode(), "invalid_client_metadata"),
    (json.dumps(metadata(token_endpoint_auth_method="none")).encode(), "invalid_client_metadata"),
    (json.dumps(metadata(grant_types=["client_credentials"])).encode(), "invalid_client_metadata"),
    (json.dumps(metadata(response_types=["token"])).encode(), "invalid_client_metadata"),
    (json.dumps(metadata(client_name="Wallet\u202e<script>")).encode(), "invalid_client_metadata"),
    (json.dumps(metadata(client_name="x" * 101)).encode(), "invalid_client_metadata"),
])
def test_bad_registrations_are_refused_with_an_rfc7591_error_and_nothing_saved(client, body, error):
    response = client.post("/oauth/register", data=body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["error"] == error and response.json()["error_description"]
    assert not Application.objects.exists() and not ClientRegistration.objects.exists()


def test_registration_limits_size_and_type(client):
    huge = json.dumps(metadata(client_name="x" * 20_000)).encode()
    assert client.post("/oauth/register", data=huge, content_type="application/json").status_code == 413
    assert client.post("/oauth/register", data={"client_name": "x"}).status_code == 400  # form-encoded
    assert client.get("/oauth/register").status_code == 405
    assert not Application.objects.exists()


def test_native_clients_may_use_a_loopback_http_redirect(client):
    answer = register(client, redirect_uris=["http://127.0.0.1:8123/cb", "http://[::1]/cb", "http://localhost/cb"])
    assert len(answer["redirect_uris"]) == 3


def test_unknown_scopes_are_dropped_but_known_ones_kept(client):
    answer = register(client, scope=f"{ob3.SCOPE_CREDENTIAL_READ} openid")
    assert answer["scope"] == ob3.SCOPE_CREDENTIAL_READ


# --- authorization and token -----------------------------------------------------------------------------------

def _consent(client, user, wallet, **kw):
    verifier, challenge = pkce()
    client.force_login(user)
    return verifier, client.get("/oauth/authorize?" + authorize_query(wallet["client_id"], challenge, **kw))


def test_consent_page_names_the_client_and_every_scope_and_needs_login(client, world, wallet):
    _, challenge = pkce()
    anonymous = client.get("/oauth/authorize?" + authorize_query(wallet["client_id"], challenge))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    _, page = _consent(client, world["people"]["earner"], wallet)
    html = page.content.decode()
    assert "Test wallet" in html and "https://wallet.example/terms" in html and "https://wallet.example/privacy" in html
    for label in ("Read your credentials", "Add credentials to your account", "Read your profile", "Change your name"):
        assert label in html


def test_denying_sends_access_denied_back_and_issues_nothing(client, world, wallet):
    _, page = _consent(client, world["people"]["earner"], wallet)
    fields = form_fields(page.content.decode())
    answer = client.post("/oauth/authorize", fields)  # no "allow": the earner pressed Deny
    assert answer.status_code == 302
    assert query_of(answer["Location"]) == {"error": "access_denied", "state": "st-123"} | (
        {"iss": query_of(answer["Location"])["iss"]} if "iss" in query_of(answer["Location"]) else {})
    assert not Grant.objects.exists() and not AccessToken.objects.exists()


def test_pkce_is_required_and_must_be_s256(client, world, wallet):
    _, page = _consent(client, world["people"]["earner"], wallet, method=None)  # defaults to "plain"
    assert page.status_code == 302 and query_of(page["Location"])["error"] == "invalid_request"
    _, plain = _consent(client, world["people"]["earner"], wallet, method="plain")
    assert plain.status_code == 302 and query_of(plain["Location"])["error"] == "invalid_request"
    client.force_login(world["people"]["earner"])
    missing = client.get("/oauth/authorize?response_type=code&client_id=%s&redirect_uri=%s&scope=%s&state=s"
                         % (wallet["client_id"], REDIRECT, ob3.SCOPE_CREDENTIAL_READ))
    assert missing.status_code == 302 and query_of(missing["Location"])["error"] == "invalid_request"


def test_wrong_pkce_verifier_and_reused_code_are_refused(client, world, wallet):
    verifier, page = _consent(client, world["people"]["earner"], wallet)
    fields = form_fields(page.content.decode()) | {"allow": "Authorize"}
    code = query_of(client.post("/oauth/authorize", fields)["Location"])["code"]
    client.logout()
    auth = basic(wallet["client_id"], wallet["client_secret"])
    wrong = client.post("/oauth/token", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                         "code_verifier": pkce()[0]}, HTTP_AUTHORIZATION=auth)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_code_used_once_and_only_with_the_client_secret(client, world, wallet):
    verifier, page = _consent(client, world["people"]["earner"], wallet)
    fields = form_fields(page.content.decode()) | {"allow": "Authorize"}
    code = query_of(client.post("/oauth/authorize", fields)["Location"])["code"]
    client.logout()
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    bad_secret = client.post("/oauth/token", form, HTTP_AUTHORIZATION=basic(wallet["client_id"], "nope"))
    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"
    auth = basic(wallet["client_id"], wallet["client_secret"])
    assert client.post("/oauth/token", form, HTTP_AUTHORIZATION=auth).status_code == 200
    assert client.post("/oauth/token", form, HTTP_AUTHORIZATION=auth).status_code == 400  # second use


def test_unknown_client_or_unregistered_redirect_shows_an_error_and_never_redirects(client, world, wallet):
    _, challenge = pkce()
    client.force_login(world["people"]["earner"])
    unknown = client.get("/oauth/authorize?" + authorize_query("no-such-client", challenge))
    assert unknown.status_code in (200, 400) and "cannot be connected" in unknown.content.decode()
    hostile = client.get("/oauth/authorize?" + authorize_query(wallet["client_id"], challenge,
                                                               redirect_uri="https://evil.example/steal"))
    assert hostile.status_code in (200, 400) and "cannot be connected" in hostile.content.decode()
    assert "evil.example" not in (hostile.get("Location") or "")


def test_a_client_cannot_ask_for_more_than_it_registered(client, world):
    narrow = register(client, scope=ob3.SCOPE_CREDENTIAL_READ)
    _, page = _consent(client, world["people"]["earner"], narrow, scope=ALL_SCOPES)
    assert page.status_code == 302 and query_of(page["Location"])["error"] == "invalid_scope"


def test_token_revocation_endpoint_ends_the_access_token(client, world, wallet):
    tokens = get_tokens(client, world["people"]["earner"], wallet)
    assert client.get("/ims/ob/v3p0/profile", **bearer(tokens["access_token"])).status_code == 200
    revoked = client.post("/oauth/revoke", {"token": tokens["access_token"], "token_type_hint": "access_token"},
                          HTTP_AUTHORIZATION=basic(wallet["client_id"], wallet["client_secret"]))
    assert revoked.status_code == 200
    assert client.get("/ims/ob/v3p0/profile", **bearer(tokens["access_token"])).status_code == 401


def test_expired_token_is_refused(client, world, wallet):
    tokens = get_tokens(client, world["people"]["earner"], wallet)
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = client.get("/ims/ob/v3p0/credentials", **bearer(tokens["access_token"]))
    assert response.status_code == 401 and 'error="invalid_token"' in response["WWW-Authenticate"]


def test_tokens_are_not_stored_in_clear(client, world, wallet):
    tokens = get_tokens(client, world["people"]["earner"], wallet)
    assert not AccessToken.objects.filter(token=tokens["access_token"]).exists()
    assert not RefreshToken.objects.filter(token=tokens["refresh_token"]).exists()


def test_approval_is_audited(client, world, wallet):
    get_tokens(client, world["people"]["earner"], wallet)
    event = AuditEvent.objects.get(action="ob_client.approved")
    assert event.actor == world["people"]["earner"]


def test_a_client_cannot_skip_the_consent_page(client, world, wallet):
    get_tokens(client, world["people"]["earner"], wallet)  # approved once, token still valid
    _, page = _consent(client, world["people"]["earner"], wallet)
    client.force_login(world["people"]["earner"])
    again = client.get(page.wsgi_request.get_full_path() + "&approval_prompt=auto")
    assert again.status_code == 200 and "Allow" in again.content.decode()
