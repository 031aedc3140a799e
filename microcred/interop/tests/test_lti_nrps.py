"""LTI Advantage Names and Role Provisioning Services: a launch with the membership claim keeps its course link; an
administrator of the LMS's organization enrolls the course's learners (two pages of membership served by the
simulated platform) as a cohort; the refusals; who may not."""
from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from microcred.accounts import services as accounts
from microcred.core.models import AuditEvent
from microcred.earning.models import Cohort
from microcred.interop.lti import messages as m
from microcred.interop.lti import roster
from microcred.interop.models import LtiCourseLink, LtiIdentity, LtiRosterSync

from .test_lti import launch, platform, sim, tool_key, _fresh_caches  # noqa: F401 — the LTI fixtures

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def member(sub, email, roles=(LEARNER,), **extra):
    return {"user_id": sub, "email": email, "given_name": sub.title(), "family_name": "Teacher", "status": "Active",
            "roles": list(roles), **extra}


@pytest.fixture
def district_admin(world):
    from microcred.accounts.models import User

    user = User.objects.create_user(username="district_admin", password="pw-district-admin-123", email="da@example.org")
    accounts.grant_role(user=user, organization=world["orgs"]["district"], role="org_admin")
    return user


@pytest.fixture
def other_org_admin(world):
    from microcred.accounts.models import User

    user = User.objects.create_user(username="city_admin", password="pw-city-admin-123", email="ca@example.org")
    accounts.grant_role(user=user, organization=world["orgs"]["other_district"], role="org_admin")
    return user


@pytest.fixture
def course(client, sim, platform, published):
    response, *_ = launch(client, sim, custom={"microcred_mc": published.micro_credential.slug},
                          **{m.NRPS_CLAIM: sim.nrps()})
    assert response.status_code == 200, response.content[:300]
    client.logout()
    return LtiCourseLink.objects.get()


def sync_as(client, user, link, capture):
    client.force_login(user)
    with capture(execute=True):
        return client.post(f"/lti/courses/{link.pk}/sync/")


def test_a_launch_with_the_membership_claim_keeps_the_course_link(course, sim, published):
    assert course.memberships_url == sim.url("/memberships?page=0") and course.context_id == "course-7"
    assert course.context_title == "Reading PD" and course.micro_credential == published.micro_credential


def test_a_launch_without_the_claim_or_with_a_bad_address_keeps_none(client, sim, platform, published):
    launch(client, sim, custom={"microcred_mc": published.micro_credential.slug})
    launch(client, sim, custom={"microcred_mc": published.micro_credential.slug},
           **{m.NRPS_CLAIM: {"context_memberships_url": "ftp://lms.example/members"}})
    launch(client, sim, custom={"microcred_mc": published.micro_credential.slug}, **{m.NRPS_CLAIM: "not an object"})
    assert not LtiCourseLink.objects.exists()


