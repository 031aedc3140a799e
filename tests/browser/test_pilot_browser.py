"""A pilot end to end (issue 16 item 4): the issuer admin opens the current version as a pilot for a few earners,
an earner starts it, the catalog says when it is full, the issuer reads the pilot report and submits for quality
review, and a reviewer from another organization reads the report in the review and finds "Quality reviews" in the
menu — in headless Chromium at desktop (1280 px) and phone (390 px) width, checked with axe."""
import pytest
from playwright.sync_api import expect

from microcred.quality.tests.conftest import qa  # noqa: F401 — the fixture
from tests.browser.axe import assert_accessible
from tests.browser.test_quality_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_open_a_pilot_and_read_its_report(page, qa, width):  # noqa: F811
    from microcred.quality.models import Pilot, QualityReview

    page.set_viewport_size({"width": width, "height": 900})
    slug = qa["mc"].slug

    log_in(page, "issuer_admin")
    page.goto(f"/quality/micro-credentials/{slug}/")
    assert_accessible(page, "the issuer's quality page with the pilot form")
    page.get_by_label("Earners the pilot takes").fill("1")
    page.get_by_role("button", name="Open version 1 as a pilot").click()
    expect(page.get_by_text("The pilot is open")).to_be_visible()
    assert Pilot.objects.get().cap == 1

    log_in(page, "earner")
    page.goto(f"/catalog/mc/{slug}/")
    expect(page.get_by_text("0 of 1 places are taken", exact=False)).to_be_visible()
    page.get_by_role("button", name="Start this micro-credential").click()
    page.wait_for_url(lambda url: "/earning/" in url or "/attempts/" in url)

    log_in(page, "other_earner")
    page.goto(f"/catalog/mc/{slug}/")
    expect(page.get_by_role("heading", name="Pilot full")).to_be_visible()
    expect(page.get_by_role("button", name="Start this micro-credential")).to_have_count(0)
    assert_accessible(page, "a full pilot in the catalog")

    log_in(page, "issuer_admin")
    page.goto(f"/quality/micro-credentials/{slug}/versions/1/pilot/")
    expect(page.get_by_text("1 of 1 places")).to_be_visible()
    expect(page.get_by_text("Too few to report", exact=False)).to_be_visible()
    assert_accessible(page, "the pilot report")
    page.goto(f"/quality/micro-credentials/{slug}/")
    page.get_by_role("button", name="Submit version 1 for quality review").click()
    review = QualityReview.objects.get()
    assert review.pilot_report["earners"] == 1

    log_in(page, "reviewer_a")
    expect(page.locator("nav a[href='/quality/reviews/']").first).to_be_attached()  # the menu entry (folded at 390 px)
    page.goto(f"/quality/reviews/{review.pk}/")
    expect(page.get_by_role("heading", name="Pilot report at submission")).to_be_visible()
    assert_accessible(page, "the pilot report in a review")
