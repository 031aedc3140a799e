"""A district's people admin imports a OneRoster bundle in the browser, waits for the background import to finish,
then re-imports a changed bundle and sees exactly 1 updated and 1 deactivated — at desktop (1280 px) and phone
(390 px) width, checked with axe."""
import pytest
from playwright.sync_api import expect

from microcred.rosters.tests.bundles import teacher, write_bundle, zip_folder
from tests.browser.axe import assert_accessible
from tests.browser.nav import nav_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def import_bundle(page, archive):
    nav_link(page, "Rosters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rosters and educator facts")
    page.get_by_label("Organization").select_option(label="Rural District")
    page.get_by_label("What the file holds").select_option("roster")
    page.get_by_label("File", exact=True).set_input_files(str(archive))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_label("Progress: Finished")).to_have_attribute("value", "100")


@pytest.mark.parametrize("width", [1280, 390])
def test_district_admin_imports_and_reimports_a_roster(page, world, width, tmp_path):
    from microcred.accounts import services as accounts
    from microcred.accounts.models import PersonSourcedId, User

    admin = User.objects.create_user(username="grace", password="pw-grace-123", first_name="Grace", last_name="Nakamura")
    accounts.grant_role(user=admin, organization=world["orgs"]["district"], role="org_admin")
    people = [teacher(1), teacher(2), teacher(3, org="s2")]
    first = zip_folder(write_bundle(tmp_path / "a", people, students=3), tmp_path / "first.zip")
    second = zip_folder(write_bundle(tmp_path / "b", [teacher(1, family="Married"), teacher(2)]), tmp_path / "second.zip")

    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "grace", "pw-grace-123")
    import_bundle(page, first)
    expect(page.locator("#run-counts")).to_contain_text("6 of 6 rows read")
    expect(page.locator("#run-counts")).to_contain_text("3 created, 0 updated, 0 deactivated, 0 unchanged, 3 skipped, 0 errors")
    assert_accessible(page)

    import_bundle(page, second)
    expect(page.locator("#run-counts")).to_contain_text("0 created, 1 updated, 1 deactivated, 1 unchanged")
    assert_accessible(page)
    page.get_by_role("link", name="All imports").click()
    expect(page.get_by_role("table", name="Import history").get_by_role("row")).to_have_count(3)
    assert_accessible(page)

    assert PersonSourcedId.objects.filter(organization=world["orgs"]["district"]).count() == 3  # nothing duplicated
    assert not PersonSourcedId.objects.get(sourced_id="t3").user.is_active
