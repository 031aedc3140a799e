"""microcred recognition_policy (a reviewed document file → draft → dry run → publish) and microcred export_awards."""
import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from microcred.recognition.models import Policy

from .pages_fixtures import awarded, mcs, published_policy, state_policy, two_credentials  # noqa: F401

pytestmark = pytest.mark.django_db


def test_policy_file_to_draft_dry_run_and_publish(world, two_credentials, tmp_path, capsys):
    path = tmp_path / "tn.json"
    path.write_text(json.dumps(state_policy()))
    call_command("recognition_policy", str(path), "--as", "recognizer", "--dry-run", "--publish")
    out = capsys.readouterr().out
    assert "Saved draft version 1" in out and "1 of 1 educators in the jurisdiction would qualify" in out
    assert "earner: award renewal" in out and "Published version 1" in out
    assert Policy.objects.get().state == "published"


@pytest.mark.parametrize("content, who, message", [
    (json.dumps(state_policy(rules=[{"kind": "threshold", "unit": "PDP", "min": 60}])), "recognizer", "rules"),
    ("format: [", "recognizer", "Neither valid JSON nor valid YAML"),
    (json.dumps(state_policy()), "issuer_admin", "Only the recognizer's admins"),
    (json.dumps(state_policy()), "nobody", "No user"),
    (json.dumps(state_policy(description="x" * 300_000)), "recognizer", "larger than 256 KB"),
], ids=["invalid", "malformed", "not-an-admin", "unknown-user", "oversized"])
def test_refused_policy_files_change_nothing(world, tmp_path, content, who, message):
    path = tmp_path / "policy.yaml"
    path.write_text(content)
    with pytest.raises(CommandError) as caught:
        call_command("recognition_policy", str(path), "--as", who)
    assert message in str(caught.value)
    assert not Policy.objects.exists()


def test_export_awards_csv(world, awarded, tmp_path, capsys):
    target = tmp_path / "awards.csv"
    call_command("export_awards", "state-agency", str(target))
    assert "Wrote 1 award(s)" in capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert [(r["username"], r["policy"], r["amount"]) for r in rows] == [("earner", "tn-renewal", "60.00")]
    call_command("export_awards", "state-agency", "-", "--state", "withdrawn")
    assert capsys.readouterr().out.strip().startswith("award_id,educator_id")
    with pytest.raises(CommandError):
        call_command("export_awards", "no-such-org", "-")
