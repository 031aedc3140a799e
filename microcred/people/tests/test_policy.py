"""The people rules added to accounts/policy.py."""
import pytest

from microcred.accounts import policy

pytestmark = pytest.mark.django_db


def test_who_opens_the_people_pages(district):
    p = district["people"]
    assert policy.can_open_people_pages(p["district_admin"])
    assert policy.can_open_people_pages(p["issuer_admin"])
    assert policy.can_open_people_pages(p["recognizer"])
    assert policy.can_open_people_pages(p["platform_admin"])
    for name in ("earner", "teacher", "district_coach", "author", "assessor"):
        assert not policy.can_open_people_pages(p[name]), name


def test_deactivation_rule(district):
    p = district["people"]
    admin = p["district_admin"]
    assert policy.can_deactivate_person(admin, p["teacher"])  # district + its school: all managed
    assert not policy.can_deactivate_person(admin, p["dual"])  # also an author of issuer-one
    assert not policy.can_deactivate_person(admin, admin)
    assert not policy.can_deactivate_person(admin, p["other_earner"])  # the city district's
    assert not policy.can_deactivate_person(p["city_admin"], p["teacher"])
    assert not policy.can_deactivate_person(p["platform_admin"], p["platform_admin"])
    assert policy.can_deactivate_person(p["platform_admin"], p["teacher"])


def test_coach_candidates_hold_the_coach_role_in_the_earners_managed_organizations(district):
    p = district["people"]
    admin = p["district_admin"]
    assert policy.coach_candidate_ids(admin, p["teacher"]) == {p["district_coach"].pk}
    assert policy.can_assign_coach_to(admin, p["teacher"], p["district_coach"])
    assert not policy.can_assign_coach_to(admin, p["teacher"], p["city_coach"])
    assert not policy.can_assign_coach_to(admin, p["district_coach"], p["district_coach"])  # nobody coaches themselves
    assert not policy.can_assign_coach_to(p["city_admin"], p["teacher"], p["district_coach"])
    assert not policy.can_assign_coach_to(p["earner"], p["teacher"], p["district_coach"])


def test_cohort_members_and_educator_facts(district):
    p, cohorts = district["people"], district["cohorts"]
    admin = p["district_admin"]
    assert policy.can_manage_cohort_member(admin, cohorts["rural"], p["teacher"])
    assert not policy.can_manage_cohort_member(admin, cohorts["city"], p["teacher"])
    assert not policy.can_manage_cohort_member(admin, cohorts["rural"], p["other_earner"])
    profile = p["teacher"].educator_profile
    assert policy.can_see_educator_facts(admin, profile)
    assert policy.can_see_educator_facts(p["platform_admin"], profile)
    assert not policy.can_see_educator_facts(p["city_admin"], profile)
    assert not policy.can_see_educator_facts(p["issuer_admin"], profile)
    assert not policy.can_see_educator_facts(admin, None)


@pytest.mark.parametrize("who", ["district_admin", "city_admin", "issuer_admin", "recognizer", "platform_admin", "earner"])
def test_grantable_roles_at_agrees_with_grantable_roles(district, who):
    from microcred.accounts.models import Organization

    user = district["people"][who]
    orgs = list(Organization.objects.all())
    at = policy.grantable_roles_at(user, [o.pk for o in orgs])
    for org in orgs:
        assert at.get(org.pk, ()) == policy.grantable_roles(user, org), org.slug