def test_admin_enrolls_the_courses_learners_over_two_pages(client, sim, course, world, district_admin,
                                                           django_capture_on_commit_callbacks):
    earner = world["people"]["earner"]
    sim.member_pages = [
        [member("lms-a", "ana@rural.example"), member("lms-i", "inst@rural.example", roles=(INSTRUCTOR,)),
         member("lms-e", earner.email)],
        [member("lms-b", "ben@rural.example"), member("lms-gone", "gone@rural.example", status="Inactive")],
    ]
    response = sync_as(client, district_admin, course, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    sync = LtiRosterSync.objects.get()
    assert sync.state == "done" and sync.pages == 2, sync.error
    assert (sync.added, sync.already, sync.skipped) == (3, 0, 2)
    assert all(r["accept"] == m.NRPS_MEDIA_TYPE for r in sim.membership_requests)
    assert sim.token_requests[-1]["scope"] == m.SCOPE_NRPS
    course.refresh_from_db()
    cohort = course.cohort
    assert cohort.organization == world["orgs"]["district"] and list(cohort.micro_credentials.all()) == [course.micro_credential]
    usernames = set(cohort.members.values_list("email", flat=True))
    assert usernames == {"ana@rural.example", earner.email, "ben@rural.example"}
    assert LtiIdentity.objects.get(subject="lms-e").user == earner  # matched the way a launch matches
    # Again: nobody is added twice, and a launch by one of them signs into the same account.
    sync_as(client, district_admin, course, django_capture_on_commit_callbacks)
    again = LtiRosterSync.objects.first()
    assert (again.added, again.already) == (0, 3) and Cohort.objects.count() == 1
    assert AuditEvent.objects.filter(action="lti.roster_synced").count() == 2
    page = client.get(f"/lti/courses/{course.pk}/").content.decode()
    assert "Enroll the course&#x27;s teachers as a cohort" in page or "Enroll the course's teachers" in page
    assert cohort.name in page


@pytest.mark.parametrize("pages, words", [
    ([b"{not json"], "not JSON"),
    ([b'{"members": "everyone"}'], "not a membership container"),
    ([b'["a list"]'], "not a JSON object"),
    ([b'{"members": ["x"]}'], "not a membership container"),
])
def test_bad_membership_answers_enroll_nobody(client, sim, course, district_admin, pages, words,
                                              django_capture_on_commit_callbacks):
    sim.member_pages = pages
    sync_as(client, district_admin, course, django_capture_on_commit_callbacks)
    sync = LtiRosterSync.objects.get()
    assert sync.state == "failed" and words in sync.error and sync.added == 0
    assert AuditEvent.objects.filter(action="lti.roster_sync_failed").exists()
    page = client.get(f"/lti/courses/{course.pk}/")
    assert page.status_code == 200 and words in page.content.decode()


def test_an_oversized_answer_a_token_failure_and_too_many_pages_are_refused(client, sim, course, district_admin,
                                                                           monkeypatch, django_capture_on_commit_callbacks):
    from microcred.interop.lti import transport

    monkeypatch.setattr(transport, "MAX_ANSWER_BYTES", 100)
    sim.member_pages = [[member(f"lms-{i}", f"t{i}@rural.example") for i in range(5)]]
    sync_as(client, district_admin, course, django_capture_on_commit_callbacks)
    assert "too large" in LtiRosterSync.objects.first().error
    monkeypatch.setattr(transport, "MAX_ANSWER_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(roster, "MAX_PAGES", 2)
    sim.member_pages = [[member("lms-a", "a@rural.example")]] * 3
    sync_as(client, district_admin, course, django_capture_on_commit_callbacks)
    assert "more than 2 pages" in LtiRosterSync.objects.first().error
    from microcred.interop.lti import services

    services._token_cache.clear()
    sim.tool_jwks = {"keys": []}  # the platform no longer knows the tool's key: no token
    sync_as(client, district_admin, course, django_capture_on_commit_callbacks)
    assert "no access token" in LtiRosterSync.objects.first().error
    assert not Cohort.objects.filter(members__isnull=False).exists()


def test_a_staff_account_or_another_organizations_account_is_skipped_with_a_note(client, sim, course, world, district_admin,
                                                                                django_capture_on_commit_callbacks):
    sim.member_pages = [[member("lms-x", world["people"]["other_earner"].email),
                         member("lms-y", world["people"]["assessor"].email), member("", "nobody@rural.example")]]
    sync_as(client, district_admin, course, django_capture_on_commit_callbacks)
    sync = LtiRosterSync.objects.get()
    assert sync.state == "done" and (sync.added, sync.skipped) == (0, 3) and len(sync.problems) == 3


@pytest.mark.parametrize("who", ["earner", "other_org_admin", "issuer_admin"])
def test_who_may_not_see_or_sync_a_course(client, course, world, other_org_admin, who,
                                          django_capture_on_commit_callbacks):
    user = other_org_admin if who == "other_org_admin" else world["people"][who]
    client.force_login(user)
    assert client.get(f"/lti/courses/{course.pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/lti/courses/{course.pk}/sync/").status_code == 404
    assert course.pk not in [l.pk for l in __import__("microcred.interop.selectors", fromlist=["x"]).lti_courses_for(user)]
    assert not LtiRosterSync.objects.exists()


def test_anonymous_and_get_are_refused(client, course, district_admin):
    assert client.get(f"/lti/courses/{course.pk}/").status_code == 302
    client.force_login(district_admin)
    assert client.get(f"/lti/courses/{course.pk}/sync/").status_code == 405


def test_courses_page_queries_do_not_grow(client, course, district_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(district_admin)
    client.get("/lti/courses/")
    with CaptureQueriesContext(connection) as one:
        client.get("/lti/courses/")
    for n in range(5):
        LtiCourseLink.objects.create(platform=course.platform, context_id=f"c{n}", resource_link_id="r",
                                     memberships_url=course.memberships_url, micro_credential=course.micro_credential)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/lti/courses/")
    assert response.status_code == 200 and response.content.decode().count("/lti/courses/") >= 6
    assert len(many) == len(one)


def test_the_command_syncs_a_link(sim, course, district_admin, capsys):
    sim.member_pages = [[member("lms-a", "ana@rural.example")]]
    call_command("lti_sync_roster", str(course.pk), "--as", district_admin.username)
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["state"] == "done" and out["added"] == 1
