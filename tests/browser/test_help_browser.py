"""A teacher finds help from any page's footer: what to do next, the turnaround each issuer promises and whom in
their district to ask — in headless Chromium at desktop (1280 px) and phone (390 px) width, checked with axe."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def teacher_with_admin(world):
    from microcred.accounts import services as accounts
    from microcred.accounts.models import User
    from microcred.assessment.models import IssuerPolicy

    district = world["orgs"]["district"]
    admin = User.objects.create_user(username="district_admin", first_name="Grace", last_name="Nakamura",
                                     email="grace@district.example.org")
    accounts.grant_role(user=admin, organization=district, role="org_admin")
    IssuerPolicy.objects.create(organization=world["orgs"]["issuer"], turnaround_business_days=10)
    teacher = User.objects.create_user(username="maya", password="pw-maya-123", first_name="Maya", last_name="Holloway")
    accounts.grant_role(user=teacher, organization=district, role="earner")
    return world


@pytest.mark.parametrize("width", [1280, 390])
def test_teacher_finds_help_contacts_and_turnaround(page, teacher_with_admin, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("maya")
    page.get_by_label("Password").fill("pw-maya-123")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("contentinfo").get_by_role("link", name="Help and contact").click()
    expect(page.get_by_role("heading", name="Help", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Earning a micro-credential")).to_be_visible()
    turnaround = page.locator("#help-after-submit")
    expect(turnaround).to_contain_text(teacher_with_admin["orgs"]["issuer"].name)
    expect(turnaround).to_contain_text("10 working days")
    contacts = page.locator("#help-account")
    expect(contacts).to_contain_text("Grace Nakamura")
    expect(contacts.get_by_role("link", name="grace@district.example.org")).to_have_attribute(
        "href", "mailto:grace@district.example.org")
    expect(page.locator("#help-assessor")).to_have_count(0)  # not an assessor: not their duties
    assert_accessible(page)
