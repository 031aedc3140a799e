"""The JSON API: start an import (multipart), follow it; who may not."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from microcred.rosters.models import ImportRun

from .bundles import teacher, write_bundle, zip_folder

pytestmark = pytest.mark.django_db


def test_admin_starts_and_follows_an_import(client, world, district_admin, tmp_path, django_capture_on_commit_callbacks):
    archive = zip_folder(write_bundle(tmp_path / "b", [teacher(1), teacher(2, email="x")], students=1), tmp_path / "b.zip")
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/rosters/runs/", {"organization": world["orgs"]["district"].slug,
                                                         "file": SimpleUploadedFile("b.zip", archive.read_bytes())})
    assert response.status_code == 202, response.content
    detail = client.get(f"/api/v1/rosters/runs/{response.json()['id']}/").json()
    assert (detail["state"], detail["created"], detail["skipped"], detail["errors"]) == ("finished", 1, 1, 1)
    assert detail["problems"] == [{"file": "users.csv", "row": 3, "column": "email", "message": "not a valid e-mail address"}]
    assert [r["id"] for r in client.get("/api/v1/rosters/runs/").json()] == [detail["id"]]


def test_api_refuses_others(client, world, district_admin, other_district_admin, tmp_path):
    run = ImportRun.objects.create(organization=world["orgs"]["district"], kind="roster", source="upload", state="finished")
    client.force_login(other_district_admin)
    assert client.get(f"/api/v1/rosters/runs/{run.pk}/").status_code == 404
    response = client.post("/api/v1/rosters/runs/", {"organization": world["orgs"]["district"].slug,
                                                     "file": SimpleUploadedFile("b.csv", b"sourced_id\n")})
    assert response.status_code == 400 and "organization" in response.json()
    client.force_login(world["people"]["earner"])
    assert client.get("/api/v1/rosters/runs/").status_code == 403
    assert ImportRun.objects.count() == 1
