"""Evidence on S3-compatible object storage (decision 0041), against a real S3 server (moto's) started by the tests.

Uploads go up as multipart uploads from the spooled file, downloads are a redirect to a presigned URL issued only
after the same permission check (others still get 404), and retention and erasure delete the objects."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import urllib.error
import urllib.request
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.test.client import BOUNDARY, encode_multipart
from django.utils import timezone

from microcred.core.object_storage import S3_BACKEND, open_stored, storage_settings
from microcred.earning import services
from microcred.earning.models import Attempt, Evidence, EvidenceFile
from microcred.earning.retention import purge_expired_evidence
from microcred.earning.tests.test_uploads import SMALL_LIMITS, mp4, multipart_request, pdf
from microcred.earning.uploads import open_evidence, purge_bytes, store_upload
from microcred.earning.views_files import download_evidence

pytestmark = pytest.mark.usefixtures("s3_storage")
MiB = 1024 * 1024


@pytest.fixture
def earner(db):
    return get_user_model().objects.create_user(username="earner", password="pw-earner-123")


@pytest.fixture
def stranger(db):
    return get_user_model().objects.create_user(username="stranger", password="pw-stranger-123")


def get(user, evidence_file):
    request = RequestFactory().get(f"/earn/files/{evidence_file.pk}/")
    request.user = user
    return download_evidence(request, file_id=evidence_file.pk)


def fetch(url: str):
    """GET as a browser following the redirect would: (status, headers, body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def sigv4_signature_valid(url: str, secret: str = "testing") -> bool:
    """Recompute the AWS Signature Version 4 of a presigned GET (query authentication) and compare."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    fields = dict(query)
    enc = lambda s: quote(s, safe="-_.~")  # noqa: E731
    canonical_query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(q for q in query if q[0] != "X-Amz-Signature"))
    canonical_request = "\n".join(["GET", parts.path, canonical_query, f"host:{parts.netloc}\n", "host", "UNSIGNED-PAYLOAD"])
    scope = fields["X-Amz-Credential"].split("/", 1)[1]
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", fields["X-Amz-Date"], scope,
                                hashlib.sha256(canonical_request.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for piece in scope.split("/"):
        key = hmac.new(key, piece.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest(), fields["X-Amz-Signature"])


# ---------------------------------------------------------------------------------------------------------
# Settings

def test_no_bucket_keeps_the_embedded_file_system_storage():
    assert storage_settings(bucket="") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert storage_settings(bucket="   ")["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_selects_private_s3_storage_with_short_signed_urls():
    config = storage_settings(bucket="evidence", endpoint_url="https://s3.example.org", region="eu-west-1",
                              prefix="/microcred/", download_seconds=60)
    options = config["OPTIONS"]
    assert config["BACKEND"] == S3_BACKEND
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["querystring_expire"] == 60 and options["file_overwrite"] is False
    assert options["location"] == "microcred" and options["endpoint_url"] == "https://s3.example.org"
    assert options["transfer_config"].multipart_chunksize == 8 * MiB and options["max_memory_size"] == 8 * MiB


@pytest.mark.parametrize("seconds", [0, -5, 3601])
def test_download_lifetime_out_of_range_is_refused_at_start_up(seconds):
    with pytest.raises(ImproperlyConfigured):
        storage_settings(bucket="evidence", download_seconds=seconds)


# ---------------------------------------------------------------------------------------------------------
# Upload

def test_upload_is_stored_as_a_private_object_under_its_random_name(s3_storage, earner):
    data = mp4(payload_size=64 * 1024)
    evidence_file = store_upload(uploaded_file=SimpleUploadedFile("lesson.mp4", data), owner=earner)
    assert s3_storage.keys() == [evidence_file.storage_name]
    head = s3_storage.client.head_object(Bucket=s3_storage.bucket, Key=evidence_file.storage_name)
    assert head["ContentLength"] == len(data) and head["CacheControl"] == "private, no-store"
    # No public URL: the object's plain address answers 403 without a signature.
    status, _headers, _body = fetch(f"{s3_storage.endpoint_url}/{s3_storage.bucket}/{evidence_file.storage_name}")
    assert status == 403
    with open_evidence(evidence_file) as f:
        assert f.read() == data


def test_large_spooled_upload_goes_up_in_parts_and_streams_back(s3_storage, earner, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    data = mp4(payload_size=20 * MiB)
    request = multipart_request(encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("lesson.mp4", data)}))
    evidence_file = store_upload(uploaded_file=request.FILES["file"], owner=earner, expected_kinds={"video"})
    request.close()
    head = s3_storage.client.head_object(Bucket=s3_storage.bucket, Key=evidence_file.storage_name)
    assert head["ETag"].strip('"').endswith("-3")  # 8 + 8 + 4 MiB: a multipart upload, never one 20 MiB body
    digest, pieces = hashlib.sha256(), 0
    with open_evidence(evidence_file) as f:
        while chunk := f.read(1 * MiB):
            digest.update(chunk)
            pieces += 1
    assert digest.hexdigest() == evidence_file.sha256 == hashlib.sha256(data).hexdigest() and pieces == 21


def test_oversized_and_wrong_type_uploads_are_refused_and_leave_nothing_in_the_bucket(s3_storage, earner, settings):
    settings.MICROCRED_UPLOAD_LIMITS = SMALL_LIMITS
    with pytest.raises(ValidationError, match="larger than the 64 KB allowed"):
        store_upload(uploaded_file=SimpleUploadedFile("lesson.mp4", mp4(payload_size=256 * 1024)), owner=earner)
    with pytest.raises(ValidationError, match="not a video"):
        store_upload(uploaded_file=SimpleUploadedFile("lesson.mp4", pdf()), owner=earner, expected_kinds={"video"})
    with pytest.raises(ValidationError, match="HTML"):
        store_upload(uploaded_file=SimpleUploadedFile("notes.txt", b"<html><script>alert(1)</script>"), owner=earner)
    assert s3_storage.keys() == [] and not EvidenceFile.objects.exists()


def test_a_failed_record_removes_the_uploaded_object(s3_storage, earner, monkeypatch):
    monkeypatch.setattr("microcred.earning.uploads.audit.record", lambda **kw: (_ for _ in ()).throw(RuntimeError("db down")))
    with pytest.raises(RuntimeError):
        store_upload(uploaded_file=SimpleUploadedFile("lesson.mp4", mp4()), owner=earner)
    assert s3_storage.keys() == []


# ---------------------------------------------------------------------------------------------------------
# Download: the same permission check, then a short-lived presigned URL

def test_owner_is_redirected_to_a_signed_60_second_attachment_url(s3_storage, earner):
    data = mp4()
    evidence_file = store_upload(uploaded_file=SimpleUploadedFile("../lesson one.mp4", data), owner=earner)
    response = get(earner, evidence_file)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store" and response["Referrer-Policy"] == "no-referrer"
    url = response["Location"]
    assert url.startswith(f"{s3_storage.endpoint_url}/{s3_storage.bucket}/{evidence_file.storage_name}?")
    fields = dict(parse_qsl(urlsplit(url).query))
    assert fields["X-Amz-Expires"] == "60" and fields["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    issued = dt.datetime.strptime(fields["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
    assert abs((timezone.now() - issued).total_seconds()) < 30
    assert sigv4_signature_valid(url)
    assert not sigv4_signature_valid(url.replace("X-Amz-Expires=60", "X-Amz-Expires=86400"))  # cannot be stretched
    assert not sigv4_signature_valid(url.replace(evidence_file.storage_name, "evidence/00/00/" + "0" * 32))
    status, headers, body = fetch(url)
    assert status == 200 and body == data
    assert headers["Content-Disposition"] == 'attachment; filename="lesson one.mp4"'
    assert headers["Content-Type"] == "video/mp4" and headers["Cache-Control"] == "private, no-store"


def test_text_downloads_as_utf8_plain_text(s3_storage, earner):
    evidence_file = store_upload(uploaded_file=SimpleUploadedFile("notes.txt", "Caf\u00e9".encode()), owner=earner)
    status, headers, body = fetch(get(earner, evidence_file)["Location"])
    assert status == 200 and body == "Caf\u00e9".encode() and headers["Content-Type"] == "text/plain; charset=utf-8"


def test_others_get_404_and_no_signed_url(s3_storage, earner, stranger):
    evidence_file = store_upload(uploaded_file=SimpleUploadedFile("lesson.mp4", mp4()), owner=earner)
    with pytest.raises(Http404):
        get(stranger, evidence_file)
    anonymous = get(AnonymousUser(), evidence_file)
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous["Location"]
    assert "X-Amz-Signature" not in anonymous["Location"]


def test_record_without_an_object_gives_404(s3_storage, earner, caplog):
    evidence_file = store_upload(uploaded_file=SimpleUploadedFile("lesson.mp4", mp4()), owner=earner)
    s3_storage.client.delete_object(Bucket=s3_storage.bucket, Key=evidence_file.storage_name)
    with pytest.raises(Http404):
        get(earner, evidence_file)
    assert "no bytes in storage" in caplog.text
    with pytest.raises(FileNotFoundError):
        open_stored(evidence_file.storage_name)


def test_http_download_through_the_client(s3_storage, earner, client):
    evidence_file = store_upload(uploaded_file=SimpleUploadedFile("lesson.mp4", mp4()), owner=earner)
    client.force_login(earner)
    response = client.get(f"/earn/files/{evidence_file.pk}/")
    assert response.status_code == 302 and fetch(response["Location"])[2] == mp4()


# ---------------------------------------------------------------------------------------------------------
# Deletion: purge, retention and erasure remove the objects

def test_purge_deletes_the_object_and_downloads_say_410(s3_storage, earner, django_capture_on_commit_callbacks):
    evidence_file = store_upload(uploaded_file=SimpleUploadedFile("lesson.mp4", mp4()), owner=earner)
    with django_capture_on_commit_callbacks(execute=True):
        purge_bytes(evidence_file, by=earner)
    assert s3_storage.keys() == [] and not default_storage.exists(evidence_file.storage_name)
    evidence_file.refresh_from_db()
    assert get(earner, evidence_file).status_code == 410


def _attempt_with_file(earner, mc, data, *, state, decided_days_ago=None):
    attempt = services.start_attempt(earner=earner, micro_credential=mc)
    fields = {"state": state}
    if decided_days_ago is not None:
        fields["decided_at"] = timezone.now() - dt.timedelta(days=decided_days_ago)
    Attempt.objects.filter(pk=attempt.pk).update(**fields)
    evidence_file = store_upload(uploaded_file=SimpleUploadedFile("lesson.mp4", data), owner=earner)
    EvidenceFile.objects.filter(pk=evidence_file.pk).update(created_at=timezone.now() - dt.timedelta(days=500))
    Evidence.objects.create(response=attempt.responses.get(part__position=2), kind=Evidence.Kind.VIDEO, file=evidence_file)
    return evidence_file


def test_retention_deletes_expired_objects_and_keeps_recent_ones(s3_storage, world, published, django_capture_on_commit_callbacks):
    issuer = world["orgs"]["issuer"]
    issuer.evidence_retention_days = 30
    issuer.save(update_fields=["evidence_retention_days"])
    first, second = (get_user_model().objects.create_user(username=n, password=f"pw-{n}-123") for n in ("first", "second"))
    old = _attempt_with_file(first, published.micro_credential, mp4(), state=Attempt.State.EARNED, decided_days_ago=40)
    recent = _attempt_with_file(second, published.micro_credential, mp4(8192), state=Attempt.State.EARNED, decided_days_ago=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired_evidence() == 1
    assert s3_storage.keys() == [recent.storage_name]
    old.refresh_from_db()
    assert old.purged_at is not None


def test_erasure_deletes_the_objects_of_unassessed_work(s3_storage, world, published, django_capture_on_commit_callbacks):
    from microcred.earning.personal_data import erase

    earner = get_user_model().objects.create_user(username="leaving", password="pw-leaving-123")
    _attempt_with_file(earner, published.micro_credential, mp4(), state=Attempt.State.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        counts = erase(earner, now=timezone.now())
    assert counts["evidence_files_purged"] == 1 and s3_storage.keys() == []


def test_personal_data_export_reads_evidence_from_the_bucket(s3_storage, earner):
    from microcred.earning.personal_data import export

    data = mp4()
    store_upload(uploaded_file=SimpleUploadedFile("lesson.mp4", data), owner=earner)
    section = export(earner)
    [exported] = section.files
    with exported.open() as f:
        assert f.read() == data


def test_backup_copies_every_object_of_the_bucket(s3_storage, earner, tmp_path):
    import io
    import tarfile

    from django.core.management import call_command

    stored = [store_upload(uploaded_file=SimpleUploadedFile(name, data), owner=earner)
              for name, data in (("lesson.mp4", mp4()), ("plan.pdf", pdf()))]
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "2 evidence file(s)" in out.getvalue()
    with tarfile.open(archive) as tar:
        for evidence_file in stored:
            member = tar.extractfile(f"media/{evidence_file.storage_name}")
            assert hashlib.sha256(member.read()).hexdigest() == evidence_file.sha256
