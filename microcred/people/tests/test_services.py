"""The people services: each change happens, is audited, and every refusal changes nothing."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from microcred.accounts.models import Membership
from microcred.core.models import AuditEvent
from microcred.earning.models import CoachAssignment
from microcred.people import services

pytestmark = pytest.mark.django_db


def _snapshot():
    return (set(Membership.objects.values_list("user_id", "organization_id", "role")),
            set(CoachAssignment.objects.values_list("earner_id", "coach_id", "active")),
            AuditEvent.objects.count())


def test_grant_and_revoke_a_role_is_audited(district):
    p, orgs = district["people"], district["orgs"]
    services.change_role(by=p["district_admin"], person=p["teacher"], organization=orgs["school"], role="coach", grant=True)
    assert Membership.objects.filter(user=p["teacher"], organization=orgs["school"], role="coach").exists()
    assert AuditEvent.objects.filter(action="membership.granted", actor=p["district_admin"]).exists()
    services.change_role(by=p["district_admin"], person=p["teacher"], organization=orgs["school"], role="coach", grant=False)
    assert not Membership.objects.filter(user=p["teacher"], organization=orgs["school"], role="coach").exists()
    assert AuditEvent.objects.filter(action="membership.revoked", actor=p["district_admin"]).exists()


@pytest.mark.parametrize("who, whom, org, role", [
    ("district_admin", "district_admin", "district", "earner"),   # self-grant
    ("district_admin", "teacher", "district", "platform_admin"),  # platform admin is never given here
    ("district_admin", "teacher", "district", "issuer_admin"),    # not a role a district admin gives
    ("district_admin", "other_earner", "other_district", "coach"),  # another district's person
    ("city_admin", "teacher", "district", "coach"),                # another district's admin
    ("issuer_admin", "teacher", "district", "coach"),              # an issuer admin acting on a district's people
    ("issuer_admin", "dual", "district", "coach"),                 # … even one who also writes for the issuer
    ("earner", "teacher", "district", "coach"),
    ("district_coach", "teacher", "district", "coach"),
    ("platform_admin", "teacher", "district", "platform_admin"),
])
def test_role_changes_refused_change_nothing(district, who, whom, org, role):
    p, orgs = district["people"], district["orgs"]
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.change_role(by=p[who], person=p[whom], organization=orgs[org], role=role, grant=True)
    assert _snapshot() == before


def test_unknown_role_is_a_validation_error(district):
    p, orgs = district["people"], district["orgs"]
    with pytest.raises(ValidationError):
        services.change_role(by=p["district_admin"], person=p["teacher"], organization=orgs["district"], role="king", grant=True)


def test_coach_appointment_and_end(district):
    p = district["people"]
    services.appoint_coach(by=p["district_admin"], earner=p["teacher"], coach=p["district_coach"])
    assert CoachAssignment.objects.get(earner=p["teacher"], coach=p["district_coach"]).active
    services.appoint_coach(by=p["district_admin"], earner=p["teacher"], coach=p["district_coach"])  # twice: one row, one event
    assert AuditEvent.objects.filter(action="coach.assigned").count() == 1
    assert services.end_coach_assignment(by=p["district_admin"], earner=p["teacher"], coach=p["district_coach"])
    assert not CoachAssignment.objects.get(earner=p["teacher"], coach=p["district_coach"]).active
    assert AuditEvent.objects.filter(action="coach.unassigned").count() == 1
    assert not services.end_coach_assignment(by=p["district_admin"], earner=p["teacher"], coach=p["district_coach"])


@pytest.mark.parametrize("who, earner, coach", [
    ("district_admin", "teacher", "city_coach"),         # not a coach in the teacher's organizations
    ("district_admin", "district_coach", "district_coach"),  # nobody coaches themselves
    ("district_admin", "teacher", "earner"),            # not a coach at all
    ("city_admin", "teacher", "district_coach"),
    ("issuer_admin", "teacher", "district_coach"),
    ("earner", "teacher", "district_coach"),
])
def test_coach_appointments_refused(district, who, earner, coach):
    p = district["people"]
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.appoint_coach(by=p[who], earner=p[earner], coach=p[coach])
    assert _snapshot() == before


def test_cohorts(district):
    p, cohorts = district["people"], district["cohorts"]
    assert services.change_cohort(by=p["district_admin"], person=p["teacher"], cohort=cohorts["rural"], add=True)
    assert not services.change_cohort(by=p["district_admin"], person=p["teacher"], cohort=cohorts["rural"], add=True)
    assert cohorts["rural"].members.filter(pk=p["teacher"].pk).exists()
    assert services.change_cohort(by=p["district_admin"], person=p["teacher"], cohort=cohorts["rural"], add=False)
    assert not cohorts["rural"].members.exists()
    assert AuditEvent.objects.filter(action__in=["cohort.member_added", "cohort.member_removed"]).count() == 2
    with pytest.raises(PermissionDenied):
        services.change_cohort(by=p["district_admin"], person=p["teacher"], cohort=cohorts["city"], add=True)
    with pytest.raises(PermissionDenied):
        services.change_cohort(by=p["city_admin"], person=p["teacher"], cohort=cohorts["city"], add=True)
    assert not cohorts["city"].members.exists()


def test_deactivate_ends_sessions_and_keeps_memberships(district, client):
    p = district["people"]
    client.force_login(p["teacher"])
    assert client.get("/earn/").status_code == 200
    done = services.deactivate(by=p["district_admin"], person=p["teacher"])
    assert done.kind == "deactivated"
    p["teacher"].refresh_from_db()
    assert not p["teacher"].is_active
    assert Membership.objects.filter(user=p["teacher"]).count() == 2
    assert client.get("/earn/").status_code == 302  # signed out
    event = AuditEvent.objects.get(action="account.deactivated")
    assert event.data["sessions_ended"] == 1 and event.actor == p["district_admin"]
    services.reactivate(by=p["district_admin"], person=p["teacher"])
    p["teacher"].refresh_from_db()
    assert p["teacher"].is_active
    assert AuditEvent.objects.filter(action="account.reactivated").exists()


def test_someone_who_belongs_elsewhere_only_loses_the_admins_memberships(district):
    p, orgs = district["people"], district["orgs"]
    done = services.deactivate(by=p["district_admin"], person=p["dual"])
    assert done.kind == "memberships_ended"
    p["dual"].refresh_from_db()
    assert p["dual"].is_active
    assert set(Membership.objects.filter(user=p["dual"]).values_list("organization_id", "role")) == {(orgs["issuer"].pk, "author")}
    assert AuditEvent.objects.filter(action="membership.revoked", actor=p["district_admin"]).count() == 1


@pytest.mark.parametrize("who, whom", [
    ("district_admin", "district_admin"),  # oneself
    ("platform_admin", "platform_admin"),
    ("recognizer", "platform_admin"),     # a platform admin (a member of the state agency)
    ("city_admin", "teacher"),
    ("issuer_admin", "teacher"),
    ("earner", "teacher"),
    ("district_coach", "teacher"),
])
def test_deactivation_refused_changes_nothing(district, who, whom):
    p = district["people"]
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.deactivate(by=p[who], person=p[whom])
    p[whom].refresh_from_db()
    assert p[whom].is_active and _snapshot() == before


def test_deactivation_ends_only_that_persons_sessions_and_a_deactivated_coach_is_no_candidate(district):
    from django.contrib.sessions.models import Session
    from django.test import Client

    from microcred.accounts import policy

    p = district["people"]
    for name in ("teacher", "district_coach", "school_teacher"):
        Client().force_login(p[name])
    assert Session.objects.count() == 3
    services.deactivate(by=p["district_admin"], person=p["district_coach"])
    assert Session.objects.count() == 2
    assert p["district_coach"].pk not in policy.coach_candidate_ids(p["district_admin"], p["teacher"])
