"""The people pages over HTTP: search (constant queries, hostile and oversized input, nothing from elsewhere), the
person page, every action with its confirmation, refusals as the 403 page or a form error; Django's admin stays
for staff."""
import pytest
from django.test import Client

from microcred.accounts.models import Membership, User
from microcred.core.models import AuditEvent
from microcred.earning.models import CoachAssignment

pytestmark = pytest.mark.django_db


def test_district_admin_searches_only_their_people(district, as_user):
    p = district["people"]
    client = as_user(p["district_admin"])
    html = client.get("/people/").content.decode()
    for name in ("Holloway", "Reyes", "Whitaker", "Dual", "Nakamura"):
        assert name in html
    for outsider in ("other_earner@", "city_coach@", "issuer_admin@", "recognizer@"):
        assert outsider not in html
    # dual's authorship at issuer-one is not the district admin's business
    assert "Issuer One" not in html
    html = client.get("/people/", {"q": "maya holl"}).content.decode()
    assert "Holloway" in html and "Reyes" not in html
    html = client.get("/people/", {"q": "city_coach"}).content.decode()
    assert "city_coach@" not in html and "Nobody matches" in html
    html = client.get("/people/", {"role": "coach"}).content.decode()
    assert "Whitaker" in html and "Holloway" not in html
    school = district["orgs"]["school"]
    html = client.get("/people/", {"organization": school.pk}).content.decode()
    assert "Reyes" in html and "Dual" not in html


def test_a_filter_on_an_organization_one_does_not_manage_is_a_form_error(district, as_user):
    p = district["people"]
    response = as_user(p["district_admin"]).get("/people/", {"organization": district["orgs"]["other_district"].pk})
    assert response.status_code == 400
    assert "Other_Earner" not in response.content.decode() and "errorlist" in response.content.decode()


