"""LTI 1.3 tool: full launches against a simulated LMS platform (real key pairs, signed JWTs, a real HTTP server for
its keys, token and grade endpoints), Deep Linking, grades, the refusals, and platform registration."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from microcred.core.models import AuditEvent
from microcred.interop import keys
from microcred.interop.lti import messages as m
from microcred.interop.lti import services
from microcred.interop.models import IntegrationKey, LtiGradeLink, LtiIdentity, LtiPlatform

from .lti_platform import SimulatedPlatform

LAUNCH = f"{settings.SITE_URL}/lti/launch"


@pytest.fixture(autouse=True)
def _fresh_caches():
    services._jwks_cache.clear()
    services._token_cache.clear()


@pytest.fixture
def sim():
    platform = SimulatedPlatform()
    yield platform
    platform.stop()


@pytest.fixture
def tool_key(world):
    return keys.rotate_key(purpose=IntegrationKey.Purpose.LTI, by=world["people"]["platform_admin"])


@pytest.fixture
def platform(world, sim, tool_key, client):
    registered = services.save_platform(by=world["people"]["platform_admin"], platform=LtiPlatform(
        name="Rural Canvas", issuer=sim.issuer, client_id=sim.client_id, deployment_ids=f"{sim.deployment_id}\nother-dep",
        jwks_url=sim.url("/jwks"), auth_login_url=sim.url("/auth"), access_token_url=sim.url("/token"),
        organization=world["orgs"]["district"]))
    sim.tool_jwks = client.get("/lti/jwks").json()  # what the platform fetched when microcred was registered there
    return registered


def login(client, sim):
    response = client.get("/lti/login", {"iss": sim.issuer, "login_hint": "u42", "target_link_uri": LAUNCH,
                                         "client_id": sim.client_id, "lti_message_hint": "resource-1"})
    assert response.status_code == 302, response.content[:300]
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == sim.url("/auth")
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert params["redirect_uri"] == LAUNCH and params["client_id"] == sim.client_id
    assert params["response_type"] == "id_token" and params["response_mode"] == "form_post" and params["scope"] == "openid"
    assert params["prompt"] == "none" and params["login_hint"] == "u42" and params["lti_message_hint"] == "resource-1"
    cookie = response.cookies["microcred_lti_state"]
    assert cookie.value == params["state"] and cookie["samesite"] == "None" and cookie["secure"] and cookie["httponly"]
    return params


def launch(client, sim, **claims):
    params = login(client, sim)
    token = sim.id_token(nonce=params["nonce"], **claims)
    return client.post("/lti/launch", {"id_token": token, "state": params["state"]}), params, token


def signed_in(client):
    return "_auth_user_id" in client.session


# --- the tool's published documents --------------------------------------------------------------------------------

def test_jwks_is_the_integration_key_set_and_config_names_the_endpoints(client, tool_key):
    response = client.get("/lti/jwks")
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=300"
    assert response.json() == client.get("/interop/jwks.json").json()
    assert response.json()["keys"][0]["kid"] == tool_key.kid and "d" not in response.json()["keys"][0]
    config = client.get("/lti/config.json").json()
    assert config["initiate_login_uri"] == f"{settings.SITE_URL}/lti/login"
    assert config["redirect_uris"] == [LAUNCH] and config["jwks_uri"] == f"{settings.SITE_URL}/lti/jwks"
    assert m.SCOPE_SCORE in config["scope"] and m.SCOPE_NRPS in config["scope"]
    messages = config["https://purl.imsglobal.org/spec/lti-tool-configuration"]["messages"]
    assert {msg["type"] for msg in messages} == {m.DEEP_LINKING_REQUEST, m.RESOURCE_LINK_REQUEST}
    assert client.post("/lti/jwks").status_code == 405 and client.post("/lti/config.json").status_code == 405


# --- a full resource launch, then grades ---------------------------------------------------------------------------

def test_launch_signs_a_new_teacher_in_as_an_earner_and_frames_only_for_the_platform(client, sim, platform, published, world):
    response, *_ = launch(client, sim, custom={"microcred_mc": published.micro_credential.slug}, ags=sim.ags())
    assert response.status_code == 200, response.content[:500]
    assert published.title in response.content.decode()
    identity = LtiIdentity.objects.get(platform=platform, subject="lms-user-42")
    assert identity.user.email == "new.teacher@rural.example" and not identity.user.has_usable_password()
    assert identity.user.memberships.get().organization == world["orgs"]["district"]
    assert identity.user.memberships.get().role == "earner"
    assert signed_in(client) and int(client.session["_auth_user_id"]) == identity.user.pk
    csp = response["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {sim.issuer}" in csp and "X-Frame-Options" not in response
    assert response.cookies[settings.SESSION_COOKIE_NAME]["samesite"] == "None"
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"]
    assert LtiGradeLink.objects.get().lineitem == sim.url("/lineitems/1")
    # Other pages keep the site's headers.
    home = client.get("/")
    assert "frame-ancestors 'none'" in home["Content-Security-Policy"] and home["X-Frame-Options"] == "DENY"


def test_launch_opened_in_a_window_goes_straight_to_the_mc(client, sim, platform, published):
    response, *_ = launch(client, sim, custom={"microcred_mc": published.micro_credential.slug},
                          presentation={"document_target": "window"})
    assert response.status_code == 302 and response["Location"] == f"/catalog/mc/{published.micro_credential.slug}/"


def test_an_existing_earner_is_matched_by_email_and_scores_reach_the_platform(client, sim, platform, published, world,
                                                                              django_capture_on_commit_callbacks):
    from microcred.credentials.tests.conftest import earn

    earner = world["people"]["earner"]
    response, *_ = launch(client, sim, email=earner.email, custom={"microcred_mc": published.micro_credential.slug},
                          ags=sim.ags())
    assert response.status_code == 200
    assert LtiIdentity.objects.get().user == earner
    with django_capture_on_commit_callbacks(execute=True):
        earn(world, published)
    assert len(sim.token_requests) == 1  # the token is reused for the second score
    assert sim.token_requests[0]["scope"] == m.SCOPE_SCORE
    assert [s["path"] for s in sim.scores] == ["/lineitems/1/scores"] * 2
    assert all(s["content_type"] == m.SCORE_MEDIA_TYPE for s in sim.scores)
    submitted, earned = (s["body"] for s in sim.scores)
    assert submitted["gradingProgress"] == "PendingManual" and submitted["userId"] == "lms-user-42"
    assert earned == {**earned, "scoreGiven": 1, "scoreMaximum": 1, "gradingProgress": "FullyGraded",
                      "activityProgress": "Completed"}
    link = LtiGradeLink.objects.get()
    assert link.last_result.startswith("sent") and AuditEvent.objects.filter(action="lti.score_posted").count() == 2


def test_a_platform_that_refuses_the_score_is_recorded_not_raised(client, sim, platform, published, world):
    response, *_ = launch(client, sim, email=world["people"]["earner"].email,
                          custom={"microcred_mc": published.micro_credential.slug}, ags=sim.ags())
    assert response.status_code == 200
    sim.tool_jwks = {"keys": []}  # the platform no longer trusts the tool's key: its token endpoint says 401
    from microcred.earning import services as earning

    attempt = earning.start_attempt(earner=world["people"]["earner"], micro_credential=published.micro_credential)
    assert services.post_scores(attempt_id=attempt.pk, earned=False) == ["failed: HTTP 401 from 127.0.0.1"]
    assert sim.scores == []


# --- Deep Linking ------------------------------------------------------------------------------------------------

def test_deep_linking_picker_returns_a_signed_response_to_the_platform(client, sim, platform, published, tool_key):
    response, *_ = launch(client, sim, message_type=m.DEEP_LINKING_REQUEST)
    assert response.status_code == 200
    page = response.content.decode()
    assert published.title in page and 'name="ticket"' in page
    ticket = response.context["ticket"]
    slug = published.micro_credential.slug
    answer = client.post("/lti/deep-link", {"ticket": ticket, "item": f"mc:{slug}"})
    assert answer.status_code == 200
    assert answer.context["return_url"] == sim.url("/deep_link_return")
    assert f'action="{sim.url("/deep_link_return")}"' in answer.content.decode()
    assert f"form-action 'self' {sim.issuer}" in answer["Content-Security-Policy"]
    token = answer.context["jwt"]
    assert jwt.get_unverified_header(token)["kid"] == tool_key.kid
    public = m.key_for(client.get("/lti/jwks").json(), tool_key.kid)
    claims = jwt.decode(token, public, algorithms=["RS256"], audience=sim.issuer, issuer=sim.client_id)
    assert claims[m.MESSAGE_TYPE] == m.DEEP_LINKING_RESPONSE and claims[m.VERSION] == "1.3.0"
    assert claims[m.DEPLOYMENT_ID] == sim.deployment_id and claims[m.DL_DATA] == "opaque-platform-data"
    (item,) = claims[m.DL_CONTENT_ITEMS]
    assert item["type"] == "ltiResourceLink" and item["url"] == LAUNCH and item["custom"] == {"microcred_mc": slug}
    assert item["title"] == published.title and item["lineItem"]["scoreMaximum"] == 1


def test_deep_linking_refuses_learners_forged_tickets_and_empty_choices(client, sim, platform, published):
    response, *_ = launch(client, sim, message_type=m.DEEP_LINKING_REQUEST,
                          roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"])
    assert response.status_code == 403 and "teachers" in response.content.decode()
    assert client.post("/lti/deep-link", {"ticket": "forged:ticket", "item": "mc:x"}).status_code == 400
    response, *_ = launch(client, sim, message_type=m.DEEP_LINKING_REQUEST)
    ticket = response.context["ticket"]
    for item in ("", "mc:no-such-mc", "stack:<script>", "x" * 5000):
        again = client.post("/lti/deep-link", {"ticket": ticket, "item": item})
        assert again.status_code == 400 and "Choose one" in again.content.decode()


# --- refusals ----------------------------------------------------------------------------------------------------

def _refused(response, client, reason):
    assert response.status_code == 400, response.content[:300]
    assert not signed_in(client) and not LtiIdentity.objects.exists()
    assert AuditEvent.objects.filter(action="lti.launch_refused", data__reason=reason).exists() or reason is None


def test_a_bad_signature_is_refused(client, sim, platform):
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response, *_ = launch(client, sim, key=impostor)
    _refused(response, client, "signature")


@pytest.mark.parametrize("claims, reason", [
    ({"aud": "someone-else"}, "audience"),
    ({"deployment": "unknown-deployment"}, "deployment"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000}, "expired"),
    ({"iss": "https://other-lms.example"}, "issuer"),
    ({"nonce": "not-the-one-we-sent"}, "nonce"),
])
def test_wrong_claims_are_refused(client, sim, platform, claims, reason):
    params = login(client, sim)
    token = sim.id_token(**{"nonce": params["nonce"], **claims})
    _refused(client.post("/lti/launch", {"id_token": token, "state": params["state"]}), client, reason)


def test_a_replayed_launch_is_refused(client, sim, platform):
    response, params, token = launch(client, sim)
    assert response.status_code == 200
    client.logout()
    client.cookies["microcred_lti_state"] = params["state"]
    again = client.post("/lti/launch", {"id_token": token, "state": params["state"]})
    assert again.status_code == 400 and not signed_in(client)
    assert AuditEvent.objects.filter(action="lti.launch_refused", data__reason="replay").exists()


def test_a_missing_or_foreign_state_is_refused(client, sim, platform):
    params = login(client, sim)
    token = sim.id_token(nonce=params["nonce"])
    _refused(client.post("/lti/launch", {"id_token": token}), client, None)
    del client.cookies["microcred_lti_state"]  # another browser: the platform's answer without this one's cookie
    _refused(client.post("/lti/launch", {"id_token": token, "state": params["state"]}), client, None)


@pytest.mark.parametrize("body", [{}, {"id_token": "not.a.jwt", "state": "x"}, {"id_token": "a" * 100_000, "state": "y" * 100},
                                  {"error": "login_required", "error_description": "<script>alert(1)</script>"}])
def test_malformed_launches_get_a_page_not_a_stack_trace(client, sim, platform, body):
    response = client.post("/lti/launch", body)
    assert response.status_code == 400 and b"<script>alert" not in response.content and not signed_in(client)


def test_login_from_an_unknown_or_disabled_platform_is_refused(client, sim, platform, world):
    assert client.get("/lti/login", {"iss": "https://unknown.example", "login_hint": "x"}).status_code == 400
    assert client.get("/lti/login", {"iss": sim.issuer, "login_hint": "x", "target_link_uri": "https://evil.example/"}).status_code == 400
    platform.enabled = False
    services.save_platform(by=world["people"]["platform_admin"], platform=platform)
    assert client.get("/lti/login", {"iss": sim.issuer, "login_hint": "x"}).status_code == 400


def test_staff_and_other_organizations_accounts_are_not_taken_over(client, sim, platform, world):
    response, *_ = launch(client, sim, email=world["people"]["platform_admin"].email)
    assert response.status_code == 400 and not signed_in(client)
    response, *_ = launch(client, sim, sub="lms-user-43", email=world["people"]["other_earner"].email)
    assert response.status_code == 400 and not signed_in(client)
    assert not LtiIdentity.objects.exists()


def test_a_platform_key_rotation_is_picked_up(client, sim, platform):
    assert launch(client, sim)[0].status_code == 200  # the platform's key set is now cached
    client.logout()
    sim.key, sim.kid = rsa.generate_private_key(public_exponent=65537, key_size=2048), "platform-key-2"
    assert launch(client, sim)[0].status_code == 200


# --- registration (platform admins) ------------------------------------------------------------------------------

FORM = {"name": "District Moodle", "issuer": "https://moodle.rural.example", "client_id": "abc123",
        "deployment_ids": "1\n2", "jwks_url": "https://moodle.rural.example/mod/lti/certs.php",
        "auth_login_url": "https://moodle.rural.example/mod/lti/auth.php",
        "access_token_url": "https://moodle.rural.example/mod/lti/token.php", "enabled": "on"}


def test_a_platform_admin_registers_a_platform(client, world):
    client.force_login(world["people"]["platform_admin"])
    page = client.get("/lti/platforms/")
    assert page.status_code == 200 and f"{settings.SITE_URL}/lti/login" in page.content.decode()
    response = client.post("/lti/platforms/new/", {**FORM, "organization": world["orgs"]["district"].pk})
    assert response.status_code == 302, response.content[:2000]
    platform = LtiPlatform.objects.get()
    assert platform.deployments == ["1", "2"] and platform.created_by == world["people"]["platform_admin"]
    assert AuditEvent.objects.filter(action="lti_platform.registered").exists()
    assert "District Moodle" in client.get("/lti/platforms/").content.decode()


@pytest.mark.parametrize("change, field", [({"jwks_url": "http://moodle.rural.example/certs"}, "jwks_url"),
                                            ({"deployment_ids": "  \n "}, "deployment_ids"),
                                            ({"issuer": "javascript:alert(1)"}, "issuer"),
                                            ({"name": "x" * 500}, "name")])
def test_bad_registrations_are_refused_with_the_form_kept(client, world, settings, change, field):
    settings.MICROCRED_LTI_ALLOW_HTTP = False
    client.force_login(world["people"]["platform_admin"])
    response = client.post("/lti/platforms/new/", {**FORM, "organization": world["orgs"]["district"].pk, **change})
    assert response.status_code == 400 and response.context["form"].errors.get(field)
    assert not LtiPlatform.objects.exists()


@pytest.mark.parametrize("who", ["earner", "issuer_admin", "author", "recognizer"])
def test_only_platform_admins_see_and_register_platforms(client, world, who):
    client.force_login(world["people"][who])
    assert client.get("/lti/platforms/").status_code == 404
    assert client.post("/lti/platforms/new/", {**FORM, "organization": world["orgs"]["district"].pk}).status_code == 404
    assert not LtiPlatform.objects.exists()


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/lti/platforms/").status_code == 302


def test_platforms_page_queries_do_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world["people"]["platform_admin"])
    for n in range(8):
        LtiPlatform.objects.create(name=f"LMS {n}", issuer=f"https://lms{n}.example", client_id="c", deployment_ids="1",
                                   jwks_url="https://x.example/j", auth_login_url="https://x.example/a",
                                   organization=world["orgs"]["district"])
    with django_assert_max_num_queries(20):
        assert client.get("/lti/platforms/").status_code == 200


def test_the_admin_site_saves_through_the_service(client, world):
    admin = world["people"]["platform_admin"]
    admin.is_staff = True
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get("/admin/interop/ltiplatform/").status_code in (200, 302)
