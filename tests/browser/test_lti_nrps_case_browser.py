"""Issue 19's last pieces in the browser: a platform admin enrolls an LMS course's teachers (NRPS membership of
two pages, from a simulated LMS with real keys) as a cohort and sees the sync; and imports a CASE framework from
the web page, seeing the counts and a clear error for a bad file — headless Chromium at 1280 and 390 px, axe."""
import json

import pytest
from playwright.sync_api import expect

from microcred.catalog.tests.factories import make_case_package
from microcred.interop.tests.lti_platform import SimulatedPlatform
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"pw-{username}-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def sim():
    platform = SimulatedPlatform()
    yield platform
    platform.stop()


@pytest.mark.parametrize("width", [1280, 390])
def test_enroll_a_courses_teachers_as_a_cohort(page, world, published, sim, live_server, settings, width):
    from microcred.interop import keys
    from microcred.interop.lti import services
    from microcred.interop.models import LtiCourseLink, LtiPlatform

    services._token_cache.clear()
    page.set_viewport_size({"width": width, "height": 900})
    keys.rotate_key(purpose="lti", by=world["people"]["platform_admin"])
    sim.tool_jwks = keys.jwks()
    platform = LtiPlatform.objects.create(
        name="Rural Canvas", issuer=sim.issuer, client_id=sim.client_id, deployment_ids=sim.deployment_id,
        jwks_url=sim.url("/jwks"), auth_login_url=sim.url("/auth"), access_token_url=sim.url("/token"),
        organization=world["orgs"]["district"])
    link = LtiCourseLink.objects.create(platform=platform, deployment_id=sim.deployment_id, context_id="course-7",
                                        context_title="Reading PD", resource_link_id="link-1",
                                        memberships_url=sim.url("/memberships?page=0"),
                                        micro_credential=published.micro_credential)
    sim.member_pages = [[{"user_id": "lms-a", "email": "ana@rural.example", "roles": [LEARNER], "status": "Active"}],
                        [{"user_id": "lms-b", "email": "ben@rural.example", "roles": [LEARNER], "status": "Active"}]]

    log_in(page, "platform_admin")
    page.goto("/lti/courses/")
    assert_accessible(page, "the LMS courses page")
    page.get_by_role("link", name="Reading PD").click()
    assert_accessible(page, "a course before its first sync")
    page.get_by_role("button", name="Enroll the course's teachers as a cohort").click()
    expect(page.get_by_text("The course's teachers are being enrolled")).to_be_visible()
    page.reload()
    row = page.get_by_role("table", name="Latest roster syncs").locator("tbody tr").first
    expect(row).to_contain_text("Done")
    link.refresh_from_db()
    assert set(link.cohort.members.values_list("email", flat=True)) == {"ana@rural.example", "ben@rural.example"}
    expect(page.get_by_text(link.cohort.name).first).to_be_visible()
    assert_accessible(page, "a course after its sync")


@pytest.mark.parametrize("width", [1280, 390])
def test_import_a_case_framework_from_the_web(page, world, live_server, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 900})
    good = tmp_path / "standards.json"
    good.write_text(json.dumps(make_case_package(title="Browser Teaching Standards")))
    bad = tmp_path / "broken.json"
    bad.write_text("{not json")

    log_in(page, "platform_admin")
    page.goto("/interop/case-import/")
    assert_accessible(page, "the CASE import page")
    page.get_by_label("CFPackage file (JSON)").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    page.reload()
    expect(page.locator("#import-state")).to_have_text("Imported")
    expect(page.get_by_text("Browser Teaching Standards")).to_be_visible()
    assert_accessible(page, "an import's result")

    page.goto("/interop/case-import/")
    page.get_by_label("CFPackage file (JSON)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    page.reload()
    expect(page.locator("#import-state")).to_have_text("Failed")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
    assert_accessible(page, "a failed import")
    page.get_by_role("link", name="Import a competency framework (CASE)").first.click()
    page.get_by_role("button", name="Import").click()  # neither a file nor an address
    expect(page.locator("#import-error")).to_contain_text("one of the two")
    assert_accessible(page, "the form with an error")
