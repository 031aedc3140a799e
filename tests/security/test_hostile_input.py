"""Hostile input (issue 7, item 3): every hostile upload, text and JSON document is refused with a clear 4xx
message, or stored and served inert — never a 500.

Service-level upload rules (each refused format, truncation, size limits per kind, name cleaning, storage
clean-up) are in microcred/earning/tests/test_uploads.py; escaping of <script> in MC titles, answers and the
assessor's view in microcred/catalog/tests/test_views.py, microcred/earning/tests/test_views.py and
microcred/assessment/tests/test_views.py. Here: the same attacks through the real pages and the JSON API, and
the cases those do not cover. Run on PostgreSQL too (DATABASE_URL=...), where NUL and surrogates used to 500.
"""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from rest_framework.test import APIClient

from microcred.earning import services as earning
from microcred.earning.models import EvidenceFile
from microcred.earning.tests.test_uploads import docx, mp4, pdf, zip_bomb_docx

SCRIPT = '<script>alert("hostile")</script>'
ATTRIBUTE_BREAKOUT = '" autofocus onfocus="alert(1)" x="'
TEXTAREA_BREAKOUT = "</textarea><script>alert(2)</script>"
RTL_OVERRIDE = "\u202e"
MIXED_SCRIPTS = "Раsswоrd ｐａｙ مرحبا 你好 \u200bzero\u200dwidth " + RTL_OVERRIDE + "txt.exe"


@pytest.fixture
def attempt(world, published, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return earning.start_attempt(earner=world["people"]["earner"], micro_credential=published.micro_credential)


@pytest.fixture
def earner_client(world):
    client = Client()
    client.force_login(world["people"]["earner"])
    return client


def evidence_prompt(attempt):
    return attempt.version.parts.get(position=2).prompts.get()  # accepts video and files of every kind


def written_prompt(attempt):
    return attempt.version.parts.get(position=1).prompts.get(position=1)


def stored_files(tmp_path) -> list:
    return [p for p in tmp_path.rglob("*") if p.is_file()]


# --- uploads through the page and the API ---------------------------------------------------------------------------

def gif() -> bytes:
    return b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def jpeg_with_html() -> bytes:
    # A JPEG whose comment segment is an HTML page: a browser sniffing it as HTML would run the script.
    comment = b"<html><body><script>alert(document.cookie)</script></body></html>"
    return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + b"\xff\xda\x00\x08\x01\x01\x00\x00?\x00" + bytes(64) + b"\xff\xd9")


def docx_with_traversal() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("../../../../etc/cron.d/evil", "* * * * * root sh")
    return out.getvalue()


