"""Account deletion keeps issued credentials valid; the export carries them exactly as issued."""
import datetime as dt
import io
import json
import zipfile

from django.utils import timezone

from microcred.accounts import privacy
from microcred.accounts.models import DeletionRequest
from microcred.credentials.models import IssuedCredential
from microcred.credentials.verify import verify_credential


def test_export_carries_the_signed_credential(issued, world):
    earner = world["people"]["earner"]
    buffer = io.BytesIO()
    privacy.write_zip(earner, buffer)
    data = json.loads(zipfile.ZipFile(buffer).read("data.json"))
    exported = data["apps"]["credentials"]["issued_credentials"]
    assert [c["id"] for c in exported] == [str(issued.pk)]
    assert verify_credential(exported[0]["credential"]).verified and verify_credential(exported[0]["vc_jwt"]).verified
    # Blind scoring: the earner's export never names an assessor.
    assert "assessor" not in json.dumps(data["apps"]["earning"]).lower().replace("note_to_assessor", "")


def test_deletion_keeps_credentials_verifiable(issued, world):
    earner = world["people"]["earner"]
    request = privacy.request_deletion(user=earner, by=earner, password="pw-earner-123")
    DeletionRequest.objects.filter(pk=request.pk).update(requested_at=timezone.now() - dt.timedelta(days=8))
    assert privacy.process_due_deletions()["completed"] == 1
    credential = IssuedCredential.objects.get(pk=issued.pk)
    assert credential.revoked_at is None and credential.suspended_at is None and credential.credential == issued.credential
    for form in (credential.credential, credential.jwt):
        report = verify_credential(form)
        assert report.verified and report.get("status").ok
    request.refresh_from_db()
    assert request.outcome["credentials"]["issued_credentials_kept_valid"] == 1
