"""The safety net for an earned attempt whose issuance task was never enqueued (process died after commit)."""
import pytest
from django.core.management import call_command

from microcred.credentials.models import IssuedCredential
from microcred.credentials.verify import verify_credential

from .conftest import earn

pytestmark = pytest.mark.django_db


def test_issues_exactly_the_missing_credentials_once(world, publish_mc, capsys):
    attempts = [earn(world, publish_mc(title=f"Missing practice {i}")) for i in (1, 2)]
    assert not IssuedCredential.objects.exists()  # earn() records the decision without running the event's task
    call_command("issue_missing_credentials", "--dry-run")
    out = capsys.readouterr().out
    assert f"attempt {attempts[0].pk}" in out and "2 earned attempt(s)" in out
    assert not IssuedCredential.objects.exists()
    call_command("issue_missing_credentials")
    assert "2 credential(s) issued, 0 failed" in capsys.readouterr().out
    issued = IssuedCredential.objects.all()
    assert sorted(c.attempt_id for c in issued) == sorted(a.pk for a in attempts)
    assert all(verify_credential(c.credential).verified for c in issued)
    call_command("issue_missing_credentials")
    assert "0 credential(s) issued" in capsys.readouterr().out
    assert IssuedCredential.objects.count() == 2
