"""The expertise finder: leaders find opted-in holders in their own organizations only; mentors offered to earners."""
import pytest
from django.utils import timezone

from microcred.analytics.models import Findability


@pytest.fixture
def holders(analytics_world):
    """Credentials for three rural teachers (two findable, one mentoring) and one city teacher (findable)."""
    from unittest import mock

    from microcred.accounts.models import User
    from microcred.credentials.models import IssuedCredential

    people = {}
    for username, findable, mentors in (("city-school-t0", True, True), ("city-school-t2", True, False),
                                        ("city-school-t4", False, False), ("city-t0", True, False)):
        user = User.objects.get(username=username)
        attempt = user.attempts.get()
        from microcred.credentials.services import issue_for_attempt
        issue_for_attempt(attempt)
        Findability.objects.create(user=user, findable=findable, offers_mentoring=mentors)
        people[username] = user
    return people


def test_a_district_leader_finds_opted_in_holders_of_their_district(analytics_world, holders, as_user):
    mc = analytics_world["mc"].micro_credential
    c = as_user(analytics_world["people"]["district_admin"])
    html = c.get("/analytics/expertise/", {"micro_credential": mc.pk}).content.decode()
    assert "City-School-T0" in html and "City-School-T2" in html
    assert "City-School-T4" not in html  # did not opt in
    assert "City-T0" not in html  # another district
    # a stack holding the MC finds the same people
    from microcred.catalog.models import Stack, StackItem
    stack = Stack.objects.create(slug="s", title="Formative assessment", owner=analytics_world["orgs"]["issuer"])
    StackItem.objects.create(stack=stack, micro_credential=mc, position=1)
    html = c.get("/analytics/expertise/", {"stack": stack.pk}).content.decode()
    assert "City-School-T0" in html and "City-School-T4" not in html


def test_teachers_cannot_search_and_hostile_input_is_refused(analytics_world, holders, as_user):
    assert as_user(analytics_world["people"]["earner"]).get("/analytics/expertise/").status_code == 403
    c = as_user(analytics_world["people"]["district_admin"])
    response = c.get("/analytics/expertise/", {"micro_credential": "<script>x</script>", "stack": "=cmd"})
    assert response.status_code == 200 and "<script>x" not in response.content.decode()


def test_an_earner_sees_who_offers_to_mentor(analytics_world, holders, as_user):
    learner = analytics_world["people"]["earner"]
    from microcred.earning.models import Attempt
    version = analytics_world["mc"]
    Attempt.objects.create(earner=learner, version=version, micro_credential=version.micro_credential)
    html = as_user(learner).get("/analytics/me/").content.decode()
    assert "Mentors for what you are working on" in html and "City-School-T0" in html and "City-School-T2" not in html
