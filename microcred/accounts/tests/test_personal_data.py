"""Download my data and account deletion: services, task, views, commands, permissions, hostile input."""
import datetime as dt
import io
import json
import uuid
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from microcred.accounts import policy, privacy
from microcred.accounts.models import DeletionRequest, Membership, PersonalDataExport, User
from microcred.core.models import AuditEvent
from microcred.earning import services as earning
from microcred.earning.models import Attempt, Evidence, EvidenceFile, Notification

DATA_URL = "/accounts/account/data/"
DELETE_URL = "/accounts/account/delete/"


def _evidence(earner, mc, *, content: bytes, name="lesson.txt", state=Attempt.State.DRAFT):
    attempt = earning.start_attempt(earner=earner, micro_credential=mc)
    stored = default_storage.save(f"evidence/{uuid.uuid4().hex}", ContentFile(content))
    f = EvidenceFile.objects.create(owner=earner, storage_name=stored, original_name=name, content_type="text/plain",
                                    kind="document", size=len(content), sha256="0" * 64)
    Evidence.objects.create(response=attempt.responses.order_by("part__position").first(), kind=Evidence.Kind.FILE, file=f)
    if state != Attempt.State.DRAFT:
        Attempt.objects.filter(pk=attempt.pk).update(state=state)
    return attempt, f


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def two_earners(world, published):
    mc = published.micro_credential
    earner, other = world["people"]["earner"], world["people"]["other_earner"]
    _evidence(earner, mc, content=b"MY OWN LESSON NOTES", name="../../etc/passwd <script>.txt")
    _evidence(other, mc, content=b"SOMEONE ELSE'S LESSON", name="other.txt")
    return earner, other


def test_export_contains_my_evidence_files_and_nothing_of_other_people(client, two_earners, django_capture_on_commit_callbacks):
    earner, other = two_earners
    client.force_login(earner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DATA_URL, follow=True)
    assert "We are preparing your data." in response.content.decode()
    export = PersonalDataExport.objects.get(user=earner)
    assert export.state == "ready" and export.expires_at > timezone.now() + dt.timedelta(days=6)
    page = client.get(DATA_URL).content.decode()
    assert f"/accounts/account/data/{export.pk}/" in page
    download = client.get(f"/accounts/account/data/{export.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = _zip(download)
    names = archive.namelist()
    assert "data.json" in names
    evidence = [n for n in names if n.startswith("files/earning/evidence/")]
    assert len(evidence) == 1 and ".." not in evidence[0] and "<" not in evidence[0]
    assert archive.read(evidence[0]) == b"MY OWN LESSON NOTES"
    everything = b"".join(archive.read(n) for n in names)
    assert b"SOMEONE ELSE" not in everything and b"other_earner" not in everything and b"Other_Earner" not in everything
    data = json.loads(archive.read("data.json"))
    assert set(data["apps"]) >= {"accounts", "earning", "assessment", "credentials", "recognition"}
    assert data["apps"]["accounts"]["account"]["username"] == "earner"
    assert data["apps"]["earning"]["attempts"][0]["responses"][0]["evidence"][0]["file"]["path"] == evidence[0]
    # The person was told (kind "account"), and everything was audited.
    assert Notification.objects.filter(user=earner, kind="account").exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"personal_data.export_requested", "personal_data.export_ready", "personal_data.export_downloaded"} <= actions


