"""Licensure feeds end to end (issue 19 item 4): the state recognizer adds a folder feed with a column mapping,
sends it now and sees the acknowledged run — in headless Chromium at desktop (1280 px) and phone (390 px) width,
checked with axe."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"pw-{username}-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize("width", [1280, 390])
def test_add_a_feed_send_it_now_and_see_the_run(page, world, tmp_path, settings, width):
    from microcred.recognition import services
    from microcred.recognition.models import Award
    from microcred.recognition.tests.pages_fixtures import state_policy

    settings.DATA_DIR = tmp_path
    by = world["people"]["recognizer"]
    policy = services.publish(policy=services.create_or_update_draft(recognizer=world["orgs"]["state"], document=state_policy(), by=by), by=by)
    Award.objects.create(policy=policy, educator=world["people"]["earner"], outcome_key="renewal", kind="credit",
                         name="Renewal credit", amount=60, unit="PDP", awarded_at=timezone.now(), provenance={})
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "recognizer")
    page.goto("/interop/licensure-feeds/")
    assert_accessible(page, "the feeds list")
    page.get_by_role("link", name="Add a feed").click()
    page.get_by_label("Name", exact=True).fill("Renewal system")
    page.get_by_label("Folder", exact=True).fill("../outside")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("relative path", exact=False)).to_be_visible()
    assert_accessible(page, "the feed form with an error")
    page.get_by_label("Folder", exact=True).fill("renewals")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Renewal system")).to_be_visible()
    page.get_by_role("button", name="Send now").click()
    page.reload()
    expect(page.get_by_role("cell", name="Acknowledged")).to_be_visible()
    assert_accessible(page, "a feed and its runs")