HOSTILE_UPLOADS = [
    # (case, file name, bytes, what the refusal must say)
    ("rar archive named .mp4", "lesson.mp4", b"Rar!\x1a\x07\x00" + bytes(200), "looks like a RAR archive"),
    ("gif+html polyglot", "photo.gif", gif()[:-1] + b"<script>alert(1)</script>;", "HTML or script"),
    ("jpeg with an html comment", "photo.jpg", jpeg_with_html(), "HTML or script"),
    ("pdf with html in its head", "plan.pdf", pdf().replace(b"%PDF-1.4\n", b"%PDF-1.4\n<html><script>x</script>\n"), "HTML or script"),
    ("svg with script", "diagram.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>', "SVG"),
    ("xhtml", "notes.txt", b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>', "HTML"),
    ("zip bomb in a docx", "report.docx", zip_bomb_docx(300), "zip bomb"),
    ("docx with a path-traversal entry", "report.docx", docx_with_traversal(), "unsafe paths"),
    ("zero bytes", "empty.mp4", b"", "empty"),
    ("windows program named .pdf", "plan.pdf", b"MZ\x90\x00" + bytes(200), "program"),
    ("text with NUL bytes", "notes.txt", b"plain text\x00\x00\x00 with binary", "could not recognise this file"),
]


@pytest.mark.parametrize("case, name, data, message", HOSTILE_UPLOADS, ids=[c[0] for c in HOSTILE_UPLOADS])
def test_hostile_uploads_through_the_page_are_refused_with_a_message(earner_client, attempt, tmp_path, case, name, data, message):
    prompt = evidence_prompt(attempt)
    response = earner_client.post(f"/earn/attempts/{attempt.pk}/upload/{prompt.pk}/",
                                  {"file": SimpleUploadedFile(name, data, content_type="image/png")}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    # Shown next to the upload control it is about (issue 15 finding 6), as an alert.
    shown = re.findall(r'<p id="upload-result-\d+"[^>]*class="inline-message error"[^>]*role="alert">(.*?)</p>', body, re.S)
    assert shown and message in " ".join(shown), (case, shown)
    assert not EvidenceFile.objects.exists() and not stored_files(tmp_path / "evidence")


@pytest.mark.parametrize("case, name, data, message", HOSTILE_UPLOADS[:7], ids=[c[0] for c in HOSTILE_UPLOADS[:7]])
def test_hostile_uploads_through_the_api_are_a_400_with_the_reason(world, attempt, case, name, data, message):
    api = APIClient()
    api.force_authenticate(world["people"]["earner"])
    response = api.post(f"/api/v1/earning/attempts/{attempt.pk}/files/",
                        {"prompt": evidence_prompt(attempt).pk, "file": SimpleUploadedFile(name, data)}, format="multipart")
    assert response.status_code == 400 and message in " ".join(response.json()["file"]), response.json()
    assert not EvidenceFile.objects.exists()


def test_oversize_upload_through_the_page_is_cut_off_with_a_message(earner_client, attempt, settings, tmp_path):
    settings.MICROCRED_UPLOAD_LIMITS = {"video": 64 * 1024, "document": 64 * 1024, "image": 64 * 1024, "audio": 64 * 1024}
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    prompt = evidence_prompt(attempt)
    big = mp4(payload_size=512 * 1024)
    body = earner_client.post(f"/earn/attempts/{attempt.pk}/upload/{prompt.pk}/",
                              {"file": SimpleUploadedFile("big.mp4", big)}, follow=True).content.decode()
    assert "larger than the 64 KB allowed" in body
    assert not EvidenceFile.objects.exists()
    assert not list((tmp_path / "spool").glob("*"))  # the cut-off spool file was removed


@pytest.mark.parametrize("name, label", [
    ("../../../../etc/passwd.mp4", "passwd.mp4"),
    ("..\\..\\windows\\system32\\lesson.mp4", "lesson.mp4"),
    (f"lesson{RTL_OVERRIDE}4pm.exe", "lesson4pm.mp4"),        # "lesson" + RLO would display as "lessonexe.mp4"
    ("<img src=x onerror=alert(1)>.mp4", "<img src=x onerror=alert(1)>.mp4"),
    ("a" * 5000 + ".mp4", "a" * 196 + ".mp4"),
])
def test_hostile_file_names_become_a_safe_label_and_are_served_inert(earner_client, attempt, tmp_path, name, label):
    prompt = evidence_prompt(attempt)
    page = earner_client.post(f"/earn/attempts/{attempt.pk}/upload/{prompt.pk}/",
                              {"file": SimpleUploadedFile(name, mp4())}, follow=True).content.decode()
    stored = EvidenceFile.objects.get()
    assert stored.original_name == label
    assert ".." not in stored.storage_name and stored.storage_name.startswith("evidence/")
    assert all(p.is_relative_to(tmp_path) for p in stored_files(tmp_path))
    assert "<img src=x" not in page  # the label is escaped wherever it is shown
    download = earner_client.get(f"/earn/files/{stored.pk}/")
    assert download.status_code == 200
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox" and download["X-Content-Type-Options"] == "nosniff"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;") and "/" not in disposition.split("filename", 1)[1] and "\\" not in disposition
    assert RTL_OVERRIDE not in disposition


def test_multipart_with_a_nul_in_the_file_name_is_refused_or_cleaned(earner_client, attempt):
    prompt = evidence_prompt(attempt)
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("x.mp4", mp4())}).replace(b'filename="x.mp4"', b'filename="evil\x00.html.mp4"')
    response = earner_client.generic("POST", f"/earn/attempts/{attempt.pk}/upload/{prompt.pk}/", body, content_type=MULTIPART_CONTENT)
    assert response.status_code == 302
    for stored in EvidenceFile.objects.all():
        assert "\x00" not in stored.original_name and stored.original_name.endswith(".mp4")


def test_an_office_document_that_is_fine_is_accepted(earner_client, attempt):
    # The guard rails above must not refuse ordinary evidence.
    prompt = evidence_prompt(attempt)
    body = earner_client.post(f"/earn/attempts/{attempt.pk}/upload/{prompt.pk}/",
                              {"file": SimpleUploadedFile("lesson plan.docx", docx())}, follow=True).content.decode()
    assert "Added “lesson plan.docx”" in body


# --- text ------------------------------------------------------------------------------------------------------------------

def test_answers_that_try_to_break_out_of_their_markup_are_shown_escaped(earner_client, attempt):
    prompt = written_prompt(attempt)
    for payload in (SCRIPT, ATTRIBUTE_BREAKOUT, TEXTAREA_BREAKOUT):
        saved = earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{prompt.pk}/", {"text": payload}, HTTP_HX_REQUEST="true")
        assert "Saved" in saved.content.decode()
        page = earner_client.get(f"/earn/attempts/{attempt.pk}/").content.decode()
        assert payload not in page, payload
        assert "alert(" in page  # it is there, as text
    assert "<script>alert" not in page and "</textarea><script>" not in page


