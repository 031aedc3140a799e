"""The pages: upload (run as a task), progress, report, problems CSV, history, sync; who may not."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from microcred.accounts.models import User
from microcred.core.models import AuditEvent
from microcred.rosters import services
from microcred.rosters.models import ImportRun, RosterSync

from .bundles import teacher, write_bundle, zip_folder

pytestmark = pytest.mark.django_db


def upload(client, org, archive, **extra):
    return client.post(reverse("rosters:index"), {
        "organization": org.pk, "kind": "roster", **extra,
        "file": SimpleUploadedFile("bundle.zip", archive.read_bytes(), content_type="application/zip")})


def test_district_admin_uploads_and_sees_the_report(client, world, district_admin, tmp_path, django_capture_on_commit_callbacks):
    district = world["orgs"]["district"]
    archive = zip_folder(write_bundle(tmp_path / "b", [teacher(1), teacher(2, given="=1+1")], students=2), tmp_path / "b.zip")
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, district, archive)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("rosters:run", args=[run.pk])
    run.refresh_from_db()
    assert (run.state, run.created, run.skipped, run.errors, run.upload_path) == ("finished", 1, 2, 1, "")
    page = client.get(response.url)
    assert b"1 created" in page.content and b"users.csv" in page.content and b'role="status"' in page.content
    progress = client.get(reverse("rosters:progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true" and b"<progress" in progress.content
    csv_text = client.get(reverse("rosters:problems_csv", args=[run.pk])).getvalue().decode()
    assert csv_text.splitlines()[0] == "file,row,column,message" and "givenName" in csv_text
    assert b"#%d" % run.pk in client.get(reverse("rosters:index")).content


def test_problems_csv_neutralizes_formulas(client, world, district_admin):
    run = ImportRun.objects.create(organization=world["orgs"]["district"], kind="roster", source="upload", state="finished")
    run.problems.create(file="=users.csv", row=2, column="@col", message="+bad")
    client.force_login(district_admin)
    lines = client.get(reverse("rosters:problems_csv", args=[run.pk])).getvalue().decode().splitlines()
    assert lines[1] == "'=users.csv,2,'@col,'+bad"


@pytest.mark.parametrize("who", ["earner", "issuer_admin", "other_district_admin"])
def test_others_are_refused_everywhere(client, world, who, other_district_admin, tmp_path):
    user = other_district_admin if who == "other_district_admin" else world["people"][who]
    run = ImportRun.objects.create(organization=world["orgs"]["district"], kind="roster", source="upload", state="finished")
    client.force_login(user)
    for name in ("rosters:run", "rosters:progress", "rosters:problems_csv"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    archive = zip_folder(write_bundle(tmp_path / "b", [teacher(1)]), tmp_path / "b.zip")
    response = upload(client, world["orgs"]["district"], archive)
    if who == "other_district_admin":  # its own page, but not the other district in the choice
        assert response.status_code == 200 and b"Select a valid choice" in response.content
    else:
        assert response.status_code == 403
    assert ImportRun.objects.count() == 1 and not User.objects.filter(email__endswith="district.example.org").exists()
    assert client.post(reverse("rosters:sync"), {"organization": world["orgs"]["district"].pk, "url": "https://x.example/b.zip",
                                                 "every_hours": 24}).status_code in (200, 403)
    assert not RosterSync.objects.exists()


def test_service_refuses_who_may_not_import(world, tmp_path):
    archive = zip_folder(write_bundle(tmp_path / "b", [teacher(1)]), tmp_path / "b.zip")
    with pytest.raises(Exception) as error:
        services.start_upload(organization=world["orgs"]["district"], kind="roster", dry_run=False,
                              upload=SimpleUploadedFile("b.zip", archive.read_bytes()), by=world["people"]["issuer_admin"])
    assert error.type.__name__ == "PermissionDenied"


def test_oversized_upload_is_refused_with_a_message(client, world, district_admin, tmp_path, settings):
    settings.MICROCRED_ROSTER_MAX_UPLOAD_BYTES = 100
    client.force_login(district_admin)
    archive = zip_folder(write_bundle(tmp_path / "b", [teacher(1)]), tmp_path / "b.zip")
    response = upload(client, world["orgs"]["district"], archive)
    assert response.status_code == 200 and b"too large" in response.content and not ImportRun.objects.exists()


def test_history_page_has_constant_queries(client, world, district_admin, django_assert_max_num_queries):
    client.force_login(district_admin)
    district = world["orgs"]["district"]

    def make(n):
        ImportRun.objects.bulk_create([ImportRun(organization=district, kind="roster", source="upload", by=district_admin,
                                                 state="finished") for _ in range(n)])

    make(2)
    with django_assert_max_num_queries(25) as few:  # the layout's menu asks the policy once per app
        client.get(reverse("rosters:index"))
    make(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("rosters:index"))


def test_sync_configuration_rules(client, world, district_admin, tmp_path, settings):
    district = world["orgs"]["district"]
    client.force_login(district_admin)
    settings.MICROCRED_ROSTER_SYNC_ROOTS = [str(tmp_path / "allowed")]
    (tmp_path / "allowed" / "cvs").mkdir(parents=True)
    for data in ({"folder": "/etc"}, {"folder": str(tmp_path / "allowed" / ".." )}, {"url": "http://plain.example/b.zip"},
                 {"url": "https://user:pw@x.example/b.zip"}, {}):
        response = client.post(reverse("rosters:sync"), {"organization": district.pk, "every_hours": 24, **data})
        assert response.status_code == 200, data
    assert not RosterSync.objects.exists()
    response = client.post(reverse("rosters:sync"), {"organization": district.pk, "every_hours": 24, "enabled": "on",
                                                     "folder": str(tmp_path / "allowed" / "cvs")})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="rosters.sync_configured").count() == 1


def test_sync_rosters_runs_due_folder_syncs(world, district_admin, tmp_path, settings):
    from django.core.management import call_command

    settings.MICROCRED_ROSTER_SYNC_ROOTS = [str(tmp_path)]
    folder = write_bundle(tmp_path / "cvs", [teacher(1), teacher(2)])
    services.configure_sync(organization=world["orgs"]["district"], folder=str(folder), by=district_admin)
    call_command("sync_rosters")
    run = ImportRun.objects.get(source="sync")
    assert (run.state, run.created) == ("finished", 2)
    call_command("sync_rosters")  # not due again for 24 hours
    assert ImportRun.objects.filter(source="sync").count() == 1


def test_url_sync_refuses_private_addresses(world, district_admin):
    from microcred.rosters import fetch

    with pytest.raises(fetch.FetchError, match="private"):
        fetch.download("https://127.0.0.1/bundle.zip", open("/dev/null", "wb"), max_bytes=10, timeout=1)
    with pytest.raises(fetch.FetchError):
        fetch.check_url("file:///etc/passwd")


def test_a_spanish_admin_reads_the_import_report_and_its_problems_in_spanish(client, world, district_admin, tmp_path,
                                                                            django_capture_on_commit_callbacks):
    district_admin.language = "es"
    district_admin.save(update_fields=["language"])
    archive = zip_folder(write_bundle(tmp_path / "b", [teacher(1), teacher(2, given="=1+1")], students=2), tmp_path / "b.zip")
    client.force_login(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, world["orgs"]["district"], archive)  # run in the background, in her language
    page = client.get(response.url).content.decode()
    assert "Problemas" in page and "Lista" in page  # the page, and the kind of import
    assert "el texto empieza por = + - o @ (una fórmula de hoja de cálculo): rechazado" in page
    assert "a spreadsheet formula" not in page
