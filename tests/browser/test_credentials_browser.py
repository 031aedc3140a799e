"""Anyone opens a credential's public verification page and sees it verified live; a revoked one says so."""
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def credentials(world, published):
    """The earner's credential (public) and the other earner's, revoked by the issuer admin."""
    from microcred.credentials import services
    from microcred.credentials.tests.conftest import earn

    mine = services.issue_for_attempt(earn(world, published))
    services.set_visibility(mine, by=world["people"]["earner"], visibility="public")
    theirs = services.issue_for_attempt(earn(world, published, earner_key="other_earner"))
    services.revoke(theirs, by=world["people"]["issuer_admin"], reason="Evidence was not their own work")
    return {"public": mine, "revoked": theirs, "title": published.title}


def test_visitor_sees_a_verified_credential_and_a_revoked_one(page, world, credentials):
    page.goto(f"/credentials/{credentials['public'].pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(credentials["title"])
    expect(page.locator("#verification")).to_contain_text("Verified")
    expect(page.get_by_text(world["people"]["earner"].get_full_name())).to_be_visible()
    expect(page.locator("#share svg")).to_be_visible()
    # Adding it to a LinkedIn profile is for the earner only (see test_trust_browser.py).
    expect(page.get_by_role("link", name="Add to LinkedIn profile")).to_have_count(0)
    expect(page.locator("#revoke")).to_have_count(0)

    page.goto(f"/credentials/{credentials['revoked'].pk}")
    expect(page.locator("#verification")).to_contain_text("Revoked on")
    expect(page.locator("#verification")).to_contain_text("Evidence was not their own work")
    expect(page.get_by_text("the credential holder")).to_be_visible()
