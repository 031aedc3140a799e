"""The audit trail: every consequential change is recorded with who, what, when and from where; only platform
admins read it; exports are complete and spreadsheet-safe."""
import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from microcred.accounts import services as accounts
from microcred.assessment import services as assessment
from microcred.assessment.tests.factories import certified_pool, levels
from microcred.core import audit, audit_context
from microcred.core.models import AppendOnlyError, AuditEvent
from microcred.credentials import keys
from microcred.credentials.services import issue_for_attempt
from microcred.credentials.tasks import issue_credential_for
from microcred.earning import services as earning
from microcred.earning.tests.factories import answer_everything
from microcred.recognition import services as recognition
from microcred.recognition.tests.factories import TENNESSEE, doc

pytestmark = pytest.mark.django_db
BROWSER = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "Mozilla/5.0 (audit test)"}


def actions_on(target):
    return list(audit.history(target).values_list("action", flat=True))


def test_a_full_flow_leaves_a_complete_trail_with_who_what_when_and_from_where(client, world, published):
    mc = published.micro_credential
    pool = certified_pool(world, mc)
    earner, admin, recognizer, platform = (world["people"][k] for k in ("earner", "issuer_admin", "recognizer", "platform_admin"))
    started = timezone.now()

    # Submit through the web page: the event carries the client's address, user agent and request line.
    attempt = earning.start_attempt(earner=earner, micro_credential=mc)
    answer_everything(attempt, earner)
    earning.confirm_privacy(attempt=attempt, by=earner)
    client.force_login(earner)
    response = client.post(reverse("earning:attempt_action", args=[attempt.pk, "submit"]), {"note_to_assessor": ""}, **BROWSER)
    assert response.status_code == 302
    submitted = AuditEvent.objects.get(action="attempt.submitted", target_id=str(attempt.pk))
    assert submitted.actor == earner and submitted.ip_address == "203.0.113.7"
    assert submitted.via == "web" and submitted.source == f"POST /earn/attempts/{attempt.pk}/submit/"
    assert submitted.user_agent == "Mozilla/5.0 (audit test)" and submitted.at >= started

    # Score: the first submission of a version is double scored; disagreement goes to a senior adjudicator.
    review = assessment.open_review(submission=attempt.submissions.get())
    first = review.assignments.get(role="first")
    assessment.submit_scores(assignment=first, by=first.assessor, levels=levels(review.version, "top"))
    second = review.assignments.get(role="second")
    assessment.submit_scores(assignment=second, by=second.assessor, levels=levels(review.version, "low"))
    adjudicator = review.assignments.get(role="adjudicator")
    assessment.submit_scores(assignment=adjudicator, by=adjudicator.assessor, levels=levels(review.version, "pass"))
    review_actions = actions_on(review)
    for action in ("review.opened", "score.first", "score.second", "review.needs_adjudication", "score.adjudicator", "review.decided"):
        assert action in review_actions, action
    scores = {e.action: e for e in audit.history(review).filter(action__startswith="score.")}
    assert scores["score.adjudicator"].actor == adjudicator.assessor and adjudicator.assessor in pool
    attempt.refresh_from_db()
    assert attempt.state == "earned" and "attempt.earned" in actions_on(attempt)

    # Issue (the first issue creates the issuer's keys: a key operation, recorded), then revoke through the page.
    credential = issue_for_attempt(attempt)
    assert AuditEvent.objects.filter(action="credential.issued", target_id=str(credential.pk)).exists()
    assert AuditEvent.objects.filter(action="issuer_key.created", target_type="credentials.issuerkey").count() == 2
    client.force_login(admin)
    client.post(reverse("credentials:revoke", args=[credential.pk]), {"reason": "Not the earner's own lesson"}, **BROWSER)
    assert not AuditEvent.objects.filter(action="credential.revoked").exists()  # a revocation is confirmed first
    client.post(reverse("credentials:revoke", args=[credential.pk]),
                {"reason": "Not the earner's own lesson", "confirmed": "yes"}, **BROWSER)
    revoked = AuditEvent.objects.get(action="credential.revoked", target_id=str(credential.pk))
    assert revoked.actor == admin and revoked.ip_address == "203.0.113.7" and revoked.via == "web"
    assert revoked.data["reason"] == "Not the earner's own lesson"

    # Policy publication, role changes, key rotation.
    draft = recognition.create_or_update_draft(recognizer=world["orgs"]["state"], document=doc(TENNESSEE), by=recognizer)
    policy = recognition.publish(policy=draft, by=recognizer)
    assert "policy.published" in actions_on(policy)
    membership = accounts.grant_role(user=earner, organization=world["orgs"]["issuer"], role="author", by=platform)
    accounts.revoke_role(user=earner, organization=world["orgs"]["issuer"], role="author", by=platform)
    role_events = AuditEvent.objects.filter(target_type="accounts.membership", target_id=str(membership.pk))
    assert {e.action for e in role_events} == {"membership.granted", "membership.revoked"}
    assert all(e.actor == platform for e in role_events)
    keys.rotate(world["orgs"]["issuer"], by=admin)
    rotation = AuditEvent.objects.filter(action__startswith="issuer_key.", actor=admin)
    assert sorted(e.action for e in rotation) == ["issuer_key.created"] * 2 + ["issuer_key.retired"] * 2

    # Every event names its target and time; none recorded outside a request claims an address.
    for event in AuditEvent.objects.filter(at__gte=started):
        assert event.target_type and event.target_id and event.at
        if event.via != "web":
            assert event.ip_address is None


