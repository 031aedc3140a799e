"""An educator changes their name, e-mail address (with their password) and password on the account page — in
headless Chromium at desktop (1280 px) and phone (390 px) width, checked with axe. The pages a signed-in person
sees are never stored by the browser (Cache-Control: no-store)."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_educator_changes_name_email_and_password(page, world, width):
    from microcred.accounts.models import User

    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "earner", "pw-earner-123")
    expect(page.get_by_role("link", name="Log in")).to_have_count(0)
    response = page.goto("/accounts/profile/")
    assert "no-store" in response.headers["cache-control"]
    page.get_by_role("link", name="Change your name, e-mail address or password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    assert_accessible(page)

    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_role("button", name="Save name").click()
    expect(page.get_by_text("Your name was saved.")).to_be_visible()

    page.get_by_label("New e-mail address").fill("ada@school.org")
    page.get_by_label("Your current password").fill("not-my-password")
    page.get_by_role("button", name="Send a confirmation link").click()
    expect(page.get_by_text("That is not your current password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New e-mail address").fill("ada@school.org")
    page.get_by_label("Your current password").fill("pw-earner-123")
    page.get_by_role("button", name="Send a confirmation link").click()
    expect(page.get_by_text("A confirmation link was sent to ada@school.org.")).to_be_visible()
    assert User.objects.get(username="earner").email != "ada@school.org"  # not until the new address confirms it
    # The new address's owner opens the link from the mail and confirms.
    import re

    from django.core import mail

    sent = next(m for m in mail.outbox if "ada@school.org" in m.to)
    link = re.search(r"https?://\S+/accounts/verify-email/\S+", sent.body).group(0)
    page.goto(link[link.index("/accounts/"):])
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("Your e-mail address is now ada@school.org.")).to_be_visible()
    page.goto("/accounts/account/")

    page.get_by_label("Old password").fill("pw-earner-123")
    page.get_by_label("New password", exact=True).fill("a-brand-new-pass-42")
    page.get_by_label("New password confirmation").fill("a-brand-new-pass-42")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password was changed.")).to_be_visible()

    earner = User.objects.get(username="earner")
    assert (earner.get_full_name(), earner.email) == ("Ada Lovelace", "ada@school.org")
    assert earner.check_password("a-brand-new-pass-42")
