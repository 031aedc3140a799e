"""A district's admin opens the dashboards (charts with their tables, small groups hidden), filters them and
imports school attributes; a teacher tells their demographics with consent and withdraws them — in headless
Chromium at desktop (1280 px) and phone (390 px) width, checked with axe."""
import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.nav import nav_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district_figures(world, published):
    from django.utils import timezone

    from microcred.accounts import services as accounts
    from microcred.accounts.models import EducatorProfile, Organization, User
    from microcred.analytics.models import SchoolProfile
    from microcred.earning.models import Attempt

    district = world["orgs"]["district"]
    admin = User.objects.create_user(username="district_admin", password="pw-district_admin-123",
                                     first_name="Grace", last_name="Nakamura")
    accounts.grant_role(user=admin, organization=district, role="org_admin")
    for slug, n, locale in (("big-school", 12, "rural"), ("mid-school", 11, "town"), ("small-school", 4, "city")):
        school = Organization.objects.create(slug=slug, name=slug.replace("-", " ").title(), kind="school", parent=district)
        SchoolProfile.objects.create(organization=school, locale=locale, title_i=True)
        for i in range(n):
            user = User.objects.create_user(username=f"{slug}-{i}", password="pw-x-12345678")
            accounts.grant_role(user=user, organization=school, role="earner")
            EducatorProfile.objects.create(user=user, district=district, school=school)
            Attempt.objects.create(earner=user, version=published, micro_credential=published.micro_credential,
                                   state="earned", submitted_at=timezone.now() - dt.timedelta(days=5),
                                   decided_at=timezone.now())
    return world


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_district_admin_reads_the_dashboard(page, district_figures, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "district_admin", "pw-district_admin-123")
    nav_link(page, "Dashboards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("District: Rural District")
    funnel = page.locator("#funnel")
    expect(funnel.get_by_role("img")).to_have_count(1)  # the chart, named for screen readers
    expect(funnel.get_by_role("table")).to_contain_text("27")
    locale = page.locator("#equity_locale").get_by_role("table")
    expect(locale).to_contain_text("12")
    expect(locale).to_contain_text("hidden")  # the city school's 4 people, and the 11 that would give them away
    assert_accessible(page, "district dashboard")
    page.get_by_label("School locale", exact=True).select_option(label="Rural")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#funnel").get_by_role("table")).to_contain_text("12")
    with page.expect_download() as download:
        page.locator("#funnel").get_by_role("link", name="Download this table (CSV)").click()
    assert download.value.suggested_filename == "district-funnel.csv"
    page.goto("/analytics/district/rural-district/")
    page.get_by_role("link", name="Import school attributes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("School attributes")
    assert_accessible(page, "school attributes import")
    nav_link(page, "Find expertise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find expertise")
    page.get_by_role("button", name="Find").click()
    assert_accessible(page, "expertise finder")


@pytest.mark.parametrize("width", [1280, 390])
def test_district_admin_refreshes_the_figures_and_imports_impact_data(page, district_figures, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "district_admin", "pw-district_admin-123")
    page.goto("/analytics/district/rural-district/")
    expect(page.locator("#close")).to_contain_text("Not computed yet")
    expect(page.locator("#impact")).to_contain_text("Not computed yet")
    expect(page.locator("#quality")).to_have_count(0)  # assessor quality is on issuer and platform dashboards
    page.get_by_role("button", name="Refresh the figures").click()
    expect(page.locator("#freshness")).to_contain_text("Figures as of")
    expect(page.locator("#close").get_by_role("table")).to_be_visible()
    expect(page.locator("#impact").get_by_role("table")).to_be_visible()
    expect(page.locator("#cost_programs").get_by_role("table")).to_be_visible()
    assert_accessible(page, "district dashboard, pre-aggregated")
    page.get_by_role("link", name="Impact data (evaluation ratings)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact data")
    assert_accessible(page, "impact data, not taking part")
    page.get_by_role("button", name="Take part for Rural District").click()
    expect(page.get_by_text("Rural District takes part in impact data.")).to_be_visible()
    page.get_by_label("Ratings CSV").set_input_files(files=[{
        "name": "ratings.csv", "mimeType": "text/csv",
        "buffer": b"educator,year,rating\nbig-school-0,2024-25,3.5\nnobody,2025,9\n"}])
    page.get_by_role("button", name="Import", exact=True).click()
    report = page.locator("#report")
    expect(report).to_contain_text("Ratings recorded: 1")
    expect(report.get_by_role("table")).to_contain_text("number from 1 to 5")
    assert_accessible(page, "impact data, imported")


@pytest.mark.parametrize("width", [1280, 390])
def test_platform_admin_prepares_a_research_export(page, district_figures, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "platform_admin", "pw-platform_admin-123")
    nav_link(page, "Dashboards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform: every organization")
    expect(page.locator("#quality")).to_contain_text("Not computed yet")
    page.get_by_role("button", name="Refresh the figures").click()
    expect(page.locator("#freshness")).to_contain_text("Figures as of")
    expect(page.locator("#quality")).to_contain_text("No data for these filters yet.")
    expect(page.locator("#quality_assessors")).to_be_visible()
    assert_accessible(page, "platform dashboard")
    page.get_by_role("link", name="Research export").click()
    page.get_by_role("button", name="Prepare a new export").click()
    expect(page.get_by_text("The export is being prepared.")).to_be_visible()
    assert_accessible(page, "research export")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_teacher_tells_and_withdraws_demographics(page, world, width):
    from microcred.analytics.models import EducatorDemographics

    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "earner", "pw-earner-123")
    page.goto("/accounts/account/")
    page.get_by_role("link", name="About you (optional): demographics and being found").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About you (optional)")
    assert_accessible(page, "about you")
    page.get_by_label("Race or ethnicity").select_option(label="Asian")
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Tick the box to consent")).to_be_visible()  # nothing saved without consent
    assert not EducatorDemographics.objects.exists()
    page.get_by_label("Race or ethnicity").select_option(label="Asian")
    page.get_by_label("I consent to microcred").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("your answers are saved")).to_be_visible()
    assert EducatorDemographics.objects.get().race_ethnicity == "asian"
    page.get_by_role("button", name="Withdraw my consent and delete my answers").click()
    expect(page.get_by_text("Your answers are deleted.")).to_be_visible()
    assert not EducatorDemographics.objects.exists()
    assert_accessible(page, "about you, after withdrawing")


