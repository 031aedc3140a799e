"""Evidence uploads: what is accepted, what is refused and why, how bytes are stored and who may download them."""
from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.http import Http404
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from microcred.core.models import AuditEvent
from microcred.earning import uploads
from microcred.earning.models import EvidenceFile
from microcred.earning.uploads import open_evidence, purge_bytes, store_upload, upload_refusal
from microcred.earning.views_files import download_evidence

SMALL_LIMITS = {"video": 64 * 1024, "document": 64 * 1024, "image": 64 * 1024, "audio": 64 * 1024}


# ---------------------------------------------------------------------------------------------------------
# Real (minimal) media, built byte by byte

def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(payload_size: int = 4096) -> bytes:
    ftyp = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    return ftyp + box(b"moov", box(b"mvhd", bytes(100))) + box(b"mdat", bytes(range(256)) * (payload_size // 256))


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(extra_chunks: bytes = b"") -> bytes:
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    idat = png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + extra_chunks + idat + png_chunk(b"IEND", b"")


def pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def docx(document_xml: bytes = b"<w:document/>", compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", document_xml)
    return out.getvalue()


def zip_bomb_docx(zero_mb: int) -> bytes:
    """A docx-shaped zip whose document part is `zero_mb` MB of zeros: tiny on the wire, huge when opened."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as member:
            for _ in range(zero_mb):
                member.write(bytes(1024 * 1024))
    return out.getvalue()


@pytest.fixture
def earner(db):
    return get_user_model().objects.create_user(username="earner", password="pw-earner-123")


@pytest.fixture
def stranger(db):
    return get_user_model().objects.create_user(username="stranger", password="pw-stranger-123")


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(owner, name, data, expected_kinds=None) -> str:
    before = EvidenceFile.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        store_upload(uploaded_file=upload(name, data), owner=owner, expected_kinds=expected_kinds)
    assert EvidenceFile.objects.count() == before  # nothing recorded
    return excinfo.value.message_dict["file"][0]


def stored_bytes(evidence_file) -> bytes:
    with open_evidence(evidence_file) as f:
        return f.read()


# ---------------------------------------------------------------------------------------------------------
# Accepted files

@pytest.mark.parametrize("name, data, kind, content_type", [
    ("lesson.mp4", mp4(), "video", "video/mp4"),
    ("board.png", png(), "image", "image/png"),
    ("plan.pdf", pdf(), "document", "application/pdf"),
    ("reflection.docx", docx(), "document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("notes.txt", "Exit tickets showed 18 of 24 students — café.\n".encode(), "document", "text/plain"),
], ids=["mp4", "png", "pdf", "docx", "txt"])
def test_real_files_are_accepted_by_their_bytes(earner, name, data, kind, content_type):
    evidence_file = store_upload(uploaded_file=upload(name, data, "text/html"), owner=earner)  # the client's type is ignored
    assert (evidence_file.kind, evidence_file.content_type, evidence_file.size) == (kind, content_type, len(data))
    assert evidence_file.original_name == name
    assert evidence_file.sha256 == hashlib.sha256(data).hexdigest()
    assert stored_bytes(evidence_file) == data
    assert AuditEvent.objects.filter(action="evidence_file.uploaded", target_id=str(evidence_file.pk)).exists()


def test_stored_name_is_random_and_owes_nothing_to_the_upload_name(earner):
    first = store_upload(uploaded_file=upload("lesson.mp4", mp4()), owner=earner)
    second = store_upload(uploaded_file=upload("lesson.mp4", mp4()), owner=earner)
    for evidence_file in (first, second):
        assert re.fullmatch(r"evidence/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}", evidence_file.storage_name)
        assert "lesson" not in evidence_file.storage_name and default_storage.exists(evidence_file.storage_name)
    assert first.storage_name != second.storage_name


def test_a_spooled_temporary_upload_is_stored_without_loss(earner):
    data = mp4(payload_size=3 * 1024 * 1024)
    spooled = TemporaryUploadedFile("big lesson.mp4", "video/mp4", len(data), None)
    spooled.write(data)
    spooled.seek(0)
    evidence_file = store_upload(uploaded_file=spooled, owner=earner, expected_kinds={"video"})
    spooled.close()  # the filesystem storage moved the temporary file; closing must not fail
    assert evidence_file.sha256 == hashlib.sha256(data).hexdigest() and stored_bytes(evidence_file) == data


def test_storage_without_local_paths_works(earner, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    evidence_file = store_upload(uploaded_file=upload("lesson.mp4", mp4()), owner=earner)
    assert stored_bytes(evidence_file) == mp4()


# ---------------------------------------------------------------------------------------------------------
# Refused files, each with its own message

def test_empty_file_is_refused(earner):
    assert refusal(earner, "lesson.mp4", b"") == "The file is empty."


def test_html_named_mp4_is_refused_as_html(earner):
    html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
    assert refusal(earner, "lesson.mp4", html, {"video"}) == "This file looks like HTML, not a video."
    assert refusal(earner, "lesson.mp4", html).startswith("This file looks like HTML, which cannot be uploaded")


def test_svg_with_script_named_png_is_refused(earner):
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    message = refusal(earner, "photo.png", svg, {"image"})
    assert message.startswith("This file looks like an SVG image, not an image.") and "can carry script" in message


@pytest.mark.parametrize("data, label", [
    (b"\x7fELF\x02\x01\x01\x00" + bytes(300), "a Linux program"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(300), "a Windows program"),
    (b"#!/bin/sh\nrm -rf ~\n", "a script"),
], ids=["elf", "pe", "shell"])
def test_programs_and_scripts_are_refused(earner, data, label):
    assert refusal(earner, "lesson.mp4", data, {"video"}) == f"This file looks like {label}, not a video."


def test_plain_zip_archive_is_refused(earner):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("lesson.mp4", mp4())
    assert "ZIP archive" in refusal(earner, "lesson.docx", out.getvalue())


def test_zip_bomb_in_an_office_document_is_refused(earner):
    bomb = zip_bomb_docx(zero_mb=20)  # ~20 KB that declares 20 MB: far beyond a sane compression ratio
    assert len(bomb) < 100 * 1024
    assert "zip bomb" in refusal(earner, "report.docx", bomb)


def test_office_document_declaring_too_much_data_is_refused(earner, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_UNCOMPRESSED", 1024 * 1024)
    stored = docx(document_xml=bytes(2 * 1024 * 1024), compression=zipfile.ZIP_STORED)  # ratio 1, but 2 MB > 1 MB
    assert "zip bomb" in refusal(earner, "report.docx", stored)


def test_damaged_office_document_is_refused(earner):
    assert "damaged or cut short" in refusal(earner, "report.docx", docx()[:-30])


def test_truncated_files_are_refused(earner):
    assert refusal(earner, "lesson.mp4", mp4()[:10]).startswith("We could not recognise this file; it may be damaged or cut short.")
    assert "cut short" in refusal(earner, "lesson.mp4", mp4()[:-100], {"video"})
    assert "cut short" in refusal(earner, "board.png", png()[:-12])
    assert "cut short" in refusal(earner, "plan.pdf", pdf()[:-7])
    assert "cut short" in refusal(earner, "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF")


def test_mp4_without_its_index_is_refused(earner):
    ftyp = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    assert "no index" in refusal(earner, "lesson.mp4", ftyp + box(b"mdat", bytes(4096)))


def test_png_that_is_also_html_is_refused(earner):
    polyglot = png(extra_chunks=png_chunk(b"tEXt", b"Comment\x00<html><script>alert(1)</script>"))
    assert "contains HTML or script" in refusal(earner, "board.png", polyglot, {"image"})


def test_text_must_be_utf8_without_markup_or_binary(earner):
    assert "contains HTML or script" in refusal(earner, "notes.txt", b"Notes\n<script>alert(1)</script>\n")
    assert "not UTF-8" in refusal(earner, "notes.txt", "Caf\u00e9 notes".encode("latin-1"))
    assert refusal(earner, "notes.txt", bytes(1000)).startswith("We could not recognise this file")  # zero bytes
    assert "control characters" in refusal(earner, "notes.txt", b"x" * 9000 + b"\x00\x01")


def test_file_of_the_wrong_kind_for_the_part_is_refused(earner):
    assert refusal(earner, "plan.pdf", pdf(), {"video"}) == "This file looks like a PDF document, not a video."
    assert refusal(earner, "lesson.mp4", mp4(), {"image", "document"}) == "This file looks like an MP4 video, not a document or an image."


def test_size_limits_are_per_kind(earner, settings):
    settings.MICROCRED_UPLOAD_LIMITS = {**uploads.DEFAULT_LIMITS, "image": 50}
    assert refusal(earner, "board.png", png() + bytes(0)) == f"This file is {len(png())} bytes; image files may be at most 50 bytes."
    assert store_upload(uploaded_file=upload("plan.pdf", pdf()), owner=earner).kind == "document"


def test_limit_message_is_in_megabytes_and_gigabytes(earner, settings):
    settings.MICROCRED_UPLOAD_LIMITS = {"video": 2 * 1024**3, "document": 100, "image": 25 * 1024**2, "audio": 300 * 1024**2}
    assert refusal(earner, "plan.pdf", pdf()).endswith("document files may be at most 100 bytes.")
    assert uploads.human_size(2 * 1024**3) == "2 GB" and uploads.human_size(25 * 1024**2) == "25 MB"


# ---------------------------------------------------------------------------------------------------------
# Names

@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd.mp4", "passwd.mp4"),
    ("C:\\evil\\x.mp4", "x.mp4"),
    ("lesson\x00\x1b[31m\u202e4pm.exe", "lesson[31m4pm.mp4"),  # control and bidi-override characters go; the extension is the bytes'
    ("page.html", "page.mp4"),
    ("....", "evidence.mp4"),
])
def test_path_like_and_hostile_names_are_reduced_to_a_safe_label(earner, name, expected):
    evidence_file = store_upload(uploaded_file=upload(name, mp4()), owner=earner)
    assert evidence_file.original_name == expected
    assert uploads.clean_original_name(name, "video/mp4") == expected  # also when a caller skips Django's own clean-up
    assert name not in evidence_file.storage_name and ".." not in evidence_file.storage_name


def test_long_name_with_control_characters_is_cut_to_200_and_keeps_its_extension(earner):
    name = "\x07" + "a" * 500 + "\n.mp4"
    evidence_file = store_upload(uploaded_file=upload(name, mp4()), owner=earner)
    assert len(evidence_file.original_name) == 200 and evidence_file.original_name.endswith("a.mp4")
    assert not any(ord(c) < 32 for c in evidence_file.original_name)


# ---------------------------------------------------------------------------------------------------------
# Failures after storage started leave nothing behind

def test_failure_after_storing_removes_the_stored_bytes(earner, monkeypatch):
    saved = []
    real_save = default_storage.save
    monkeypatch.setattr(default_storage, "save", lambda name, content: saved.append(real_save(name, content)) or saved[-1])

    def broken_audit(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(uploads.audit, "record", broken_audit)
    with pytest.raises(RuntimeError):
        store_upload(uploaded_file=upload("lesson.mp4", mp4()), owner=earner)
    assert saved and not default_storage.exists(saved[0])
    assert not EvidenceFile.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# The upload handler: too large or interrupted bodies never reach storage, other fields survive

def multipart_request(body: bytes) -> WSGIRequest:
    return WSGIRequest({"REQUEST_METHOD": "POST", "CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body)),
                        "wsgi.input": io.BytesIO(body), "SERVER_NAME": "testserver", "SERVER_PORT": "80",
                        "wsgi.url_scheme": "http", "PATH_INFO": "/"})


@pytest.fixture
def spooling(settings, tmp_path):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # anything larger goes through the limited temporary-file handler
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    return tmp_path / "spool"


def test_too_large_upload_is_cut_off_and_leaves_no_temporary_file(spooling, settings):
    settings.MICROCRED_UPLOAD_LIMITS = SMALL_LIMITS
    body = encode_multipart(BOUNDARY, {"note": "my reflection", "file": upload("lesson.mp4", mp4(payload_size=512 * 1024))})
    request = multipart_request(body)
    assert "file" not in request.FILES
    assert request.POST["note"] == "my reflection"  # the rest of the draft arrives
    assert upload_refusal(request) == "This file is larger than the 64 KB allowed. Nothing else in your draft was changed."
    assert list(spooling.iterdir()) == []


def test_interrupted_upload_is_reported_and_cleaned_up(spooling):
    body = encode_multipart(BOUNDARY, {"note": "my reflection", "file": upload("lesson.mp4", mp4(payload_size=512 * 1024))})
    request = multipart_request(body[: len(body) // 2])
    assert "file" not in request.FILES and request.POST["note"] == "my reflection"
    assert "did not finish" in upload_refusal(request)
    assert list(spooling.iterdir()) == []


def test_upload_within_the_limit_arrives_spooled_and_is_stored(spooling, earner):
    data = mp4(payload_size=512 * 1024)
    request = multipart_request(encode_multipart(BOUNDARY, {"file": upload("lesson.mp4", data)}))
    uploaded = request.FILES["file"]
    assert upload_refusal(request) is None and isinstance(uploaded, TemporaryUploadedFile)
    evidence_file = store_upload(uploaded_file=uploaded, owner=earner, expected_kinds={"video"})
    request.close()  # as the WSGI handler does after the response: the moved temporary file must not be missed
    assert stored_bytes(evidence_file) == data and list(spooling.iterdir()) == []


# ---------------------------------------------------------------------------------------------------------
# Download: permission-checked, always an attachment, never sniffed or rendered

def get(user, evidence_file):
    request = RequestFactory().get(f"/earn/files/{evidence_file.pk}/")
    request.user = user
    return download_evidence(request, file_id=evidence_file.pk)


def test_owner_downloads_the_file_as_an_attachment_that_cannot_be_rendered(earner):
    evidence_file = store_upload(uploaded_file=upload("../../lesson one.mp4", mp4()), owner=earner)
    response = get(earner, evidence_file)
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"] == 'attachment; filename="lesson one.mp4"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == mp4()


def test_text_is_served_as_utf8_plain_text_attachment(earner):
    evidence_file = store_upload(uploaded_file=upload("notes.txt", "Caf\u00e9".encode()), owner=earner)
    response = get(earner, evidence_file)
    assert response["Content-Type"] == "text/plain; charset=utf-8" and response["Content-Disposition"].startswith("attachment")


def test_another_user_gets_404(earner, stranger):
    evidence_file = store_upload(uploaded_file=upload("lesson.mp4", mp4()), owner=earner)
    with pytest.raises(Http404):
        get(stranger, evidence_file)


def test_unknown_or_malformed_id_gets_404(earner):
    request = RequestFactory().get("/earn/files/x/")
    request.user = earner
    for file_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(Http404):
            download_evidence(request, file_id=file_id)


def test_anonymous_is_sent_to_login(earner):
    evidence_file = store_upload(uploaded_file=upload("lesson.mp4", mp4()), owner=earner)
    response = get(AnonymousUser(), evidence_file)
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_purged_file_gives_410_and_its_bytes_are_gone(earner, django_capture_on_commit_callbacks):
    evidence_file = store_upload(uploaded_file=upload("lesson.mp4", mp4()), owner=earner)
    with django_capture_on_commit_callbacks(execute=True):
        purged = purge_bytes(evidence_file, by=earner)
    assert purged.purged_at is not None and not default_storage.exists(evidence_file.storage_name)
    assert purge_bytes(purged).purged_at == purged.purged_at  # twice is harmless
    response = get(earner, purged)
    assert response.status_code == 410 and b"removed" in response.content
    with pytest.raises(FileNotFoundError):
        open_evidence(purged)