def test_no_one_else_downloads_an_export_not_even_staff(client, two_earners, world):
    earner, other = two_earners
    export = privacy.request_export(user=earner, by=earner)
    privacy.build_export(export.pk)
    for person in (other, world["people"]["platform_admin"]):
        client.force_login(person)
        assert client.get(f"/accounts/account/data/{export.pk}/").status_code == 404
    staff = User.objects.create_user("staffer", password="pw-staffer-123", is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get(f"/accounts/account/data/{export.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/accounts/account/data/{export.pk}/").status_code == 302
    client.force_login(earner)
    assert client.get(f"/accounts/account/data/{uuid.uuid4()}/").status_code == 404
    assert client.get("/accounts/account/data/not-a-uuid/").status_code == 404


def test_expired_link_gives_a_clear_message_and_the_file_is_deleted(client, two_earners, django_capture_on_commit_callbacks):
    earner, _ = two_earners
    export = privacy.request_export(user=earner, by=earner)
    privacy.build_export(export.pk)
    export.refresh_from_db()
    name = export.storage_name
    PersonalDataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(earner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/accounts/account/data/{export.pk}/")
    assert response.status_code == 410 and "This download expired" in response.content.decode()
    export.refresh_from_db()
    assert export.state == "expired" and not default_storage.exists(name)


def test_expire_exports_deletes_old_files(two_earners, django_capture_on_commit_callbacks):
    earner, _ = two_earners
    export = privacy.request_export(user=earner, by=earner)
    privacy.build_export(export.pk)
    export.refresh_from_db()
    name = export.storage_name
    assert privacy.expire_exports(now=timezone.now() + dt.timedelta(days=6)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.expire_exports(now=timezone.now() + dt.timedelta(days=8)) == 1
    export.refresh_from_db()
    assert export.state == "expired" and not default_storage.exists(name)


def test_one_export_per_hour(client, world):
    earner = world["people"]["earner"]
    client.force_login(earner)
    client.post(DATA_URL)
    response = client.post(DATA_URL, follow=True)
    assert "less than 60 minutes ago" in response.content.decode()
    assert PersonalDataExport.objects.filter(user=earner).count() == 1


def test_task_is_idempotent(two_earners):
    earner, _ = two_earners
    from microcred.accounts.tasks import build_personal_data_export

    export = PersonalDataExport.objects.create(user=earner)
    assert build_personal_data_export.call(export_id=str(export.pk)) == "ready"
    assert build_personal_data_export.call(export_id=str(export.pk)) is None


def test_export_command_writes_the_zip_and_ends_with_json(two_earners, tmp_path, capsys):
    out = tmp_path / "earner.zip"
    call_command("export_personal_data", "earner", "--output", str(out))
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert last["username"] == "earner" and last["files"] == 1 and last["bytes"] == out.stat().st_size
    assert b"MY OWN LESSON NOTES" in zipfile.ZipFile(out).read(
        [n for n in zipfile.ZipFile(out).namelist() if n.startswith("files/")][0])
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_personal_data", "nobody", "--output", str(tmp_path / "x.zip"))
    with pytest.raises(CommandError):
        call_command("export_personal_data", "earner", "--output", str(out))  # never overwrites


# --- deletion ---------------------------------------------------------------------------------------------------

def test_deletion_needs_the_password_and_records_the_request(client, world, django_capture_on_commit_callbacks):
    earner = world["people"]["earner"]
    client.force_login(earner)
    response = client.post(DELETE_URL, {"action": "request", "password": "wrong", "reason": "x"})
    assert response.status_code == 400 and "not your current password" in response.content.decode()
    assert not DeletionRequest.objects.exists()
    hostile = "=cmd|' /C calc'!A0 <script>alert(1)</script>"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE_URL, {"action": "request", "password": "pw-earner-123", "reason": hostile}, follow=True)
    assert "Your request was recorded." in response.content.decode()
    request = DeletionRequest.objects.get(user=earner)
    assert request.state == "requested" and request.reason == hostile
    assert "<script>alert(1)" not in response.content.decode()
    assert AuditEvent.objects.filter(action="account.deletion_requested").count() == 1
    assert Notification.objects.filter(user=earner, kind="account").exists()
    # Twice: still one open request. Too long a reason: refused.
    client.post(DELETE_URL, {"action": "request", "password": "pw-earner-123"})
    assert DeletionRequest.objects.count() == 1
    # Cancel.
    client.post(DELETE_URL, {"action": "cancel"})
    request.refresh_from_db()
    assert request.state == "cancelled"
    with pytest.raises(Exception, match="cannot move"):
        privacy._move(request, DeletionRequest.State.COMPLETED)
    response = client.post(DELETE_URL, {"action": "request", "password": "pw-earner-123", "reason": "x" * 2001})
    assert response.status_code == 400 and DeletionRequest.objects.count() == 1
    assert client.post(DELETE_URL, {"action": "<b>nope</b>"}).status_code == 200


def test_blockers_are_explained(client, world, published):
    earner = world["people"]["earner"]
    _evidence(earner, published.micro_credential, content=b"x", state=Attempt.State.SUBMITTED)
    reasons = policy.deletion_blockers(earner)
    assert any("being assessed" in r for r in reasons)
    client.force_login(earner)
    assert "being assessed" in client.get(DELETE_URL).content.decode()
    # The request is recorded; its processing waits for the blocker, which the page keeps explaining.
    client.post(DELETE_URL, {"action": "request", "password": "pw-earner-123"})
    request = DeletionRequest.objects.get(user=earner)
    assert request.state == "requested" and request.outcome["waiting_for"]
    assert "It is waiting because" in client.get(DELETE_URL).content.decode()
    DeletionRequest.objects.filter(pk=request.pk).update(requested_at=timezone.now() - dt.timedelta(days=30))
    assert privacy.process_due_deletions() == {"completed": 0, "waiting": 1, "exports_expired": 0}
    # The only issuer admin of issuer-one; platform admins.
    assert any("only issuer admin" in r for r in policy.deletion_blockers(world["people"]["issuer_admin"]))
    assert any("Platform administrator" in r for r in policy.deletion_blockers(world["people"]["platform_admin"]))
    assert policy.deletion_blockers(world["people"]["other_earner"]) == []


def test_processing_deactivates_erases_and_pseudonymizes(world, published, publish_mc, capsys):
    earner = world["people"]["earner"]
    world["orgs"]["issuer"].evidence_retention_days = 30
    world["orgs"]["issuer"].save()
    _, draft_file = _evidence(earner, published.micro_credential, content=b"draft work")
    second = publish_mc(title="Second Practice").micro_credential
    _, assessed_file = _evidence(earner, second, content=b"assessed", state=Attempt.State.NOT_YET)
    Attempt.objects.filter(earner=earner, state="not_yet").update(decided_at=timezone.now())
    request = privacy.request_deletion(user=earner, by=earner, password="pw-earner-123", reason="moving on")
    # Not due yet: nothing happens.
    call_command("process_deletion_requests")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["completed"] == 0
    DeletionRequest.objects.filter(pk=request.pk).update(requested_at=timezone.now() - dt.timedelta(days=8))
    call_command("process_deletion_requests")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["completed"] == 1
    request.refresh_from_db()
    earner.refresh_from_db()
    assert request.state == "completed" and request.reason == ""
    assert not earner.is_active and earner.username == f"deleted-person-{earner.pk}" and not earner.email
    assert earner.first_name == "" and not earner.has_usable_password()
    assert not Membership.objects.filter(user=earner).exists()
    assert not Notification.objects.filter(user=earner).exists()
    draft_file.refresh_from_db()
    assessed_file.refresh_from_db()
    assert draft_file.purged_at is not None  # never assessed: erased now
    assert assessed_file.purged_at is None  # assessed: kept until the issuer's retention period ends
    deleted = AuditEvent.objects.get(action="account.deleted")
    assert deleted.target_label == f"deleted-person-{earner.pk}" and "Earner" not in json.dumps(deleted.data)
    # Append-only: the request event is still there.
    assert AuditEvent.objects.filter(action="account.deletion_requested").exists()
    # Running again changes nothing.
    assert privacy.process_deletion(request).state == "completed"


def test_a_blocker_appearing_later_holds_the_processing(world, published):
    earner = world["people"]["earner"]
    request = privacy.request_deletion(user=earner, by=earner, password="pw-earner-123")
    _evidence(earner, published.micro_credential, content=b"x", state=Attempt.State.SUBMITTED)
    result = privacy.process_deletion(request)
    assert result.state == "requested" and result.outcome["waiting_for"]
    earner.refresh_from_db()
    assert earner.is_active


def test_task_processes_due_requests(world):
    from microcred.accounts.tasks import process_deletion_requests

    earner = world["people"]["other_earner"]
    request = privacy.request_deletion(user=earner, by=earner, password="pw-other_earner-123")
    DeletionRequest.objects.filter(pk=request.pk).update(requested_at=timezone.now() - dt.timedelta(days=30))
    assert process_deletion_requests.call()["completed"] == 1


def test_only_the_person_requests_or_cancels(world):
    from django.core.exceptions import PermissionDenied

    earner, admin = world["people"]["earner"], world["people"]["platform_admin"]
    with pytest.raises(PermissionDenied):
        privacy.request_deletion(user=earner, by=admin, password="pw-earner-123")
    request = privacy.request_deletion(user=earner, by=earner, password="pw-earner-123")
    with pytest.raises(PermissionDenied):
        privacy.cancel_deletion(deletion_request=request, by=admin)
    with pytest.raises(PermissionDenied):
        privacy.request_export(user=earner, by=admin)


def test_account_page_links_to_the_new_pages(client, world):
    client.force_login(world["people"]["earner"])
    page = client.get("/accounts/account/").content.decode()
    for url in ("/earn/notifications/preferences/", DATA_URL, DELETE_URL):
        assert url in page


def test_pages_keep_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    earner = world["people"]["earner"]
    for _ in range(15):
        PersonalDataExport.objects.create(user=earner, state="ready", storage_name="x", size=10,
                                          ready_at=timezone.now(), expires_at=timezone.now() + dt.timedelta(days=1))
    client.force_login(earner)
    with django_assert_max_num_queries(25):
        assert client.get(DATA_URL).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(DELETE_URL).status_code == 200


def test_every_app_with_personal_data_is_registered():
    from microcred.accounts import data_registry

    apps = [c.app for c in data_registry.contributors()]
    assert apps[:1] == ["accounts"] and {"accounts", "earning", "assessment", "credentials", "recognition"} <= set(apps)
    assert all(c.erase is not None for c in data_registry.contributors())