def test_control_characters_are_dropped_or_kept_as_inert_text(earner_client, attempt):
    prompt = written_prompt(attempt)
    text = "before\x00after\x01\x07\x1b[31mred\x7f end"
    earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{prompt.pk}/", {"text": text}, HTTP_HX_REQUEST="true")
    stored = attempt.responses.get(part__position=1).evidence.get(prompt=prompt).text
    assert "\x00" not in stored and stored.startswith("beforeafter")  # NUL cannot be stored by PostgreSQL: dropped
    assert earner_client.get(f"/earn/attempts/{attempt.pk}/").status_code == 200


def test_mixed_scripts_and_bidi_overrides_are_stored_exactly_and_rendered_as_text(earner_client, attempt):
    prompt = written_prompt(attempt)
    earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{prompt.pk}/", {"text": MIXED_SCRIPTS}, HTTP_HX_REQUEST="true")
    assert attempt.responses.get(part__position=1).evidence.get(prompt=prompt).text == MIXED_SCRIPTS
    page = earner_client.get(f"/earn/attempts/{attempt.pk}/")
    assert page.status_code == 200 and MIXED_SCRIPTS in page.content.decode()


def test_very_long_text_is_refused_with_a_message(earner_client, attempt, world):
    prompt = written_prompt(attempt)
    too_long = earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{prompt.pk}/", {"text": "x" * 200_000}, HTTP_HX_REQUEST="true")
    assert "Keep the answer under" in too_long.content.decode()
    api = APIClient()
    api.force_authenticate(world["people"]["earner"])
    refused = api.post(f"/api/v1/earning/attempts/{attempt.pk}/answers/", {"prompt": prompt.pk, "text": "y" * 200_000}, format="json")
    assert refused.status_code == 400 and "Keep the answer under" in json.dumps(refused.json())
    profile = earner_client.post("/accounts/profile/", {"position": "teacher", "career_stage": "new", "license_number": "9" * 10_000})
    assert profile.status_code == 200 and "at most 40 characters" in profile.content.decode()


def test_hostile_links_are_refused(earner_client, world, publish_mc, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    version = publish_mc(slug="link-mc", parts=[{
        "title": "Link", "overview": "", "demonstrates": "implement", "evidence_types": ["link"],
        "prompts": [{"text": "Link your video.", "response_type": "link", "guidance": "", "choices": [], "correct_choice": None}],
        "rubric": {"levels": ["No", "Yes"], "passing_rule": "all_at_least", "passing_level": 1, "min_criteria": None,
                   "criteria": [{"title": "C", "description": "", "descriptors": ["No", "Yes"]}]}}])
    attempt = earning.start_attempt(earner=world["people"]["earner"], micro_credential=version.micro_credential)
    prompt = attempt.version.parts.get().prompts.get()
    for url in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "//evil.example/x",
                "https://" + "a" * 2000 + ".example"):
        response = earner_client.post(f"/earn/attempts/{attempt.pk}/answer/{prompt.pk}/", {"url": url}, HTTP_HX_REQUEST="true")
        assert "Not saved" in response.content.decode() and "http(s) link" in response.content.decode(), url
    assert not attempt.responses.filter(evidence__url__gt="").exists()


@pytest.mark.parametrize("query", ["a\x00b", "\ud800", SCRIPT, "x" * 100_000, "%' OR 1=1 --", "\\", RTL_OVERRIDE * 50])
def test_catalog_search_takes_any_query(client, published, query):
    for url in ("/catalog/", "/api/v1/catalog/"):
        response = client.get(url, {"q": query.encode("utf-8", "surrogatepass")})
        assert response.status_code in (200, 400), (url, response.status_code)
        if url == "/catalog/" and response.status_code == 200:
            assert SCRIPT not in response.content.decode()


def test_profile_refuses_null_characters(earner_client):
    response = earner_client.post("/accounts/profile/", {"state": "T\x00", "position": "teacher", "career_stage": "new",
                                                         "license_number": "TN\x00123"})
    assert response.status_code == 200 and "Null characters are not allowed" in response.content.decode()


# --- JSON to the API ---------------------------------------------------------------------------------------------------------

