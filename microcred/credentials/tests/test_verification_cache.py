"""What verification reads is cached (issue 18): a revocation, suspension or reinstatement is seen at once, and an
anonymous verification writes nothing (no session, no row)."""
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from microcred.credentials import selectors, services


def test_credential_page_report_follows_a_revocation(world, issued):
    admin = world["people"]["issuer_admin"]
    assert selectors.live_verification(issued).verified
    with CaptureQueriesContext(connection) as queries:
        assert selectors.live_verification(issued).verified
    assert len(queries) == 0  # the second look is served from the cache
    services.revoke(issued, by=admin, reason="Evidence was not the earner's own work")
    assert not selectors.live_verification(issued).verified


def test_anonymous_verification_writes_nothing_and_sets_no_cookie(client, issued):
    body = json.dumps({"verifiableCredential": issued.credential})
    client.post("/credentials/verify", body, content_type="application/json")  # warm the caches
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/credentials/verify", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["verified"] is True
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == [] and "sessionid" not in response.cookies and len(queries) == 0


def test_hostile_verification_input_is_a_clear_400(client):
    for body in ("[" * 100_000, '{"a": "' + "[" * 10_000, "{" * 40 + "}" * 40):
        response = client.post("/credentials/verify", body, content_type="application/json")
        assert response.status_code == 400 and response.json()["verified"] is False


# --- the verify endpoint's answers kept per body (decision 0046) ---------------------------------------------------

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from django.utils import timezone  # noqa: E402

from microcred.credentials import verify as platform_verify  # noqa: E402
from microcred.credentials.standards.verify import Report  # noqa: E402


@pytest.fixture
def verifications(monkeypatch):
    """Counts the verifier's real runs (the answer kept for a body is not a run)."""
    runs = []
    real = platform_verify.verify_credential

    def counted(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(platform_verify, "verify_credential", counted)
    return runs


def _post(client, body: str):
    return client.post("/credentials/verify", body, content_type="application/json")


def test_the_same_body_is_answered_from_the_kept_answer(client, issued, verifications):
    body = json.dumps({"verifiableCredential": issued.credential})
    first, second = _post(client, body), _post(client, body)
    assert first.status_code == second.status_code == 200 and first.content == second.content
    assert first.json()["verified"] is True and len(verifications) == 1
    assert second["Access-Control-Allow-Origin"] == "*" and second["Content-Type"] == "application/json"
    other = _post(client, json.dumps(issued.credential))  # another body (the credential alone): verified on its own
    assert other.json()["verified"] is True and len(verifications) == 2


def test_a_kept_answer_follows_suspension_lifting_and_revocation(client, world, published, settings, verifications):
    from .conftest import earn

    settings.MICROCRED_CREDENTIAL_SUSPENSION = True  # issued with a suspension entry too
    issued = services.issue_for_attempt(earn(world, published))
    admin = world["people"]["issuer_admin"]
    body = json.dumps({"verifiableCredential": issued.credential})
    assert _post(client, body).json()["verified"] is True
    services.suspend(issued, by=admin, reason="Under review after a complaint")
    suspended = _post(client, body).json()
    assert suspended["verified"] is False and any(e["check"] == "status" for e in suspended["errors"])
    services.unsuspend(issued, by=admin, reason="Review found no problem")
    assert _post(client, body).json()["verified"] is True
    services.revoke(issued, by=admin, reason="Evidence was not the earner's own work")
    revoked = _post(client, body).json()
    assert revoked["verified"] is False and any("revoked" in e["message"] for e in revoked["errors"])
    assert len(verifications) == 4


def test_answers_are_not_kept_when_online_lookup_is_on(client, issued, verifications, settings):
    settings.MICROCRED_VERIFY_ONLINE = True
    body = json.dumps({"verifiableCredential": issued.credential})
    _post(client, body), _post(client, body)
    assert len(verifications) == 2


def test_large_bodies_are_verified_afresh_each_time(client, issued, verifications):
    body = json.dumps({"verifiableCredential": issued.credential, "note": "x" * 70_000})
    answers = [_post(client, body).json() for _ in range(2)]
    assert [a["verified"] for a in answers] == [True, True] and len(verifications) == 2


def test_unreadable_bodies_keep_their_clear_refusal(client, verifications):
    for body in ('{"verifiableCredential": ', "<script>alert(1)</script>", "[" * 100_000):
        answers = [_post(client, body) for _ in range(2)]
        assert [a.status_code for a in answers] == [400, 400]
        assert all(a.json()["verified"] is False and a.json()["errors"][0]["check"] == "parse" for a in answers)
        assert answers[0].content == answers[1].content
    assert verifications == []  # refused while reading: the verifier never ran


def test_an_answer_is_never_kept_past_a_date_that_changes_it():
    from microcred.credentials.selectors import ANSWER_SECONDS, _seconds_until_change

    now = timezone.now()
    stamp = lambda delta: (now + delta).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    settled = Report(credential={"validFrom": stamp(dt.timedelta(days=-30))})
    assert _seconds_until_change(settled, now, ANSWER_SECONDS) == ANSWER_SECONDS
    expiring = Report(credential={"validFrom": stamp(dt.timedelta(days=-30)), "validUntil": stamp(dt.timedelta(seconds=42))})
    assert 40 <= _seconds_until_change(expiring, now, ANSWER_SECONDS) <= 42
    not_yet = Report(credential={"validFrom": stamp(dt.timedelta(seconds=90))})
    assert 88 <= _seconds_until_change(not_yet, now, ANSWER_SECONDS) <= 90
    clr = Report(credential={"validFrom": stamp(dt.timedelta(days=-1))},
                 nested=[Report(credential={"validFrom": stamp(dt.timedelta(days=-1)), "validUntil": stamp(dt.timedelta(seconds=7))})])
    assert 5 <= _seconds_until_change(clr, now, ANSWER_SECONDS) <= 7
    hostile = Report(credential={"validFrom": ["not", "a", "date"], "validUntil": 10**5000})
    assert _seconds_until_change(hostile, now, ANSWER_SECONDS) == ANSWER_SECONDS
