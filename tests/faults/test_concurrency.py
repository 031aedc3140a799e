"""Races on the core loop that the apps' own concurrency tests do not cover: exactly one of each.

Already covered elsewhere (not repeated here):
- double submit and two decisions at once: microcred/earning/tests/test_concurrency.py
- double score of one item: microcred/assessment/tests/test_concurrency.py

Here: simultaneous adjudication (two senior assessors claiming the same adjudication, one adjudicator's double
click), simultaneous issuance of one earned attempt, simultaneous revocation of one credential by two issuer admins,
revocations of different credentials sharing one status list, and simultaneous recognition evaluation of one
educator. Real threads with their own database connections; they run on SQLite (WAL, immediate transactions:
writers queue) and on PostgreSQL (row locks) — CI runs both.
"""
import threading

import pytest
from django.db import connection

from microcred.accounts import services as account_services
from microcred.accounts.models import User
from microcred.assessment import services as assessment
from microcred.assessment.models import Assignment, Review, Score
from microcred.assessment.tests.factories import certified_pool, levels, submitted
from microcred.core.models import AuditEvent
from microcred.credentials import services as credentials
from microcred.credentials.models import IssuedCredential, StatusList
from microcred.credentials.status import get_bit
from microcred.credentials.tests.conftest import earn
from microcred.earning.models import Decision
from microcred.recognition import services as recognition
from microcred.recognition.models import Award
from microcred.recognition.tests.factories import TENNESSEE, doc

pytestmark = pytest.mark.django_db(transaction=True)


def race(fns):
    """Run the callables at the same instant, one thread each; return (results, errors) in order."""
    barrier, results, errors = threading.Barrier(len(fns)), [None] * len(fns), [None] * len(fns)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # collected and asserted by the caller
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    return results, errors


def audit_count(action, target):
    return AuditEvent.objects.filter(action=action, target_type=target._meta.label_lower, target_id=str(target.pk)).count()


# --- adjudication ---------------------------------------------------------------------------------------

@pytest.fixture
def in_adjudication(world, published):
    """A review whose two readers disagreed: it waits for a senior adjudicator (auto-assigned one released)."""
    mc = published.micro_credential
    pool = certified_pool(world, mc, n=6, senior=(0, 1, 2, 3, 4, 5))
    review = assessment.open_review(submission=submitted(world["people"]["earner"], mc))  # calibration period: double
    first = review.assignments.get(role="first")
    assessment.submit_scores(assignment=first, by=first.assessor, levels=levels(review.version, "top"))
    second = review.assignments.get(role="second")
    assessment.submit_scores(assignment=second, by=second.assessor, levels=levels(review.version, "low"))
    review.refresh_from_db()
    assert review.stage == "adjudication"
    return review, pool


def test_two_seniors_claiming_one_adjudication_get_one_assignment(world, in_adjudication):
    review, pool = in_adjudication
    # The item waits in the open queue, as when no senior assessor was free the moment it needed adjudication.
    Assignment.objects.filter(review=review, role="adjudicator").update(state="released")
    readers = {a.assessor_id for a in review.assignments.all()}
    seniors = [p for p in pool if p.pk not in readers][:2]
    assert len(seniors) == 2
    results, errors = race([lambda who=who: assessment.claim(review=Review.objects.get(pk=review.pk), by=who) for who in seniors])
    winners = [r for r in results if r is not None]
    assert len(winners) == 1, errors
    assert len(winners) == 1
    assert [str(e) for e in errors if e is not None] == ["['Someone already has this item.']"]
    live = review.assignments.filter(role="adjudicator").exclude(state="released")
    assert live.count() == 1 and live.get().assessor_id == winners[0].assessor_id


def test_adjudicator_double_click_makes_one_decision(world, in_adjudication):
    review, _ = in_adjudication
    item = review.assignments.get(role="adjudicator")
    results, errors = race([lambda: assessment.submit_scores(assignment=Assignment.objects.get(pk=item.pk), by=item.assessor,
                                                             levels=levels(review.version, "low"))] * 3)
    assert errors == [None] * 3
    assert Decision.objects.filter(submission=review.submission).count() == 1
    assert Score.objects.filter(assignment=item).count() == len(levels(review.version))
    assert audit_count("review.decided", review) == 1
    review.refresh_from_db()
    assert (review.stage, review.final_result) == ("decided", "not_yet")


