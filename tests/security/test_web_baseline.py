"""Web security baseline (issue 7, item 4): CSRF on every form, no inline script under a strict CSP, secure
cookies and HSTS in production, login lockout, argon2, issuer keys encrypted at rest, `check --deploy` clean.

Evidence downloads keep their own stricter policy (``default-src 'none'; sandbox``): asserted in
microcred/earning/tests/test_uploads.py::test_owner_downloads_the_file_as_an_attachment_that_cannot_be_rendered.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_ROOTS = sorted((REPO / "microcred").glob("*/templates"))
# Endpoints that accept POST without a CSRF token, and why. Anything else that is csrf_exempt fails the test.
CSRF_EXEMPT_ALLOWED = {
    "credentials:verify": "public, stateless verifier: reads only the posted credential, never the session",
    # OAuth 2.0 endpoints called by client servers (OB 3.0 API): they authenticate the client (HTTP Basic with its
    # secret) or need no one (RFC 7591 registration), and never act on the browser's session.
    "interop:register": "RFC 7591 client registration: no session, creates only a client that an earner must approve",
    "interop:token": "OAuth token endpoint: client authenticated by its secret, the grant by code + PKCE verifier",
    "interop:revoke": "OAuth revocation (RFC 7009): client authenticated by its secret; ends that client's tokens only",
    # SAML 2.0 POST binding: the identity provider's page posts the signed response across sites, without our session
    # cookie (SameSite=Lax) or a CSRF token. The response must be signed by the organization's IdP and answer a
    # sign-in this browser started (InResponseTo kept in its session); a replayed assertion is refused.
    "sso:saml_acs": "SAML assertion consumer: signed response bound to this browser's own sign-in request, no replay",
    # LTI 1.3 (docs/lti.md): the LMS starts the login and posts the launch from its own site, and frames the picker.
    "interop:lti_login": "LTI login initiation: only sends the browser on to the registered LMS with a new state",
    "interop:lti_launch": "LTI launch: platform-signed id_token, state bound to this browser's cookie, single-use nonce",
    "interop:lti_deep_link": "LTI Deep Linking choice: a signed, expiring ticket from the verified launch",
}

# Templates whose POST form carries no CSRF token, and why.
FORMS_WITHOUT_TOKEN = {
    "microcred/sso/templates/sso/continue.html": "re-posts the IdP's signed SAML response to sso:saml_acs (above)",
    # LTI (docs/lti.md): the Deep Linking answer goes to the LMS (our token would leak to it); the picker runs in the
    # LMS's frame, where the SameSite=Lax CSRF cookie is not sent: its signed, expiring ticket is the proof instead.
    "microcred/interop/templates/interop/lti/autopost.html": "posts the signed Deep Linking JWT to the LMS",
    "microcred/interop/templates/interop/lti/picker.html": "framed by the LMS; the signed ticket replaces the token",
}


def templates():
    for root in TEMPLATE_ROOTS:
        for path in sorted(root.rglob("*.html")):
            yield path.relative_to(REPO), path.read_text(encoding="utf-8")


# --- CSRF ------------------------------------------------------------------------------------------------------

def test_every_post_form_in_the_templates_carries_a_csrf_token():
    missing = []
    for name, text in templates():
        for match in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, flags=re.S | re.I):
            opening = match.group(0)[: match.group(0).index(">") + 1]
            if (re.search(r"method\s*=\s*[\"']?post", opening, re.I) and "{% csrf_token %}" not in match.group(1)
                    and str(name) not in FORMS_WITHOUT_TOKEN):
                missing.append(f"{name}: {opening[:80]}")
    assert not missing, "POST forms without {% csrf_token %}:\n" + "\n".join(missing)
    assert sum(1 for _, text in templates() if "{% csrf_token %}" in text) > 20  # the scan really saw the forms


def test_htmx_requests_send_the_csrf_token():
    base = (REPO / "microcred/core/templates/core/base.html").read_text()
    assert "hx-headers='{\"X-CSRFToken\": \"{{ csrf_token }}\"}'" in base
    for name, text in templates():
        if re.search(r"hx-(post|put|patch|delete)=", text):
            assert '{% extends "core/base.html" %}' in text or name.name.startswith("_"), name


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else str(entry.pattern), entry.callback


def test_only_declared_views_skip_csrf():
    # DRF views are csrf_exempt at the Django level, but DRF's SessionAuthentication enforces CSRF for
    # cookie sessions itself (tested below); token-authenticated clients send no cookies to forge.
    undeclared = [name for name, callback in _named_patterns()
                  if getattr(callback, "csrf_exempt", False) and not hasattr(callback, "cls")
                  and name not in CSRF_EXEMPT_ALLOWED and not name.startswith("admin:")]
    assert not undeclared, f"csrf_exempt views without a declared reason: {undeclared}"


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_posts_without_a_token_are_refused_with_a_clear_page(csrf_client, world, published):
    slug = published.micro_credential.slug
    refused = csrf_client.post("/accounts/login/", {"username": "earner", "password": "pw-earner-123"})
    assert refused.status_code == 403 and "security check failed" in refused.content.decode()
    assert "_auth_user_id" not in csrf_client.session
    csrf_client.force_login(world["people"]["author"])
    for url, data in [("/accounts/profile/", {"state": "TN", "position": "teacher", "career_stage": "new"}),
                      (f"/earn/start/{slug}/", {}),
                      ("/catalog/author/new/", {"title": "Forged"}),
                      ("/accounts/two-factor/setup/", {}),
                      ("/credentials/import/", {}),
                      ("/accounts/logout/", {})]:
        response = csrf_client.post(url, data)
        assert response.status_code == 403, url
    assert csrf_client.get("/accounts/profile/").status_code == 200  # the forged logout did not log out


def test_the_same_posts_with_the_token_work(csrf_client, world):
    page = csrf_client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    done = csrf_client.post("/accounts/login/", {"username": "earner", "password": "pw-earner-123", "csrfmiddlewaretoken": token})
    assert done.status_code == 302 and csrf_client.get("/accounts/profile/").status_code == 200


def test_api_with_a_session_cookie_needs_the_csrf_token(csrf_client, world):
    from microcred.catalog.tests.factories import make_definition

    csrf_client.force_login(world["people"]["author"])
    body = {"owner": "issuer-one", "definition": make_definition(slug="forged")}
    refused = csrf_client.post("/api/v1/authoring/import/", body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    token = re.search(r'"X-CSRFToken": "([^"]+)"', csrf_client.get("/catalog/").content.decode()).group(1)
    created = csrf_client.post("/api/v1/authoring/import/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert created.status_code == 201


# --- Content-Security-Policy and inline script ------------------------------------------------------------------

def test_no_template_has_inline_script_or_event_handler_attributes():
    offenders = []
    for name, text in templates():
        for tag in re.findall(r"<script\b[^>]*>", text, re.I):
            if "src=" not in tag and not re.search(r'type="application/(ld\+)?json"', tag):
                offenders.append(f"{name}: inline {tag}")
        for attr in re.findall(r"<[a-z][^>]*\s(on[a-z]+)\s*=", text, re.I):
            offenders.append(f"{name}: {attr}= handler")
        if "javascript:" in text.lower():
            offenders.append(f"{name}: javascript: URL")
    assert not offenders, "\n".join(offenders)


def test_pages_carry_a_strict_content_security_policy(client, world, published):
    for url in ("/", "/catalog/", "/accounts/login/", f"/catalog/mc/{published.micro_credential.slug}/", "/no-such-page/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'", url  # no 'unsafe-inline', no 'unsafe-eval', no other origin
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        assert directives["base-uri"] == "'self'" and directives["form-action"] == "'self'"
        assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin" and "camera=()" in response["Permissions-Policy"]
    client.force_login(world["people"]["earner"])
    assert "script-src 'self'" in client.get("/earn/")["Content-Security-Policy"]


def test_htmx_keeps_working_without_eval_and_with_the_static_confirm_script(client):
    base = (REPO / "microcred/core/templates/core/base.html").read_text()
    assert '"allowEval": false' in base and "microcred/site.js" in base
    assert client.get("/static/microcred/site.js").status_code == 200
    attempt_page = (REPO / "microcred/earning/templates/earning/attempt.html").read_text()
    assert 'data-confirm="{% translate "Are you sure?" %}"' in attempt_page


# --- production settings -----------------------------------------------------------------------------------------

def production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MICROCRED_", "DJANGO_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "microcred.settings.production", "MICROCRED_SECRET_KEY": secrets.token_urlsafe(50),
                "MICROCRED_DATA_DIR": str(tmp_path), "MICROCRED_ALLOWED_HOSTS": "microcred.example.org",
                "MICROCRED_SITE_URL": "https://microcred.example.org"})
    env.update(extra)
    return env


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=REPO, env=production_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_values(tmp_path):
    script = ("import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in ("
              "'DEBUG','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','CSRF_COOKIE_HTTPONLY',"
              "'SESSION_COOKIE_SAMESITE','SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_SSL_REDIRECT',"
              "'MICROCRED_CONTENT_SECURITY_POLICY','MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES','AXES_ENABLED','PASSWORD_HASHERS')}))")
    import json

    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {script}"], cwd=REPO,
                         env=production_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    values = json.loads(out.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False and values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"] and values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert "upgrade-insecure-requests" in values["MICROCRED_CONTENT_SECURITY_POLICY"]
    assert values["MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES"] is True and values["AXES_ENABLED"] is True
    assert values["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["MICROCRED_SECRET_KEY"]
    result = subprocess.run([sys.executable, "-m", "django", "check"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "Set MICROCRED_SECRET_KEY in production." in result.stderr


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, world):
    page = client.get("/accounts/login/")
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    client.post("/accounts/login/", {"username": "earner", "password": "pw-earner-123"})
    session = client.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


# --- passwords and login lockout -------------------------------------------------------------------------------------

def test_passwords_are_stored_with_argon2(client, world, settings):
    from microcred.accounts.models import User
    from microcred.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = User.objects.create_user(username="argon", password="an-argon2-password-9")
    assert user.password.startswith("argon2$argon2id$")
    assert client.post("/accounts/login/", {"username": "argon", "password": "an-argon2-password-9"}).status_code == 302
    # An old PBKDF2 hash still logs in and is upgraded to argon2 on the way.
    from django.contrib.auth.hashers import make_password

    User.objects.filter(pk=user.pk).update(password=make_password("an-old-password-77", hasher="pbkdf2_sha256"))
    Client().post("/accounts/login/", {"username": "argon", "password": "an-old-password-77"})
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def fail(client, username="earner", **extra):
    return client.post("/accounts/login/", {"username": username, "password": "wrong-password"}, **extra)


def right(client, username="earner", **extra):
    return client.post("/accounts/login/", {"username": username, "password": f"pw-{username}-123"}, **extra)


def test_five_wrong_passwords_lock_that_username_from_that_address(axes_on, world):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        assert "correct username and password" in fail(client).content.decode()
    locked = fail(client)
    assert locked.status_code == 429 and "Too many failed log-in attempts" in locked.content.decode()
    after = right(client)  # even the right password is refused while locked
    assert after.status_code == 429 and "paused for 15 minutes" in after.content.decode()
    assert "_auth_user_id" not in client.session
    # The same person from another address, and another person from this address, are not locked.
    assert right(Client(REMOTE_ADDR="198.51.100.9")).status_code == 302
    assert right(Client(REMOTE_ADDR="203.0.113.7"), "other_earner").status_code == 302


def test_lockout_ends_after_the_cool_off_period(axes_on, world):
    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(5):
        fail(client)
    assert right(client).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert right(client).status_code == 302


def test_a_right_password_resets_the_count(axes_on, world):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(4):
        fail(client)
    assert right(client).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        fail(client)
    assert right(client).status_code == 302


def test_an_admin_unlocks_a_locked_account(axes_on, world):
    from microcred.core.models import AuditEvent

    client = Client(REMOTE_ADDR="203.0.113.10")
    for _ in range(5):
        fail(client)
    assert right(client).status_code == 429
    staff = world["people"]["platform_admin"]
    staff.is_staff = staff.is_superuser = True
    staff.save()
    admin = Client(REMOTE_ADDR="192.0.2.1")
    admin.force_login(staff)
    assert admin.get("/admin/axes/accessattempt/").status_code == 200  # the failed attempts are visible to staff
    admin.post("/admin/accounts/user/", {"action": "unlock_login", "_selected_action": [world["people"]["earner"].pk]})
    assert AuditEvent.objects.filter(action="login.unlocked", actor=staff).exists()
    assert right(client).status_code == 302


def test_wrong_two_factor_codes_count_toward_the_lockout(axes_on, world, settings):
    from .test_two_factor import enrol

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    enrol(Client(), world["people"]["assessor"])
    client = Client(REMOTE_ADDR="203.0.113.11")
    assert right(client, "assessor")["Location"] == "/accounts/login/code/"
    for _ in range(4):
        assert client.post("/accounts/login/code/", {"code": "000001"}).status_code == 400
    assert client.post("/accounts/login/code/", {"code": "000001"}).status_code == 429
    assert right(client, "assessor").status_code == 429


# --- keys at rest ------------------------------------------------------------------------------------------------------

def test_issuer_private_keys_are_encrypted_in_the_database_column(world, settings):
    import base64

    from cryptography.fernet import InvalidToken
    from django.db import connection

    from microcred.credentials import keys
    from microcred.credentials.models import IssuerKey

    keys.ensure_keys(world["orgs"]["issuer"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, encrypted_private_key FROM {IssuerKey._meta.db_table}")
        rows = cursor.fetchall()
    assert len(rows) == 2
    for pk, stored in rows:
        raw = keys._decrypt(stored)
        assert "PRIVATE KEY" not in stored and "BEGIN" not in stored
        for encoding in (raw.hex(), base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("=")):
            assert encoding not in stored
        assert stored.startswith("gAAAA")  # a Fernet token
    # Under another key-encryption key the column is useless: it is the key, not the database, that protects them.
    settings.MICROCRED_KEY_ENCRYPTION_KEY = "a-different-key-encryption-key"
    with pytest.raises(InvalidToken):
        keys._decrypt(rows[0][1])
