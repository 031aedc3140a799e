"""A visitor searches the catalog, opens a micro-credential and reads its rubric; an author publishes a new one."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world(seeded_demo):
    """The seeded demo world (seeded once per run, see the root conftest.py)."""


def test_visitor_searches_opens_an_mc_and_reads_its_rubric(page, demo_world):
    page.goto("/catalog/")
    page.get_by_label("Search the catalog").fill("phonics")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_contain_text("matching “phonics”")
    page.get_by_role("link", name="Teaching Phonics").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teaching Phonics")
    expect(page.get_by_role("heading", name="Competency")).to_be_visible()
    rubric = page.locator("table.rubric").first
    expect(rubric).to_be_visible()
    expect(rubric.locator("caption")).to_contain_text("To pass")
    assert rubric.locator("thead th").count() >= 3  # criterion column + at least two performance levels
    assert rubric.locator("tbody tr").count() >= 1


def test_facet_filters_narrow_the_results_without_reloading(page, demo_world):
    page.goto("/catalog/")
    before = int(re.match(r"\d+", page.locator("#result-count").inner_text()).group())
    page.locator("fieldset", has_text="Grade band").get_by_role("checkbox").first.check()
    expect(page.locator("#result-count")).not_to_have_text(re.compile(rf"^{before} "))
    after = int(re.match(r"\d+", page.locator("#result-count").inner_text()).group())
    assert 0 < after < before
    assert "grade_band=" in page.url  # the filter is in the address, so the view can be shared


def test_author_drafts_and_issuer_admin_publishes(page, demo_world, live_server):
    from microcred.demo.content import PEOPLE

    logins = {p["role"]: p for p in PEOPLE}

    def log_in(role):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(logins[role]["username"])
        page.get_by_label("Password").fill(logins[role]["password"])
        page.get_by_role("button", name="Log in").click()

    log_in("author")
    page.goto("/catalog/author/new/")
    page.get_by_label("Title").fill("Using Wait Time to Deepen Discussion")
    page.get_by_label("Competency statement").fill("The educator uses deliberate wait time so more students think and answer.")
    page.get_by_label("Key method").fill("Pause three to five seconds after questions and after answers.")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("Draft created")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for quality review")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in("issuer_admin")
    page.goto("/catalog/author/")
    page.get_by_role("row", name=re.compile("Using Wait Time")).get_by_role("link", name="v1").click()
    page.get_by_role("button", name="Publish").click()
    # Nobody could assess it yet (no certified assessor, no anchors): the issuer admin is warned and confirms.
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish without assessors?")
    page.get_by_role("button", name="Publish anyway").click()
    expect(page.get_by_text("Published. The catalog now shows this version.")).to_be_visible()
    page.goto("/catalog/?q=wait+time")
    expect(page.get_by_role("link", name="Using Wait Time to Deepen Discussion")).to_be_visible()