def test_background_tasks_and_commands_are_recorded_as_such(world, published, django_capture_on_commit_callbacks):
    from microcred.credentials.tests.conftest import earn

    attempt = earn(world, published)
    with django_capture_on_commit_callbacks(execute=True):
        result = issue_credential_for.enqueue(attempt.pk)  # the test settings run tasks at once, after commit
    issued = AuditEvent.objects.get(action="credential.issued")
    assert issued.via == "task" and issued.source.startswith("microcred.credentials.tasks.issue_credential_for")
    assert str(result.id) in issued.source and issued.actor is None
    # Outside the task the context is back to none.
    assert audit_context.current().via in ("", "command")
    with audit_context.source(via="command", detail="microcred seed_demo"):
        accounts.grant_role(user=world["people"]["earner"], organization=world["orgs"]["issuer"], role="coach")
    granted = AuditEvent.objects.get(action="membership.granted", data__role="coach")
    assert (granted.via, granted.source) == ("command", "microcred seed_demo")


def test_a_command_line_is_recognized_without_any_call_site_help(monkeypatch, world):
    monkeypatch.setattr("sys.argv", ["/srv/microcred/.venv/bin/microcred", "seed_demo", "--json"])
    event = audit.record(actor=None, action="test.touched", target=world["orgs"]["state"])
    assert (event.via, event.source, event.ip_address) == ("command", "microcred seed_demo", None)


def test_forwarded_for_is_believed_only_for_configured_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    settings.MICROCRED_TRUSTED_PROXIES = 0
    assert audit_context.client_address(request) == "10.0.0.2"  # a client can write any X-Forwarded-For
    settings.MICROCRED_TRUSTED_PROXIES = 1
    assert audit_context.client_address(request) == "198.51.100.4"  # what our one proxy saw
    garbage = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    assert audit_context.client_address(garbage) is None


def test_events_cannot_be_changed_or_deleted(world):
    event = audit.record(actor=None, action="test.touched", target=world["orgs"]["state"])
    event.action = "test.rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


# --- the page and its exports -------------------------------------------------------------------------------------

AUDIT = "/audit/"


@pytest.mark.parametrize("who", ["earner", "other_earner", "assessor", "author", "issuer_admin", "recognizer"])
def test_nobody_but_platform_admins_sees_or_exports_the_trail(client, world, who):
    audit.record(actor=world["people"]["earner"], action="secret.thing", target=world["orgs"]["state"])
    client.force_login(world["people"][who])
    for url in (AUDIT, AUDIT + "export?format=csv", AUDIT + "export?format=json"):
        response = client.get(url)
        assert response.status_code == 403, (who, url)
        assert b"secret.thing" not in response.content
    assert b"Audit trail</a>" not in client.get("/").content


