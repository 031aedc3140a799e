"""A district's people admin searches the district's people, opens a teacher, gives a colleague the coach role,
assigns that coach, and deactivates someone who left — in headless Chromium at desktop (1280 px) and phone (390 px)
width, checked with axe."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.nav import nav_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district_people(world):
    from microcred.accounts import services as accounts
    from microcred.accounts.models import Organization, User

    district = world["orgs"]["district"]
    school = Organization.objects.create(slug="rural-elementary", name="Rural Elementary", kind="school", parent=district)

    def person(username, first, last, *memberships):
        user = User.objects.create_user(username=username, password=f"pw-{username}-123", first_name=first, last_name=last,
                                        email=f"{username}@example.org")
        for organization, role in memberships:
            accounts.grant_role(user=user, organization=organization, role=role)
        return user

    return {
        "admin": person("district_admin", "Grace", "Nakamura", (district, "org_admin")),
        "teacher": person("maya", "Maya", "Holloway", (district, "earner"), (school, "earner")),
        "colleague": person("omar", "Omar", "Reyes", (district, "earner"), (school, "earner")),
        "leaver": person("leaver", "Lee", "Leaving", (school, "earner")),
        "school": school,
    }


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_district_admin_manages_people(page, district_people, width):
    from microcred.accounts.models import Membership, User
    from microcred.earning.models import CoachAssignment

    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "district_admin", "pw-district_admin-123")
    nav_link(page, "People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    assert_accessible(page, "people search")

    # Give Omar the coach role at the school.
    page.get_by_label("Name, username or e-mail").fill("omar")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Omar Reyes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Omar Reyes")
    page.get_by_label("Give a role at").select_option(label="Rural Elementary")
    page.get_by_label("Role to give").select_option(label="Coach / mentor")
    page.get_by_role("button", name="Give the role").click()
    expect(page.get_by_text("Omar Reyes now holds the role “Coach / mentor” at Rural Elementary.")).to_be_visible()
    assert Membership.objects.filter(user=district_people["colleague"], organization=district_people["school"], role="coach").exists()

    # Open Maya and assign Omar as her coach.
    nav_link(page, "People").click()
    page.get_by_label("Name, username or e-mail").fill("holloway")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status").filter(has_text="1 person")).to_be_visible()
    page.get_by_role("link", name="Maya Holloway").click()
    assert_accessible(page, "a teacher's page")
    page.get_by_label("Assign a coach").select_option(label="Omar Reyes (omar)")
    page.get_by_role("button", name="Assign the coach").click()
    expect(page.get_by_text("Omar Reyes now coaches Maya Holloway.")).to_be_visible()
    assert CoachAssignment.objects.get(earner=district_people["teacher"], coach=district_people["colleague"]).active

    # Deactivate Lee, who left the district: asked first, then done.
    page.goto(f"/people/{district_people['leaver'].pk}/")
    page.get_by_role("link", name="Deactivate…").click()
    expect(page.get_by_text("will no longer be able to sign in")).to_be_visible()
    assert_accessible(page, "deactivation confirmation")
    page.get_by_role("button", name="Deactivate the account").click()
    expect(page.get_by_text("Lee Leaving's account is deactivated")).to_be_visible()
    assert not User.objects.get(username="leaver").is_active
    assert_accessible(page, "a deactivated person's page")
