"""The competency framework picker (issue 19): an author finds items of an imported CASE framework, aligns the
competency and one criterion, and the public catalog page names them — at 1280 and 390 px, checked with axe."""
import json

import pytest
from playwright.sync_api import expect

from microcred.catalog import services
from microcred.catalog.tests.factories import make_case_package, make_definition
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
def test_align_an_mc_to_case_items(page, world, width):
    people = world["people"]
    services.import_case_package(raw=json.dumps(make_case_package()).encode(), by=people["platform_admin"])
    draft = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=people["author"])
    slug = draft.micro_credential.slug
    page.set_viewport_size({"width": width, "height": 900})

    log_in(page, "author")
    page.goto(f"/catalog/author/mc/{slug}/v1/")
    page.get_by_role("link", name="Align to framework items").click()
    expect(page.get_by_role("heading", name="Alignment to competency frameworks")).to_be_visible()
    assert_accessible(page, "the framework picker")

    page.get_by_label("Code or words").fill("T.2")
    page.get_by_role("button", name="Show items").click()
    page.get_by_label("T.2.1 Statement T.2.1.").check()
    page.get_by_label("Align it to").select_option(index=0)
    page.get_by_role("button", name="Add alignment").click()
    expect(page.get_by_text("Aligned to T.2.1")).to_be_visible()

    page.get_by_label("T.2.2 Statement T.2.2.").check()
    page.get_by_label("Align it to").select_option(value="2-1")
    page.get_by_role("button", name="Add alignment").click()
    expect(page.locator(".case-aligned")).to_contain_text("Part 2, criterion 1")
    assert_accessible(page, "the picker with two alignments")

    services.submit_for_review(version=draft, by=people["author"])
    services.publish(version=draft, by=people["issuer_admin"])
    page.context.clear_cookies()
    page.goto(f"/catalog/mc/{slug}/")
    section = page.locator("#alignment")
    expect(section).to_contain_text("Statement T.2.1.")
    expect(section).to_contain_text("Statement T.2.2.")
    assert_accessible(page, "the catalog page with CASE alignments")
