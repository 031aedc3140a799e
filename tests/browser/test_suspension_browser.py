"""An issuer admin suspends a credential from its page with a reason; a visitor sees it suspended; the admin lifts
the suspension and the live verification says verified again — in headless Chromium."""
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Under review after a complaint about the video evidence"


@pytest.fixture
def suspendable(world, published, settings):
    from microcred.credentials import services
    from microcred.credentials.tests.conftest import earn

    settings.MICROCRED_CREDENTIAL_SUSPENSION = True
    credential = services.issue_for_attempt(earn(world, published))
    services.set_visibility(credential, by=world["people"]["earner"], visibility="public")
    return credential


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_issuer_admin_suspends_and_reinstates_a_credential(page, browser, live_server, suspendable):
    url = f"/credentials/{suspendable.pk}"
    log_in(page, "issuer_admin", "pw-issuer_admin-123")
    page.goto(url)
    expect(page.locator("#verification")).to_contain_text("Verified")
    page.get_by_role("button", name="Suspend this credential").click()  # no reason: refused with a message
    expect(page.locator("#suspend")).to_be_visible()
    page.locator("#suspend_reason").fill(REASON)
    page.get_by_role("button", name="Suspend this credential").click()
    expect(page.locator("#verification")).to_contain_text("Suspended on")
    expect(page.locator("#verification")).to_contain_text(REASON)
    expect(page.locator("#verification")).to_contain_text("has been suspended")

    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto(url)
    expect(visitor.locator("#verification")).to_contain_text("Suspended on")
    expect(visitor.locator("#suspend")).to_have_count(0)
    expect(visitor.locator("#unsuspend")).to_have_count(0)
    visitor.context.close()

    page.locator("#unsuspend_reason").fill("The review found the evidence was the earner's own")
    page.get_by_role("button", name="Lift the suspension").click()
    expect(page.locator("#verification")).to_contain_text("Verified")
    expect(page.locator("#suspend")).to_be_visible()