@pytest.mark.parametrize("q", ["' OR 1=1 --", "%", "_", "<script>alert(1)</script>", "\\", "ma%ya"])
def test_hostile_searches_find_nothing_they_should_not(district, as_user, q):
    response = as_user(district["people"]["district_admin"]).get("/people/", {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "Holloway" not in html  # no wildcard matches everyone


@pytest.mark.parametrize("params", [{"q": "x" * 101}, {"q": "a b c d e f g"}, {"role": "king"}, {"status": "zombie"},
                                    {"organization": "not-a-number"}, {"organization": "999999"}])
def test_bad_search_input_is_a_form_error(district, as_user, params):
    response = as_user(district["people"]["district_admin"]).get("/people/", params)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_oversized_page_numbers_are_harmless(district, as_user):
    response = as_user(district["people"]["district_admin"]).get("/people/", {"page": "99999999999999999999"})
    assert response.status_code == 200


def test_search_costs_constant_queries(district, as_user, django_assert_max_num_queries):
    from microcred.accounts import services as accounts

    p, orgs = district["people"], district["orgs"]
    client = as_user(p["district_admin"])
    client.get("/people/")  # warm caches (content types, session)

    def measure():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/people/", {"status": "active"}).status_code == 200
        return len(ctx.captured_queries)

    few = measure()
    users = User.objects.bulk_create([User(username=f"bulk{i:04d}", first_name="Bulk", last_name=f"Person {i:04d}",
                                           email=f"bulk{i}@example.org") for i in range(300)])
    Membership.objects.bulk_create([Membership(user=u, organization=orgs["school" if i % 2 else "district"], role="earner")
                                    for i, u in enumerate(users)])
    accounts.grant_role(user=users[0], organization=orgs["school"], role="coach")
    client.get("/people/")  # the menu is kept per person and retired by the grant above (decision 0050)
    with django_assert_max_num_queries(few):
        response = client.get("/people/", {"status": "active"})
    assert response.status_code == 200
    managed = Membership.objects.filter(organization__in=[orgs["district"], orgs["school"]]).values("user_id").distinct().count()
    assert f"{managed} people" in response.content.decode()
    with django_assert_max_num_queries(few):
        assert client.get("/people/", {"status": "active", "page": 5}).status_code == 200


def test_people_pages_refuse_those_who_manage_nobody(district, as_user):
    p = district["people"]
    for name in ("earner", "teacher", "district_coach", "author"):
        client = as_user(p[name])
        assert client.get("/people/").status_code == 403
        assert client.get(f"/people/{p['teacher'].pk}/").status_code == 403
    assert Client().get("/people/").status_code == 302


def test_person_page_shows_only_the_admins_organizations(district, as_user):
    p = district["people"]
    client = as_user(p["district_admin"])
    html = client.get(f"/people/{p['dual'].pk}/").content.decode()
    assert "Earner (educator) — Rural District" in html
    assert "Issuer One" not in html and "Author" not in html
    html = client.get(f"/people/{p['teacher'].pk}/").content.decode()
    assert "Highly effective" in html and "Professional" in html
    # people elsewhere are not found, whatever their id
    for other in ("other_earner", "issuer_admin", "city_coach"):
        assert client.get(f"/people/{p[other].pk}/").status_code == 404
    assert client.get("/people/99999999/").status_code == 404


def test_an_issuer_admin_sees_an_author_but_not_their_district_facts(district, as_user):
    p = district["people"]
    client = as_user(p["issuer_admin"])
    html = client.get(f"/people/{p['dual'].pk}/").content.decode()
    assert "Author — Issuer One" in html and "Rural District" not in html
    assert client.get(f"/people/{p['teacher'].pk}/").status_code == 404


def test_grant_a_role_through_the_page(district, as_user):
    p, orgs = district["people"], district["orgs"]
    client = as_user(p["district_admin"])
    response = client.post(f"/people/{p['teacher'].pk}/roles/", {"organization": orgs["school"].pk, "role": "coach", "action": "grant"})
    assert response.status_code == 302
    assert Membership.objects.filter(user=p["teacher"], organization=orgs["school"], role="coach").exists()
    assert "now holds the role" in client.get(response.url).content.decode()


def test_taking_a_role_away_asks_first(district, as_user):
    p, orgs = district["people"], district["orgs"]
    client = as_user(p["district_admin"])
    data = {"organization": orgs["school"].pk, "role": "earner", "action": "revoke"}
    response = client.post(f"/people/{p['teacher'].pk}/roles/", data)
    assert response.status_code == 200 and 'name="confirmed" value="yes"' in response.content.decode()
    assert Membership.objects.filter(user=p["teacher"], organization=orgs["school"], role="earner").exists()
    response = client.post(f"/people/{p['teacher'].pk}/roles/", {**data, "confirmed": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(user=p["teacher"], organization=orgs["school"], role="earner").exists()


@pytest.mark.parametrize("data", [{"organization": "nope", "role": "coach"}, {"organization": "", "role": "coach"},
                                  {"role": "coach"}, {"organization": "1", "role": ["x" * 5000]}])
def test_bad_role_input_is_a_form_error(district, as_user, data):
    p = district["people"]
    before = AuditEvent.objects.count()
    response = as_user(p["district_admin"]).post(f"/people/{p['teacher'].pk}/roles/", data)
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_refusals_are_the_403_page_with_a_message(district, as_user):
    p, orgs = district["people"], district["orgs"]
    client = as_user(p["district_admin"])
    response = client.post(f"/people/{p['teacher'].pk}/roles/", {"organization": orgs["district"].pk, "role": "platform_admin"})
    assert response.status_code == 403 and "Platform admin" in response.content.decode()
    response = client.post(f"/people/{p['district_admin'].pk}/roles/", {"organization": orgs["district"].pk, "role": "coach"})
    assert response.status_code == 403 and "your own roles" in response.content.decode()
    assert not Membership.objects.filter(role="platform_admin", user=p["teacher"]).exists()
    # another district's admin: the person is not found at all
    response = as_user(p["city_admin"]).post(f"/people/{p['teacher'].pk}/roles/", {"organization": orgs["district"].pk, "role": "coach"})
    assert response.status_code == 404


def test_assign_and_end_a_coach(district, as_user):
    p = district["people"]
    client = as_user(p["district_admin"])
    url = f"/people/{p['teacher'].pk}/coaches/"
    html = client.get(f"/people/{p['teacher'].pk}/").content.decode()
    assert "Whitaker" in html and "city_coach" not in html
    assert client.post(url, {"coach": p["district_coach"].pk, "action": "assign"}).status_code == 302
    assert CoachAssignment.objects.get(earner=p["teacher"], coach=p["district_coach"]).active
    response = client.post(url, {"coach": p["district_coach"].pk, "action": "unassign"})
    assert response.status_code == 200 and "End the assignment" in response.content.decode()
    assert client.post(url, {"coach": p["district_coach"].pk, "action": "unassign", "confirmed": "yes"}).status_code == 302
    assert not CoachAssignment.objects.get(earner=p["teacher"], coach=p["district_coach"]).active


@pytest.mark.parametrize("coach", ["city_coach", "earner", "teacher"])
def test_a_coach_outside_the_list_is_a_form_error(district, as_user, coach):
    p = district["people"]
    response = as_user(p["district_admin"]).post(f"/people/{p['teacher'].pk}/coaches/", {"coach": p[coach].pk})
    assert response.status_code == 400 and "Choose a coach from the list" in response.content.decode()
    assert not CoachAssignment.objects.exists()


def test_cohorts_through_the_page(district, as_user):
    p, cohorts = district["people"], district["cohorts"]
    client = as_user(p["district_admin"])
    url = f"/people/{p['teacher'].pk}/cohorts/"
    assert client.post(url, {"cohort": cohorts["rural"].pk}).status_code == 302
    assert cohorts["rural"].members.filter(pk=p["teacher"].pk).exists()
    assert client.post(url, {"cohort": cohorts["city"].pk}).status_code == 400  # not a cohort of theirs
    assert client.post(url, {"cohort": cohorts["rural"].pk, "action": "remove"}).status_code == 200  # asks first
    assert cohorts["rural"].members.exists()
    assert client.post(url, {"cohort": cohorts["rural"].pk, "action": "remove", "confirmed": "yes"}).status_code == 302
    assert not cohorts["rural"].members.exists()


def test_deactivate_through_the_page(district, as_user):
    p = district["people"]
    client = as_user(p["district_admin"])
    url = f"/people/{p['school_teacher'].pk}/deactivate/"
    assert "will no longer be able to sign in" in client.get(url).content.decode()
    assert client.post(url).status_code == 200  # without confirmation: the question again
    p["school_teacher"].refresh_from_db()
    assert p["school_teacher"].is_active
    response = client.post(url, {"confirmed": "yes"}, follow=True)
    p["school_teacher"].refresh_from_db()
    assert not p["school_teacher"].is_active
    assert "credentials stay valid" in response.content.decode()
    assert client.post(f"/people/{p['school_teacher'].pk}/reactivate/").status_code == 302
    p["school_teacher"].refresh_from_db()
    assert p["school_teacher"].is_active


def test_deactivating_someone_who_belongs_elsewhere_says_so(district, as_user):
    p = district["people"]
    client = as_user(p["district_admin"])
    url = f"/people/{p['dual'].pk}/deactivate/"
    assert "also belongs to organizations you do not manage" in client.get(url).content.decode()
    response = client.post(url, {"confirmed": "yes"}, follow=True)
    assert "account stays active" in response.content.decode()
    p["dual"].refresh_from_db()
    assert p["dual"].is_active and p["dual"].memberships.count() == 1


def test_deactivating_oneself_is_refused(district, as_user):
    p = district["people"]
    client = as_user(p["district_admin"])
    url = f"/people/{p['district_admin'].pk}/deactivate/"
    assert "cannot deactivate your own account" in client.get(url).content.decode()
    assert client.post(url, {"confirmed": "yes"}).status_code == 403
    p["district_admin"].refresh_from_db()
    assert p["district_admin"].is_active


def test_posts_need_the_csrf_token(district):
    p, orgs = district["people"], district["orgs"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(p["district_admin"])
    response = client.post(f"/people/{p['teacher'].pk}/roles/", {"organization": orgs["school"].pk, "role": "coach"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=p["teacher"], role="coach").exists()


def test_menu_offers_people_to_people_admins_only(district, as_user):
    p = district["people"]
    assert 'href="/people/"' in as_user(p["district_admin"]).get("/earn/").content.decode()
    assert 'href="/people/"' not in as_user(p["teacher"]).get("/earn/").content.decode()


@pytest.mark.parametrize("who", ["district_admin", "issuer_admin", "recognizer", "platform_admin"])
def test_django_admin_stays_for_staff(district, who):
    """Organization, issuer and recognizer admins (and platform admins without is_staff) never open /admin/."""
    client = Client()
    client.force_login(district["people"][who])
    final = client.get("/admin/", follow=True)
    assert final.status_code == 403 and "does not have access to the administration site" in final.content.decode()
    assert "Site administration" not in final.content.decode()
    assert client.get("/admin/accounts/user/").status_code in (302, 403)


def test_person_page_costs_constant_queries(district, as_user, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from microcred.accounts.models import Organization
    from microcred.earning.models import Cohort

    p, orgs = district["people"], district["orgs"]
    client = as_user(p["district_admin"])
    url = f"/people/{p['teacher'].pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    few = len(ctx.captured_queries)
    schools = Organization.objects.bulk_create([Organization(slug=f"school-{i}", name=f"School {i}", kind="school",
                                                             parent=orgs["district"]) for i in range(60)])
    Cohort.objects.bulk_create([Cohort(organization=schools[i], name=f"Cohort {i}") for i in range(60)])
    coaches = User.objects.bulk_create([User(username=f"coach{i}", last_name=f"Coach {i}") for i in range(60)])
    Membership.objects.bulk_create([Membership(user=c, organization=orgs["district"], role="coach") for c in coaches])
    CoachAssignment.objects.bulk_create([CoachAssignment(earner=p["teacher"], coach=c) for c in coaches[:20]])
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200 and "Cohort 59" in response.content.decode() and "School 59" in response.content.decode()