def test_anonymous_is_sent_to_log_in(client):
    for url in (AUDIT, AUDIT + "export?format=csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_a_staff_flag_alone_is_not_enough(client, world):
    staff = world["people"]["author"]
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(AUDIT).status_code == 403


@pytest.fixture
def admin_client(client, world):
    client.force_login(world["people"]["platform_admin"])
    return client


def test_platform_admin_filters_and_pages_the_trail(admin_client, world):
    state, earner = world["orgs"]["state"], world["people"]["earner"]
    for i in range(60):
        audit.record(actor=earner, action="test.bulk", target=state, data={"i": i})
    audit.record(actor=world["people"]["recognizer"], action="policy.test", target=state)
    body = admin_client.get(AUDIT).content.decode()
    assert "Audit trail</a>" in body and 'id="audit-events"' in body and "Older →" in body
    assert body.count("<tr>") == 51  # header + one page of 50

    by_action = admin_client.get(AUDIT, {"action": "policy.test"}).content.decode()
    assert "policy.test" in by_action and "test.bulk" not in by_action
    by_prefix = admin_client.get(AUDIT, {"action": "test.", "page": 2}).content.decode()
    assert "page 2 of 2" in by_prefix and "test.bulk" in by_prefix and "policy.test" not in by_prefix
    by_actor = admin_client.get(AUDIT, {"actor": "RECOGNIZER"}).content.decode()
    assert "policy.test" in by_actor and "test.bulk" not in by_actor
    by_type = admin_client.get(AUDIT, {"target_type": "accounts.organization", "action": "test."}).content.decode()
    assert "60 events" in by_type
    today = timezone.now().date().isoformat()
    assert "No events match" in admin_client.get(AUDIT, {"until": "2001-01-01"}).content.decode()
    assert "policy.test" in admin_client.get(AUDIT, {"since": today, "until": today}).content.decode()
    last = admin_client.get(AUDIT, {"action": "test.", "page": "9999"}).content.decode()  # out of range → last page
    assert "page 2 of 2" in last
    assert "page 1 of 2" in admin_client.get(AUDIT, {"action": "test.", "page": "not-a-number"}).content.decode()


@pytest.mark.parametrize("params, message", [
    ({"since": "yesterday"}, "Enter a valid date"),
    ({"since": "2026-02-01", "until": "2026-01-01"}, "is after the"),
    ({"target_type": "no.such"}, "Select a valid choice"),
    ({"action": "x" * 500}, "at most 80 characters"),
])
def test_bad_filters_get_a_clear_message(admin_client, params, message):
    for url in (AUDIT, AUDIT + "export"):
        response = admin_client.get(url, params)
        assert response.status_code == 400 and message in response.content.decode()


def test_unknown_export_format_is_refused(admin_client):
    response = admin_client.get(AUDIT + "export", {"format": "xlsx"})
    assert response.status_code == 400 and "csv or json" in response.content.decode()


def test_hostile_text_is_shown_inert_and_exported_spreadsheet_safe(admin_client, world):
    hostile = world["people"]["earner"]
    hostile.username = "=HYPERLINK(\"http://evil\")"
    hostile.save()
    state = world["orgs"]["state"]
    state.name = "<script>alert(1)</script>"
    state.save()
    audit.record(actor=hostile, action="test.hostile", target=state, data={"note": "@SUM(A1)", "x": "\u202e"})
    body = admin_client.get(AUDIT, {"action": "test.hostile"}).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body

    response = admin_client.get(AUDIT + "export", {"action": "test.hostile", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv") and "attachment;" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    assert rows[0]["actor"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[0]["target_label"] == "<script>alert(1)</script>"  # text, for a spreadsheet: not a formula
    for row in rows:
        assert not any(value[:1] in "=+-@\t\r" and value for value in row.values())

    response = admin_client.get(AUDIT + "export", {"action": "test.hostile", "format": "json"})
    events = json.loads(b"".join(response.streaming_content))
    assert events[0]["actor"] == "=HYPERLINK(\"http://evil\")"  # JSON keeps the exact value
    assert events[0]["data"] == {"note": "@SUM(A1)", "x": "\u202e"}


def test_export_follows_the_filters(admin_client, world):
    state = world["orgs"]["state"]
    audit.record(actor=None, action="test.a", target=state)
    audit.record(actor=world["people"]["earner"], action="test.b", target=state)
    response = admin_client.get(AUDIT + "export", {"actor": "system", "action": "test.", "format": "json"})
    assert [e["action"] for e in json.loads(b"".join(response.streaming_content))] == ["test.a"]


def test_the_django_admin_list_is_read_only(admin_client, world):
    from django.contrib import admin as django_admin

    event = audit.record(actor=None, action="test.touched", target=world["orgs"]["state"])
    model_admin = django_admin.site._registry[AuditEvent]
    request = type("R", (), {"user": world["people"]["platform_admin"]})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


# --- export_audit -----------------------------------------------------------------------------------------------


def test_export_audit_command_writes_csv_and_jsonl(tmp_path, world):
    state = world["orgs"]["state"]
    audit.record(actor=world["people"]["earner"], action="test.exported", target=state, data={"n": 1})
    target = tmp_path / "audit.csv"
    out = io.StringIO()
    call_command("export_audit", str(target), "--since", "2000-01-01", stdout=out)
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert any(r["action"] == "test.exported" and r["actor"] == "earner" for r in rows)
    assert f"Wrote {len(rows)} audit event(s)" in out.getvalue()
    # Oldest first, the order an auditor reads.
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), key=int)

    target = tmp_path / "audit.jsonl"
    call_command("export_audit", str(target), "--format", "jsonl", "--action", "test.", stdout=io.StringIO())
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [e["action"] for e in lines] == ["test.exported"] and lines[0]["data"] == {"n": 1}

    call_command("export_audit", str(tmp_path / "none.csv"), "--since", "2999-01-01", stdout=io.StringIO())
    assert (tmp_path / "none.csv").read_text().count("\n") == 1  # the header only


def test_export_audit_command_refuses_bad_input_clearly(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="is not a date; use YYYY-MM-DD"):
        call_command("export_audit", str(tmp_path / "a.csv"), "--since", "last week")
    with pytest.raises(CommandError, match="Could not write"):
        call_command("export_audit", str(tmp_path / "no-such-dir" / "a.csv"))


def test_the_trail_and_the_error_pages_are_in_spanish(admin_client, world):
    state, earner = world["orgs"]["state"], world["people"]["earner"]
    for i in range(51):
        audit.record(actor=earner, action="test.bulk", target=state, data={"i": i})
    body = admin_client.get(AUDIT, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Registro de auditoría" in body and "Cuándo (UTC)" in body and "Más antiguos →" in body
    assert re.search(r"\d+ eventos, página 1 de \d+\.", body) and "Audit trail" not in body and "When (UTC)" not in body
    assert f'<span translate="no">{earner.username}</span>' in body  # the actor is data
    missing = admin_client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    assert missing.status_code == 404 and "No encontrado" in missing.content.decode()