@pytest.mark.parametrize("width", [1280, 390])
def test_district_admin_reads_the_demand_section(page, district_figures, published, width):
    from microcred.catalog.models import Alignment, Stack, StackItem, Subject

    published.subjects.add(Subject.objects.get_or_create(slug="science-demand", defaults={"name": "Science"})[0])
    Alignment.objects.create(version=published, framework="InTASC", code="6(a)", name="Assessment")
    stack = Stack.objects.create(slug="demand-stack", owner=district_figures["orgs"]["issuer"], title="Assessment stack",
                                 state=Stack.State.PUBLISHED)
    StackItem.objects.create(stack=stack, position=1, micro_credential=published.micro_credential)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "district_admin", "pw-district_admin-123")
    nav_link(page, "Dashboards").click()
    page.get_by_role("link", name="Demand: what educators choose and finish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("District: Rural District: Demand")
    for name, text in (("demand_subjects", "Science"), ("demand_competencies", "InTASC 6(a)"),
                       ("demand_stacks", "Assessment stack")):
        section = page.locator(f"#{name}")
        expect(section.get_by_role("img")).to_have_count(1)
        expect(section.get_by_role("table")).to_contain_text(text)
        expect(section.get_by_role("table")).to_contain_text("27")
    assert_accessible(page, "demand section")
    page.get_by_label("School locale", exact=True).select_option(label="City")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#demand_subjects").get_by_role("table")).to_contain_text("hidden")  # 4 people
    with page.expect_download() as download:
        page.locator("#demand_stacks").get_by_role("link", name="Download this table (CSV)").click()
    assert download.value.suggested_filename == "district-demand_stacks.csv"
    assert_accessible(page, "demand section, filtered")
