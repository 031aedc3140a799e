"""The navigation the apps contribute (core/menu.py): a platform admin and an assessor each see the entries they
may open, follow one, and the page is accessible — at desktop and phone widths, in headless Chromium."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.nav import log_out, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_each_role_sees_the_menu_it_may_use(page, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    nav = page.get_by_role("navigation", name="Main")

    log_in(page, "platform_admin", "pw-platform_admin-123")
    open_menu(page)
    expect(nav.get_by_role("link", name="Audit trail")).to_be_visible()
    expect(nav.get_by_role("link", name="Authoring")).to_be_visible()
    expect(nav.get_by_role("link", name="Assess", exact=True)).to_have_count(0)  # platform admins are not assessors
    nav.get_by_role("link", name="Assessment").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    log_out(page)

    log_in(page, "assessor", "pw-assessor-123")
    open_menu(page)
    expect(nav.get_by_role("link", name="Assess", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Audit trail")).to_have_count(0)
    nav.get_by_role("link", name="Assess", exact=True).click()
    page.wait_for_url("**/assess/")
    assert_accessible(page)
