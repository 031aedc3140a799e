import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from microcred.assessment import reliability

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("quality", *args, stdout=out)
    return out.getvalue()


def test_check_and_record(qa, tmp_path):
    found = json.loads(run("check", qa["mc"].slug, "--json"))
    assert found["blocked"] is False
    record = json.loads(run("record", qa["mc"].slug, "--json"))
    assert record["status"] == "none" and record["outcomes"]["too_few"] is True
    assert reliability.figures(micro_credential=qa["mc"])["n_pairs"] == 0
    with pytest.raises(CommandError):
        run("record", "nope")


def test_certify_and_adopt(qa, tmp_path):
    out = json.loads(run("certify-reviewer", "other_author", "issuer-two", "--by", "platform_admin"))
    assert out["reviewer"] == "other_author"
    with pytest.raises(CommandError):
        run("certify-reviewer", "other_author", "issuer-two", "--by", "author")
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe not json")
    with pytest.raises(CommandError):
        run("adopt-framework", str(bad), "--by", "platform_admin")
