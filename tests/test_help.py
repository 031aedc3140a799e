"""The help page (issue 15 finding 10: teachers could not find help, contacts or turnaround promises): each person sees
the sections of the roles they hold, whom in their own organizations to ask, and each issuer's turnaround."""
import re

import pytest

from microcred.assessment.models import IssuerPolicy
from microcred.people.tests.conftest import as_user, district  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def section_ids(html: str) -> set[str]:
    return set(re.findall(r'<section class="card help" id="help-([a-z-]+)"', html))


def test_a_visitor_sees_how_to_start_and_what_turnaround_to_expect(client, world):
    IssuerPolicy.objects.create(organization=world["orgs"]["issuer"], turnaround_business_days=9)
    page = client.get("/help/")
    html = page.content.decode()
    assert page.status_code == 200
    assert section_ids(html) == {"start", "earner", "after-submit"}
    assert "9 working days" in html and world["orgs"]["issuer"].name in html
    assert "Forgot your password?" in html


def test_a_teacher_sees_their_own_sections_and_their_administrators_only(district, as_user):
    html = as_user(district["people"]["teacher"]).get("/help/").content.decode()
    assert section_ids(html) == {"start", "earner", "after-submit", "credentials", "account"}
    assert "Grace Nakamura" in html and "district_admin@example.org" in html  # their district's people admin
    assert "city_admin@example.org" not in html  # another district's admin is nobody's business here


def test_a_school_teacher_is_pointed_to_the_district_above_the_school(district, as_user):
    html = as_user(district["people"]["school_teacher"]).get("/help/").content.decode()
    assert "Grace Nakamura" in html


@pytest.mark.parametrize("who,expected", [
    ("assessor", {"assessor"}), ("author", {"author"}), ("issuer_admin", {"issuer", "assessment-lead", "author", "people-admin"}),
    ("recognizer", {"recognizer", "people-admin"}), ("district_admin", {"people-admin"}), ("district_coach", {"coach"}),
])
def test_role_sections_follow_the_policy(district, as_user, who, expected):
    html = as_user(district["people"][who]).get("/help/").content.decode()
    role_sections = section_ids(html) - {"start", "earner", "after-submit", "credentials", "account"}
    assert role_sections == expected


def test_hostile_organization_names_are_escaped(district, as_user):
    district["orgs"]["district"].name = "<script>alert(1)</script>"
    district["orgs"]["district"].save()
    html = as_user(district["people"]["teacher"]).get("/help/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_the_page_keeps_a_constant_number_of_queries(district, as_user, django_assert_max_num_queries):
    from microcred.accounts import services as accounts
    from microcred.accounts.models import User

    client = as_user(district["people"]["teacher"])
    client.get("/help/")
    with django_assert_max_num_queries(14) as few:
        client.get("/help/")
    few = len(few.captured_queries)  # read now: every request empties the connection's query log
    for n in range(15):
        admin = User.objects.create_user(username=f"extra{n}", email=f"extra{n}@example.org")
        accounts.grant_role(user=admin, organization=district["orgs"]["district"], role="org_admin")
        IssuerPolicy.objects.get_or_create(organization=district["orgs"]["other_issuer"])
    client.get("/help/")  # the menu is kept per person and retired by the grants above (decision 0050)
    with django_assert_max_num_queries(few):
        html = client.get("/help/").content.decode()
    assert "extra14@example.org" in html


def test_the_footer_links_to_help(client):
    assert 'href="/help/">Help and contact</a>' in client.get("/help/").content.decode()
