"""A recognizer admin registers an external issuer as known; an educator imports one credential from it and one
from an issuer nobody registered, and sees the difference; the earner alone gets the LinkedIn button — in headless
Chromium at desktop and phone widths, with axe-core checks."""
import json

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"pw-{username}-123")
    page.get_by_role("button", name="Log in").click()


def log_out(page):
    page.context.clear_cookies()


@pytest.mark.parametrize("width", WIDTHS)
def test_known_and_unknown_issuers_from_registration_to_import(page, world, published, width):
    from microcred.credentials import services
    from microcred.credentials.tests.conftest import earn
    from microcred.credentials.tests.forgery import self_issued_did_key_credential

    page.set_viewport_size(WIDTHS[width])
    partner, partner_did = self_issued_did_key_credential(name="Partner badge", issuer_name="Partner Academy")
    stranger, _ = self_issued_did_key_credential(name="Stranger badge", issuer_name="Nobody Registered",
                                                 credential_id="urn:uuid:5e0c3b9e-6b55-4f4d-9d7e-000000000002")
    issued = services.issue_for_attempt(earn(world, published))

    log_in(page, "recognizer")
    page.goto("/credentials/known-issuers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Known issuers")
    page.get_by_label("Issuer id").fill(partner_did)
    page.get_by_label("Name").fill("Partner Academy")
    page.get_by_label("How you obtained the keys").fill("Their did:key, confirmed by phone")
    page.get_by_role("button", name="Register as known").click()
    expect(page.get_by_role("cell", name="Partner Academy", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Remove Partner Academy")).to_be_visible()
    assert_accessible(page, f"known issuers ({width})")
    log_out(page)

    log_in(page, "earner")
    for document in (partner, stranger):
        page.goto("/credentials/import/")
        page.get_by_label("…or paste it (JSON, VC-JWT or signed badge)").fill(json.dumps(document))
        page.get_by_role("button", name="Verify and import").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My credentials")
    expect(page.get_by_text("Partner badge")).to_be_visible()
    expect(page.get_by_text("external, verified")).to_have_count(1)
    expect(page.get_by_text("signed by an issuer this platform does not know").last).to_be_visible()
    assert_accessible(page, f"my credentials ({width})")

    page.goto(f"/credentials/{issued.pk}")
    expect(page.get_by_role("link", name="Add to LinkedIn profile")).to_be_visible()
    assert_accessible(page, f"credential page ({width})")
