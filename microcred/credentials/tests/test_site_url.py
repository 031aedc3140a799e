"""Credentials carry the site URL they were issued under: a deployment refuses another one unless told, and the
demo re-signs its own credentials under the address it serves at (docs/decisions/0005)."""
import json

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from microcred.credentials import site
from microcred.credentials.checks import site_url_matches_issued_credentials
from microcred.credentials.models import IssuedCredential
from microcred.credentials.verify import verify_credential

OLD, NEW = "http://testserver", "http://127.0.0.1:18532"


def test_no_credentials_no_complaint(db):
    assert site.latest_issued_site_url() is None
    assert site_url_matches_issued_credentials() == []


def test_same_site_url_is_fine(issued, settings):
    assert site.latest_issued_site_url() == settings.SITE_URL
    assert site_url_matches_issued_credentials() == []


def test_another_site_url_refuses_to_start_with_a_clear_message(issued, settings, monkeypatch):
    monkeypatch.delenv("MICROCRED_ALLOW_SITE_URL_CHANGE", raising=False)
    issued_under = settings.SITE_URL
    settings.SITE_URL = "https://microcred.example.org"
    errors = site_url_matches_issued_credentials()
    assert [e.id for e in errors] == ["microcred.E001"]
    assert issued_under in errors[0].msg and "MICROCRED_ALLOW_SITE_URL_CHANGE" in errors[0].msg
    with pytest.raises(site.SiteUrlMismatch):
        site.ensure_site_url_matches()
    with pytest.raises(SystemCheckError):  # every management command that runs checks (migrate, db_worker…)
        call_command("check")


def test_the_operator_may_allow_the_move(issued, settings, monkeypatch):
    settings.SITE_URL = "https://microcred.example.org"
    monkeypatch.setenv("MICROCRED_ALLOW_SITE_URL_CHANGE", "1")
    assert site_url_matches_issued_credentials() == []


def test_rebase_re_signs_every_url_under_the_new_address(issued, settings):
    before = IssuedCredential.objects.get(pk=issued.pk)
    old = settings.SITE_URL
    settings.SITE_URL = NEW
    assert site.rebase_issued_credentials() == 1
    after = IssuedCredential.objects.get(pk=issued.pk)
    text = json.dumps(after.credential)
    assert old + "/" not in text and after.credential["id"] == f"{NEW}/credentials/{issued.pk}"
    assert after.credential["proof"][0]["verificationMethod"].startswith(NEW + "/issuers/")
    # Only the addresses moved: dates, salt, results and the proof's creation time are as issued.
    assert after.credential["validFrom"] == before.credential["validFrom"]
    assert after.credential["credentialSubject"]["identifier"] == before.credential["credentialSubject"]["identifier"]
    assert after.credential["proof"][0]["created"] == before.credential["proof"][0]["created"]
    assert verify_credential(json.dumps(after.credential).encode()).verified
    assert verify_credential(after.jwt.encode()).verified
    assert site.rebase_issued_credentials() == 0  # idempotent
    assert site_url_matches_issued_credentials() == []


def test_issued_under_reads_only_our_credential_ids():
    assert site.issued_under({"id": "http://a.example:81/credentials/123"}) == "http://a.example:81"
    assert site.issued_under({"id": "urn:uuid:123"}) is None
    assert site.issued_under({}) is None


def test_demo_site_url_follows_the_served_address():
    from microcred.demo.management.commands.demo import demo_site_url

    assert demo_site_url("127.0.0.1", 18532) == "http://127.0.0.1:18532"
    assert demo_site_url("0.0.0.0", 8080) == "http://127.0.0.1:8080"
    assert demo_site_url("::1", 8080) == "http://[::1]:8080"