HOSTILE_JSON = [
    # (case, body, status, words in the message)
    ("nesting 10 000 deep", b'{"a":' * 10_000 + b"1" + b"}" * 10_000, 400, "nested too deeply"),
    ("array nesting 100 000 deep", b"[" * 100_000 + b"]" * 100_000, 400, "nested too deeply"),
    ("1e999999", b'{"owner": "issuer-one", "definition": {"estimated_hours": 1e999999}}', 400, "too large"),
    ("-1e999999", b'{"prompt": -1e999999}', 400, "too large"),
    ("integer of 5000 digits", b'{"prompt": ' + b"9" * 5000 + b"}", 400, "too large"),
    ("integer beyond 64 bits", b'{"prompt": 18446744073709551617}', 400, "too large"),
    ("NaN", b'{"prompt": NaN}', 400, "not a valid JSON number"),
    ("Infinity", b'{"prompt": Infinity}', 400, "not a valid JSON number"),
    ("duplicate keys", b'{"owner": "issuer-one", "owner": "issuer-two", "definition": {}}', 400, "appears twice"),
    ("not UTF-8", b'{"text": "caf\xe9"}', 400, "not UTF-8"),
    ("UTF-16", '{"text": "x"}'.encode("utf-16"), 400, "not UTF-8"),
    ("NUL in a string", b'{"text": "a\\u0000b"}', 400, "NUL"),
    ("lone surrogate", b'{"text": "\\ud800"}', 400, "surrogate"),
    ("surrogate in a key", b'{"\\udfff": 1}', 400, "surrogate"),
    ("truncated", b'{"owner": "issu', 400, "JSON parse error"),
    ("empty body", b"", 400, ""),  # no document: the endpoint names the missing fields
    ("trailing garbage", b'{"a": 1} {"b": 2}', 400, "JSON parse error"),
]


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def json_endpoints(world, attempt):
    return [(world["people"]["author"], "/api/v1/authoring/import/"),
            (world["people"]["earner"], f"/api/v1/earning/attempts/{attempt.pk}/answers/"),
            (world["people"]["earner"], "/api/v1/earning/attempts/")]


@pytest.mark.parametrize("case, body, status, words", HOSTILE_JSON, ids=[c[0] for c in HOSTILE_JSON])
def test_hostile_json_is_a_clear_4xx(json_endpoints, case, body, status, words):
    for user, url in json_endpoints:
        response = api_client(user).generic("POST", url, body, content_type="application/json")
        assert response.status_code == status, (case, url, response.status_code, response.content[:200])
        message = response.json()
        assert words in (message["detail"] if words else json.dumps(message)), (case, url, message)


def test_oversized_json_is_413(json_endpoints, settings):
    settings.MICROCRED_MAX_JSON_BYTES = 1024
    for user, url in json_endpoints:
        body = json.dumps({"text": "x" * 2048}).encode()
        response = api_client(user).generic("POST", url, body, content_type="application/json")
        assert response.status_code == 413 and "too large" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded; charset=utf-7",
                                          "application/json-patch+json", "image/png"])
def test_wrong_content_type_is_415_or_a_field_message(json_endpoints, content_type):
    for user, url in json_endpoints:
        response = api_client(user).generic("POST", url, b'{"prompt": 1}', content_type=content_type)
        assert 400 <= response.status_code < 500, (url, content_type, response.status_code)
        if response.status_code == 415:
            assert "Unsupported media type" in response.json()["detail"]


@pytest.mark.parametrize("document", ['"just a string"', "[1, 2, 3]", "null", "true", "12",
                                      '{"prompt": {"$gt": 0}}', '{"prompt": [1], "text": ["a"]}', '{"prompt": "1 OR 1=1"}'])
def test_json_of_the_wrong_shape_is_a_400(json_endpoints, document):
    for user, url in json_endpoints:
        response = api_client(user).generic("POST", url, document.encode(), content_type="application/json")
        assert response.status_code in (400, 404), (url, document, response.status_code)


def test_json_that_is_fine_still_works(world, attempt):
    prompt = written_prompt(attempt)
    body = json.dumps({"prompt": prompt.pk, "text": SCRIPT + MIXED_SCRIPTS}, ensure_ascii=False).encode()
    response = api_client(world["people"]["earner"]).generic("POST", f"/api/v1/earning/attempts/{attempt.pk}/answers/", body,
                                                             content_type="application/json; charset=utf-8")
    assert response.status_code == 200
    assert attempt.responses.get(part__position=1).evidence.get(prompt=prompt).text == SCRIPT + MIXED_SCRIPTS
    # Served back as a JSON string (inert), with a JSON content type.
    served = api_client(world["people"]["earner"]).get(f"/api/v1/earning/attempts/{attempt.pk}/")
    answers = [q["answer"]["text"] for part in served.json()["parts"] for q in part["prompts"]]
    assert served["Content-Type"].startswith("application/json") and SCRIPT + MIXED_SCRIPTS in answers


@pytest.mark.parametrize("case, body, status, words", HOSTILE_JSON[:8], ids=[c[0] for c in HOSTILE_JSON[:8]])
def test_the_public_verifier_never_fails_on_hostile_json(client, case, body, status, words):
    # Not the DRF parser: the verifier reads any document and reports it as not verified (4xx when unreadable).
    response = client.generic("POST", "/credentials/verify", body, content_type="application/json")
    assert response.status_code < 500, (case, response.status_code)
    assert response.json()["verified"] is False
