"""The settings pages of an organization's admins: list, add, change, test, turn on and off; `microcred sso_check`."""
from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from microcred.accounts import services as accounts
from microcred.accounts.models import User
from microcred.core.models import AuditEvent
from microcred.sso import services as sso
from microcred.sso.models import IdentityProvider

pytestmark = pytest.mark.django_db


def test_org_admin_adds_an_oidc_provider_with_an_encrypted_secret(client, org_admin, district, oidc_idp):
    client.force_login(org_admin)
    response = client.post("/sso/providers/new/", {
        "organization": district["district"].pk, "name": "Clever", "protocol": "oidc", "issuer": oidc_idp.issuer,
        "client_id": "microcred-cv", "client_secret": "very-secret-value", "scopes": "openid email profile",
        "email_domains": "@CVSD.example, staff.cvsd.example", "email_attribute": "email", "default_role": "earner"})
    assert response.status_code == 302, response.content.decode()[:3000]
    provider = IdentityProvider.objects.get(name="Clever")
    assert provider.domains == ["cvsd.example", "staff.cvsd.example"] and not provider.enabled
    assert "very-secret-value" not in provider.client_secret_encrypted and sso.client_secret(provider) == "very-secret-value"
    event = AuditEvent.objects.get(action="sso.provider_created")
    assert "very-secret-value" not in json.dumps(event.data)
    page = client.get(f"/sso/providers/{provider.pk}/").content.decode()
    assert f"/sso/{provider.slug}/callback/" in page and "very-secret-value" not in page
    # test, turn on, list
    client.post(f"/sso/providers/{provider.pk}/test/")
    assert "looks right" in client.get(f"/sso/providers/{provider.pk}/").content.decode()
    client.post(f"/sso/providers/{provider.pk}/enabled/", {"enabled": "yes"})
    provider.refresh_from_db()
    assert provider.enabled and AuditEvent.objects.filter(action="sso.provider_enabled").exists()
    assert "Clever" in client.get("/sso/providers/").content.decode()


def test_provider_form_refuses_bad_input_and_keeps_it(client, org_admin, district):
    client.force_login(org_admin)
    response = client.post("/sso/providers/new/", {
        "organization": district["district"].pk, "name": "<script>alert(1)</script>", "protocol": "oidc",
        "issuer": "", "client_id": "", "email_domains": "cvsd.example", "email_attribute": "email", "default_role": "earner",
        "scopes": "openid"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "needs its issuer" in body and "&lt;script&gt;" in body and "<script>alert(1)" not in body
    assert not IdentityProvider.objects.exists()


def test_no_staff_role_can_be_configured(client, org_admin, district):
    client.force_login(org_admin)
    response = client.post("/sso/providers/new/", {
        "organization": district["district"].pk, "name": "Sneaky", "protocol": "saml", "idp_metadata_xml": "<x/>",
        "email_domains": "cvsd.example", "email_attribute": "mail", "default_role": "platform_admin"})
    assert response.status_code == 400 and not IdentityProvider.objects.exists()


def test_admin_of_another_organization_sees_nothing(client, google, district):
    otto = User.objects.create_user(username="otto", password="x")
    accounts.grant_role(user=otto, organization=district["other"], role="org_admin")
    client.force_login(otto)
    assert "/sso/providers/%d/" % google.pk not in client.get("/sso/providers/").content.decode()
    assert client.get(f"/sso/providers/{google.pk}/").status_code == 404
    assert client.post(f"/sso/providers/{google.pk}/enabled/", {"enabled": "no"}).status_code == 404
    google.refresh_from_db()
    assert google.enabled


def test_earner_may_not_open_the_pages(client, district):
    teacher = User.objects.create_user(username="t", password="x")
    accounts.grant_role(user=teacher, organization=district["district"], role="earner")
    client.force_login(teacher)
    assert client.get("/sso/providers/").status_code == 403


def test_state_admin_configures_its_districts(client, google, district):
    state_admin = User.objects.create_user(username="pde_admin", password="x")
    accounts.grant_role(user=state_admin, organization=district["state"], role="org_admin")
    client.force_login(state_admin)
    assert client.get(f"/sso/providers/{google.pk}/").status_code == 200


def test_pages_keep_a_constant_number_of_queries(client, org_admin, district):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org_admin)

    def count() -> int:
        client.get("/sso/providers/")  # the menu is kept per person (decision 0050): compare two drawings after it
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/sso/providers/").status_code == 200
        return len(queries)

    for n in range(3):
        IdentityProvider.objects.create(organization=district["district"], slug=f"p{n}", name=f"P{n}", protocol="saml")
    few = count()
    for n in range(3, 30):
        IdentityProvider.objects.create(organization=district["district"], slug=f"p{n}", name=f"P{n}", protocol="saml")
    assert count() == few


def test_sso_check_reports_as_json(google, capsys):
    call_command("sso_check", "cv-google")
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last == {"provider": "cv-google", "protocol": "oidc", "enabled": True, "ok": True, "problems": []}


def test_sso_check_reports_a_provider_that_is_down(google, capsys):
    google.issuer = "http://127.0.0.1:9"
    google.save()
    with pytest.raises(SystemExit):
        call_command("sso_check", "cv-google")
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert not last["ok"] and "did not answer" in last["problems"][0]


def test_sso_check_reads_saml_metadata(state_saml, capsys):
    call_command("sso_check", "cv-state")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["ok"]


def test_production_requires_https(settings, org_admin, district):
    settings.MICROCRED_SSO_ALLOW_HTTP = False
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="https"):
        sso.save_provider(by=org_admin, provider=IdentityProvider(
            organization=district["district"], name="Plain", protocol="oidc", issuer="http://idp.example", client_id="c"))


def test_api_lists_own_providers_without_the_secret(client, google, district):
    from django.test import Client

    from microcred.accounts.models import User as U

    admin = U.objects.get(username="cv_admin")
    client.force_login(admin)
    data = client.get("/api/v1/sso/providers/").json()
    assert [p["slug"] for p in data] == ["cv-google"] and data[0]["has_client_secret"] is True
    assert "cv-secret-123" not in str(data) and "client_secret_encrypted" not in data[0]
    otto = U.objects.create_user(username="otto2", password="x")
    accounts.grant_role(user=otto, organization=district["other"], role="org_admin")
    other = Client()
    other.force_login(otto)
    assert other.get("/api/v1/sso/providers/").json() == []


def test_client_secrets_are_reencrypted_after_a_restore(google, settings):
    from microcred.core.secrets import reencrypt_all

    old = settings.SECRET_KEY
    settings.MICROCRED_KEY_ENCRYPTION_KEY = "a-new-installation-secret-0123456789"
    assert reencrypt_all(old) >= 1
    google.refresh_from_db()
    assert sso.client_secret(google) == "cv-secret-123"