# --- issuance and revocation ------------------------------------------------------------------------------

def test_simultaneous_issuance_of_one_attempt_issues_once(world, published):
    attempt = earn(world, published)
    results, errors = race([lambda: credentials.issue_for_attempt(attempt)] * 4)
    assert errors == [None] * 4
    assert len({r.pk for r in results}) == 1
    issued = IssuedCredential.objects.get(attempt=attempt)
    assert audit_count("credential.issued", issued) == 1
    # Only the winner took a status-list index (indexes are random; next_index counts those handed out).
    handed_out = StatusList.objects.get(pk=issued.status_list_id).next_index
    assert handed_out == IssuedCredential.objects.filter(status_list_id=issued.status_list_id).count() == 1


@pytest.fixture
def second_admin(world):
    user = User.objects.create_user(username="issuer_admin_2", password="pw-issuer_admin_2-123")
    account_services.grant_role(user=user, organization=world["orgs"]["issuer"], role="issuer_admin")
    return user


def test_two_admins_revoking_one_credential_make_one_revocation(world, published, second_admin):
    issued = credentials.issue_for_attempt(earn(world, published))
    admins = [world["people"]["issuer_admin"], second_admin]
    results, errors = race([lambda who=who, why=why: credentials.revoke(IssuedCredential.objects.get(pk=issued.pk), by=who, reason=why)
                            for who, why in zip(admins, ["Plagiarised evidence", "Evidence not the earner's own"])])
    assert errors == [None, None]
    issued.refresh_from_db()
    assert issued.revoked_at is not None and issued.revoked_by_id in {a.pk for a in admins}
    assert audit_count("credential.revoked", issued) == 1
    # The second admin got the first revocation back, unchanged.
    assert {r.revocation_reason for r in results} == {issued.revocation_reason}
    bits = StatusList.objects.get(pk=issued.status_list_id).bits
    assert get_bit(bits, issued.status_index)
    assert sum(bin(b).count("1") for b in bytes(bits)) == 1  # that bit and no other


def test_revocations_of_different_credentials_in_one_list_are_all_kept(world, publish_mc):
    # Four earners' credentials share issuer-one's revocation list; revoking them at once must not lose a bit.
    from microcred.accounts.models import Role

    versions = [publish_mc(title=f"Practice number {i}") for i in range(4)]
    issued = [credentials.issue_for_attempt(earn(world, v)) for v in versions]
    assert len({c.status_list_id for c in issued}) == 1
    admin = world["people"]["issuer_admin"]
    assert admin.memberships.filter(role=Role.ISSUER_ADMIN).exists()
    _, errors = race([lambda c=c: credentials.revoke(IssuedCredential.objects.get(pk=c.pk), by=admin, reason="Audit finding")
                      for c in issued])
    assert errors == [None] * 4
    bits = StatusList.objects.get(pk=issued[0].status_list_id).bits
    assert all(get_bit(bits, c.status_index) for c in issued)
    assert sum(bin(b).count("1") for b in bytes(bits)) == 4


# --- recognition --------------------------------------------------------------------------------------

def test_simultaneous_evaluation_of_one_educator_grants_one_award(world, publish_mc):
    versions = [publish_mc(title=f"Practice number {i}") for i in (1, 2)]
    for v in versions:
        credentials.issue_for_attempt(earn(world, v))
    policy = doc(TENNESSEE, rules=[{"kind": "convert", "per_mc": 30, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 60}])
    by = world["people"]["recognizer"]
    recognition.publish(policy=recognition.create_or_update_draft(recognizer=world["orgs"]["state"], document=policy, by=by), by=by)
    earner = world["people"]["earner"]
    _, errors = race([lambda: recognition.evaluate_educator(User.objects.get(pk=earner.pk))] * 4)
    assert errors == [None] * 4
    award = Award.objects.get(educator=earner)
    assert award.state == "active"
    assert audit_count("award.granted", award) == 1
