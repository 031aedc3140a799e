"""The CASE framework import page: upload a CFPackage or give its address, imported by a background task; the
result (framework, counts) or a clear error; who may not."""
from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from microcred.catalog.models import CompetencyFramework
from microcred.catalog.tests.factories import make_case_package
from microcred.core.models import AuditEvent
from microcred.interop.models import CaseImportRun

URL = "/interop/case-import/"


def upload(data: bytes, name="framework.json"):
    return SimpleUploadedFile(name, data, content_type="application/json")


def post(client, capture, **data):
    with capture(execute=True):
        return client.post(URL, data)


def test_a_platform_admin_imports_a_file_and_sees_the_counts(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["people"]["platform_admin"])
    assert client.get(URL).status_code == 200
    package = json.dumps(make_case_package()).encode()
    response = post(client, django_capture_on_commit_callbacks, package=upload(package))
    assert response.status_code == 302
    run = CaseImportRun.objects.get()
    assert run.state == "done" and run.items == 8 and run.created == 8 and run.updated == 0, run.error
    assert run.package == b"" and CompetencyFramework.objects.get().identifier == run.framework_identifier
    page = client.get(response["Location"]).content.decode()
    assert run.framework_identifier in page and run.framework_title in page
    # Again: updated, not duplicated.
    post(client, django_capture_on_commit_callbacks, package=upload(package))
    again = CaseImportRun.objects.first()
    assert (again.created, again.updated) == (0, 8) and CompetencyFramework.objects.count() == 1
    assert AuditEvent.objects.filter(action="case.imported").count() == 2
    assert again.framework_title in client.get(URL).content.decode()


@pytest.mark.parametrize("data, words", [
    (b"{not json", "JSON"),
    (b'{"CFDocument": "nope"}', "CFDocument"),
    (b"[1, 2]", ""),
    ("<script>alert(1)</script>".encode(), "JSON"),
])
def test_bad_packages_fail_with_a_clear_error_and_import_nothing(client, world, data, words,
                                                                 django_capture_on_commit_callbacks):
    client.force_login(world["people"]["platform_admin"])
    response = post(client, django_capture_on_commit_callbacks, package=upload(data))
    run = CaseImportRun.objects.get()
    assert run.state == "failed" and run.error and words in run.error and not CompetencyFramework.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported" in page and "<script>alert" not in page


def test_an_oversized_file_both_or_neither_are_refused_on_the_form(client, world, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.MICROCRED_CASE_MAX_BYTES = 1024 * 1024
    client.force_login(world["people"]["platform_admin"])
    response = post(client, django_capture_on_commit_callbacks, package=upload(b" " * (1024 * 1024 + 1)))
    assert response.status_code == 400 and "larger than 1 MB" in response.content.decode()
    assert post(client, django_capture_on_commit_callbacks).status_code == 400
    settings.MICROCRED_CASE_ONLINE = True
    both = post(client, django_capture_on_commit_callbacks, package=upload(b"{}"), url="https://example.org/x.json")
    assert both.status_code == 400 and "one of the two" in both.content.decode()
    assert post(client, django_capture_on_commit_callbacks, url="ftp://example.org/x.json").status_code == 400
    assert not CaseImportRun.objects.exists()


def test_an_address_is_refused_when_offline_and_private_addresses_are_never_fetched(client, world, settings,
                                                                                    django_capture_on_commit_callbacks):
    client.force_login(world["people"]["platform_admin"])
    offline = post(client, django_capture_on_commit_callbacks, url="https://frameworks.example.org/p.json")
    assert offline.status_code == 400 and "turned off" in offline.content.decode()
    settings.MICROCRED_CASE_ONLINE = True
    response = post(client, django_capture_on_commit_callbacks, url="https://127.0.0.1/p.json")
    run = CaseImportRun.objects.get()
    assert response.status_code == 302 and run.state == "failed" and "private" in run.error
    response = post(client, django_capture_on_commit_callbacks, url="https://unreachable.invalid/p.json")
    assert CaseImportRun.objects.first().state == "failed" and CaseImportRun.objects.first().error


@pytest.mark.parametrize("who", ["earner", "issuer_admin", "author", "recognizer"])
def test_who_may_not_import(client, world, who, django_capture_on_commit_callbacks):
    client.force_login(world["people"][who])
    assert client.get(URL).status_code == 404
    assert post(client, django_capture_on_commit_callbacks,
                package=upload(json.dumps(make_case_package()).encode())).status_code == 404
    run = CaseImportRun.objects.create(state="failed", error="x")
    assert client.get(f"{URL}{run.pk}/").status_code == 404
    assert not CompetencyFramework.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get(URL).status_code == 302
