import pytest


@pytest.fixture
def district(world):
    """The root world plus a district's people: rural-district (with a school) and its org_admin, teachers, a coach,
    a cohort; the city district's own admin, teacher and cohort; a teacher who also writes for issuer-one."""
    from microcred.accounts import services as accounts
    from microcred.accounts.models import EducatorProfile, Organization, User
    from microcred.earning.models import Cohort

    orgs, people = world["orgs"], world["people"]
    school = Organization.objects.create(slug="rural-elementary", name="Rural Elementary", kind="school",
                                         parent=orgs["district"], state="TN")
    orgs["school"] = school

    def person(username, *memberships, first=None, last="Tester", **extra):
        user = User.objects.create_user(username=username, password=f"pw-{username}-123", email=f"{username}@example.org",
                                        first_name=first or username.title(), last_name=last, **extra)
        for organization, role in memberships:
            accounts.grant_role(user=user, organization=organization, role=role)
        return user

    people["district_admin"] = person("district_admin", (orgs["district"], "org_admin"), first="Grace", last="Nakamura")
    people["city_admin"] = person("city_admin", (orgs["other_district"], "org_admin"))
    people["teacher"] = person("teacher", (orgs["district"], "earner"), (school, "earner"), first="Maya", last="Holloway")
    people["school_teacher"] = person("school_teacher", (school, "earner"), first="Omar", last="Reyes")
    people["district_coach"] = person("district_coach", (orgs["district"], "coach"), (school, "coach"), first="Renee", last="Whitaker")
    people["city_coach"] = person("city_coach", (orgs["other_district"], "coach"))
    people["dual"] = person("dual", (orgs["district"], "earner"), (orgs["issuer"], "author"), first="Dana", last="Dual")
    EducatorProfile.objects.create(user=people["teacher"], district=orgs["district"], school=school, license_type="Professional",
                                   years_experience=7, evaluation_rating="Highly effective",
                                   evaluation_growth_areas=["questioning"], license_number="TN-123")
    cohorts = {"rural": Cohort.objects.create(organization=orgs["district"], name="Rural spring cohort"),
               "city": Cohort.objects.create(organization=orgs["other_district"], name="City spring cohort")}
    world["cohorts"] = cohorts
    return world


@pytest.fixture
def as_user(client):
    def _login(user):
        client.force_login(user)
        return client
    return _login
