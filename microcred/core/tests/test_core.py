import pytest
from django.core.exceptions import ValidationError

from microcred.core import audit
from microcred.core.models import AppendOnlyError, AuditEvent
from microcred.core.transitions import InvalidTransition, ensure_transition


def test_healthz_answers_with_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert response.json()["database"] in ("sqlite", "postgresql")


def test_healthz_reports_a_dead_database(client, db, monkeypatch):
    from django.db import OperationalError

    class DeadConnection:
        vendor = "sqlite"

        def cursor(self):
            raise OperationalError("database gone")

    monkeypatch.setattr("microcred.core.views.connection", DeadConnection())
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


def test_audit_events_are_append_only(world):
    event = audit.record(actor=world["people"]["author"], action="test.happened", target=world["orgs"]["issuer"], data={"x": 1})
    assert audit.history(world["orgs"]["issuer"]).first() == event
    event.action = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.get(pk=event.pk).action == "test.happened"


def test_illegal_transition_says_what_is_allowed():
    table = {"draft": {"submitted"}, "submitted": set()}
    ensure_transition("draft", "submitted", table, what="Attempt")
    with pytest.raises(InvalidTransition) as exc:
        ensure_transition("submitted", "draft", table, what="Attempt")
    assert isinstance(exc.value, ValidationError)
    assert "Attempt cannot move from “submitted” to “draft”. Allowed next states: none." in exc.value.messages[0]


def test_server_errors_show_a_message_not_a_traceback(rf):
    from microcred.core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Traceback" not in response.content and b"Something went wrong" in response.content


def test_django_system_checks_pass(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("check", stdout=out)  # raises SystemCheckError on any error
    assert "no issues" in out.getvalue()


def test_production_settings_pass_the_deploy_checklist(tmp_path):
    import secrets
    import subprocess
    import sys

    env = {"MICROCRED_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_SETTINGS_MODULE": "microcred.settings.production",
           "MICROCRED_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "microcred.manage", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_site_has_a_favicon_and_every_page_names_it(client, db):
    """Issue 15 finding 9: /favicon.ico was a 404 on every page."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    assert client.post("/favicon.ico").status_code == 405
