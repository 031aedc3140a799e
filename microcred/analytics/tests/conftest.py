import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture
def analytics_world(world, published):
    """Rural district with four schools of 11, 10, 9 and 3 educators (city, suburb, town, rural), each educator
    with an attempt: the first earned, the others submitted or drafting; a district admin; the city district with
    its own admin and 12 educators."""
    from microcred.accounts import services as accounts
    from microcred.accounts.models import EducatorProfile, Organization, User
    from microcred.analytics.models import SchoolProfile
    from microcred.earning.models import Attempt, Decision, Submission

    orgs, people = world["orgs"], world["people"]
    now = timezone.now()

    def person(username, *memberships):
        user = User.objects.create_user(username=username, password=f"pw-{username}-123", email=f"{username}@example.org",
                                        first_name=username.title(), last_name="Tester")
        for organization, role in memberships:
            accounts.grant_role(user=user, organization=organization, role=role)
        return user

    people["district_admin"] = person("district_admin", (orgs["district"], "org_admin"))
    people["city_admin"] = person("city_admin", (orgs["other_district"], "org_admin"))
    sizes = {"city-school": (11, "city", True), "suburb-school": (10, "suburb", False),
             "town-school": (9, "town", True), "rural-school": (3, "rural", False)}
    schools = {}
    for slug, (n, locale, title_i) in sizes.items():
        school = Organization.objects.create(slug=slug, name=slug.replace("-", " ").title(), kind="school",
                                             parent=orgs["district"], state="TN")
        SchoolProfile.objects.create(organization=school, locale=locale, title_i=title_i, enrollment=300)
        schools[slug] = school
        for i in range(n):
            teacher = person(f"{slug}-t{i}", (school, "earner"))
            EducatorProfile.objects.create(user=teacher, district=orgs["district"], school=school)
            _attempt(teacher, published, state="earned" if i % 2 == 0 else "submitted", now=now, days=10 + i)
    for i in range(12):
        teacher = person(f"city-t{i}", (orgs["other_district"], "earner"))
        EducatorProfile.objects.create(user=teacher, district=orgs["other_district"])
        _attempt(teacher, published, state="earned", now=now, days=5)
    world["schools"] = schools
    world["mc"] = published
    return world


def _attempt(earner, version, *, state, now, days):
    from microcred.earning.models import Attempt, Decision, Submission

    started = now - dt.timedelta(days=days + 20)
    attempt = Attempt.objects.create(earner=earner, version=version, micro_credential=version.micro_credential,
                                     state=state, submitted_at=now - dt.timedelta(days=days),
                                     decided_at=now if state == "earned" else None)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=started)
    submission = Submission.objects.create(attempt=attempt, number=1,
                                           state="decided" if state == "earned" else "pending")
    Submission.objects.filter(pk=submission.pk).update(submitted_at=now - dt.timedelta(days=days))
    if state == "earned":
        Decision.objects.create(submission=submission, result="earned")
    return attempt


@pytest.fixture
def as_user(client):
    def _login(user):
        client.force_login(user)
        return client
    return _login
