"""The roster engine through its service: happy path, re-import, each row-level error with its place, dry run,
zip and folder, hostile and oversized input."""
import json
import zipfile

import pytest
from django.core.management import call_command

from microcred.accounts.models import EducatorProfile, Membership, Organization, PersonSourcedId, User
from microcred.core.models import AuditEvent
from microcred.rosters import services
from microcred.rosters.models import ImportRun, RosteredPerson, RosterOrganization

from .bundles import teacher, write_bundle, zip_folder

pytestmark = pytest.mark.django_db


def run(path, org, **kw):
    result, record = services.import_path(path=path, organization=org, **kw)
    return result, record


def problems(record):
    return list(record.problems.values_list("file", "row", "column"))


def test_happy_path_imports_teachers_and_orgs_and_skips_students(world, tmp_path):
    district = world["orgs"]["district"]
    people = [teacher(1), teacher(2, org="s2"), teacher(3, role="principal")]
    result, record = run(write_bundle(tmp_path / "b", people, students=5), district)
    assert result.counts() == {"created": 3, "updated": 0, "deactivated": 0, "unchanged": 0, "errors": 0}
    assert result.skipped == 5
    assert record.state == ImportRun.State.FINISHED and record.skipped == 5
    # the bundle's district is the importing district; its schools become children of it
    assert RosterOrganization.objects.get(owner=district, sourced_id="d1").organization == district
    north = RosterOrganization.objects.get(owner=district, sourced_id="s1").organization
    assert north.parent == district and north.kind == Organization.Kind.SCHOOL
    t1 = PersonSourcedId.objects.get(organization=district, sourced_id="t1").user
    assert (t1.first_name, t1.email, t1.has_usable_password()) == ("Given1", "t1@district.example.org", False)
    assert set(t1.memberships.values_list("organization_id", "role")) == {(north.pk, "earner")}
    assert EducatorProfile.objects.get(user=t1).school == north
    # students: nothing stored, not even their address
    assert not User.objects.filter(email__startswith="kid").exists()
    assert not PersonSourcedId.objects.filter(sourced_id__startswith="stu").exists()
    assert AuditEvent.objects.filter(action="rosters.imported").count() == 1


def test_reimport_of_a_changed_bundle(world, tmp_path):
    district = world["orgs"]["district"]
    people = [teacher(i) for i in range(1, 6)]
    run(write_bundle(tmp_path / "a", people), district)
    leaver = PersonSourcedId.objects.get(organization=district, sourced_id="t5").user
    changed = [teacher(1, family="Renamed"), *people[1:4]]  # t1 renamed, t5 gone
    result, _ = run(write_bundle(tmp_path / "b", changed), district)
    assert result.counts() == {"created": 0, "updated": 1, "deactivated": 1, "unchanged": 3, "errors": 0}
    assert User.objects.filter(email__endswith="@district.example.org").count() == 5  # nothing duplicated
    assert PersonSourcedId.objects.filter(organization=district).count() == 5
    assert User.objects.get(pk=PersonSourcedId.objects.get(sourced_id="t1").user_id).last_name == "Renamed"
    leaver.refresh_from_db()
    assert not leaver.is_active and not leaver.memberships.exists()  # deactivated, never deleted
    # the same bundle again changes nothing; the leaver coming back is reactivated
    again, _ = run(write_bundle(tmp_path / "c", changed), district)
    assert again.counts() == {"created": 0, "updated": 0, "deactivated": 0, "unchanged": 4, "errors": 0}
    back, _ = run(write_bundle(tmp_path / "d", [*changed, teacher(5)]), district)
    assert (back.updated, back.created) == (1, 0)
    leaver.refresh_from_db()
    assert leaver.is_active and leaver.memberships.exists()


def test_a_leaver_with_another_membership_stays_active(world, tmp_path):
    district = world["orgs"]["district"]
    run(write_bundle(tmp_path / "a", [teacher(1), teacher(2)]), district)
    user = PersonSourcedId.objects.get(sourced_id="t2").user
    Membership.objects.create(user=user, organization=world["orgs"]["issuer"], role="assessor")
    run(write_bundle(tmp_path / "b", [teacher(1)]), district)
    user.refresh_from_db()
    assert user.is_active and list(user.memberships.values_list("role", flat=True)) == ["assessor"]


def test_each_row_level_error_has_its_place_and_valid_rows_still_import(world, tmp_path):
    district = world["orgs"]["district"]
    people = [
        teacher(1),
        teacher(2, email="not-an-address"),
        teacher(3, given="=HYPERLINK(\"http://evil\")"),
        teacher(4, family="+SUM(A1)"),
        teacher(5, given="@cmd"),
        teacher(6, org="nowhere"),
        teacher(1, given="Again"),  # duplicate sourcedId
        teacher(7, given="x" * 400),  # oversized name
        teacher(8, role="wizard"),
    ]
    result, record = run(write_bundle(tmp_path / "b", people), district)
    assert result.created == 1
    places = problems(record)
    assert ("users.csv", 3, "email") in places
    assert ("users.csv", 4, "givenName") in places
    assert ("users.csv", 5, "familyName") in places
    assert ("users.csv", 6, "givenName") in places
    assert ("roles.csv", 7, "orgSourcedId") in places
    assert ("users.csv", 8, "sourcedId") in places
    assert ("users.csv", 9, "givenName") in places
    assert ("roles.csv", 10, "role") in places
    assert not User.objects.filter(first_name__startswith="=").exists()


def test_non_utf8_and_broken_rows_are_reported_and_the_rest_imported(world, tmp_path):
    folder = write_bundle(tmp_path / "b", [teacher(1), teacher(2), teacher(3)])
    users = (folder / "users.csv").read_bytes().split(b"\n")
    users[2] = users[2].replace(b"Given2", b"Gr\xe9goire")  # Latin-1, not UTF-8
    users[3] = users[3] + b"," * 3  # too many cells
    (folder / "users.csv").write_bytes(b"\n".join(users))
    result, record = run(folder, world["orgs"]["district"])
    assert result.created == 1
    assert ("users.csv", 3, "") in problems(record) and ("users.csv", 4, "") in problems(record)
    assert "UTF-8" in record.problems.get(row=3).message


def test_a_missing_column_is_reported_and_nobody_is_deactivated(world, tmp_path):
    district = world["orgs"]["district"]
    run(write_bundle(tmp_path / "a", [teacher(1), teacher(2)]), district)
    folder = write_bundle(tmp_path / "b", [teacher(1)])
    text = (folder / "users.csv").read_text().replace("givenName", "given", 1)
    (folder / "users.csv").write_text(text)
    result, record = run(folder, district)
    assert ("users.csv", 1, "givenName") in problems(record)
    assert result.deactivated == 0 and User.objects.filter(email__endswith="district.example.org", is_active=True).count() == 2


def test_oversized_line_and_field_and_hostile_zip(world, tmp_path, settings):
    folder = write_bundle(tmp_path / "b", [teacher(1), teacher(2), teacher(3)])
    users = (folder / "users.csv").read_bytes().split(b"\n")
    users[2] = users[2].replace(b"Given2", b"G" * 70_000)  # a line over 64 KB
    users[3] = users[3].replace(b"Family3", b"F" * 2_000)  # a field over 1,000 characters
    (folder / "users.csv").write_bytes(b"\n".join(users))
    result, record = run(folder, world["orgs"]["district"])
    assert result.created == 1 and result.errors == 2
    assert ("users.csv", 4, "familyName") in problems(record)
    # a zip that claims to unpack to more than allowed is refused before reading
    from microcred.rosters import reading

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("users.csv", b"0" * 3_000_000)
    settings_limit = reading.MAX_UNPACKED_BYTES
    reading.MAX_UNPACKED_BYTES = 1_000_000
    try:
        result, record = run(bomb, world["orgs"]["district"])
    finally:
        reading.MAX_UNPACKED_BYTES = settings_limit
    assert record.state == ImportRun.State.FAILED and "allowed size" in record.message


def test_dry_run_writes_nothing(world, tmp_path):
    district = world["orgs"]["district"]
    before = (User.objects.count(), Organization.objects.count(), Membership.objects.count(), ImportRun.objects.count(),
              AuditEvent.objects.count(), RosteredPerson.objects.count())
    result, record = run(write_bundle(tmp_path / "b", [teacher(1), teacher(2)], students=2), district, dry_run=True)
    assert record is None and result.created == 2 and result.skipped == 2
    assert before == (User.objects.count(), Organization.objects.count(), Membership.objects.count(),
                      ImportRun.objects.count(), AuditEvent.objects.count(), RosteredPerson.objects.count())


def test_zip_and_folder_give_the_same_people(world, tmp_path):
    district = world["orgs"]["district"]
    folder = write_bundle(tmp_path / "b", [teacher(1), teacher(2)])
    archive = zip_folder(folder, tmp_path / "bundle.zip")
    first, _ = run(archive, district)
    second, _ = run(folder, district)
    assert first.created == 2 and second.unchanged == 2 and second.created == 0


def test_the_simple_csv(world, tmp_path):
    district = world["orgs"]["district"]
    path = tmp_path / "roster.csv"
    path.write_text("sourced_id,email,given_name,family_name,role,org\n"
                    f"p1,p1@example.org,Pia,One,teacher,{district.slug}\n"
                    "p2,p2@example.org,Kid,Two,student,rural-district\n"
                    "p3,p3@example.org,Pat,Three,teacher,no-such-org\n")
    result, record = run(path, district)
    assert (result.created, result.skipped, result.errors) == (1, 1, 1)
    assert ("roster.csv", 4, "org") in problems(record)
    assert PersonSourcedId.objects.get(organization=district, sourced_id="p1").user.memberships.get().organization == district


def test_existing_account_with_the_same_address_is_reused(world, tmp_path):
    earner = world["people"]["earner"]
    run(write_bundle(tmp_path / "b", [teacher(1, email=earner.email)]), world["orgs"]["district"])
    assert PersonSourcedId.objects.get(sourced_id="t1").user == earner


def test_command_prints_json_last_line(world, tmp_path, capsys):
    folder = write_bundle(tmp_path / "b", [teacher(1), teacher(2, email="bad")], students=1)
    call_command("import_roster", str(folder), "--org", world["orgs"]["district"].slug)
    out = capsys.readouterr().out.strip().splitlines()
    assert json.loads(out[-1]) == {"created": 1, "updated": 0, "deactivated": 0, "unchanged": 0, "errors": 1}
    assert any(line.startswith("Skipped 1 rows of students") for line in out)
    call_command("import_roster", str(folder), "--org", world["orgs"]["district"].slug, "--dry-run")
    out = capsys.readouterr().out.strip().splitlines()
    assert json.loads(out[-1])["unchanged"] == 1 and "Dry run" in out[-2]


def test_delta_bundle_deactivates_only_rows_marked_tobedeleted(world, tmp_path):
    district = world["orgs"]["district"]
    run(write_bundle(tmp_path / "a", [teacher(1), teacher(2), teacher(3)]), district)
    gone = dict(teacher(2), status="tobedeleted")
    result, _ = run(write_bundle(tmp_path / "b", [gone], users_mode="delta"), district)
    assert result.deactivated == 1
    assert User.objects.filter(email__endswith="district.example.org", is_active=True).count() == 2


def test_command_needs_a_known_organization(world, tmp_path):
    from django.core.management.base import CommandError

    folder = write_bundle(tmp_path / "b", [teacher(1)])
    with pytest.raises(CommandError, match="No organization"):
        call_command("import_roster", str(folder), "--org", "nowhere")
    with pytest.raises(CommandError, match="--org"):  # two districts in the world: the command does not guess
        call_command("import_roster", str(folder))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_roster", str(tmp_path / "missing"), "--org", world["orgs"]["district"].slug)
    assert not User.objects.filter(email__endswith="district.example.org").exists()


def test_hostile_files_are_reported_not_crashed(world, tmp_path):
    district = world["orgs"]["district"]
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    result, record = run(binary, district)
    assert record.state == ImportRun.State.FINISHED and result.created == 0 and result.errors >= 1
    orgs = [("d1", "Test District", "district", ""), ("s1", "=HYPERLINK(1)", "school", "d1"), ("s2", "Loop", "school", "s3"),
            ("s3", "Loop back", "school", "s2")]
    result, record = run(write_bundle(tmp_path / "b", [teacher(1, org="d1")], orgs=orgs), district)
    assert ("orgs.csv", 3, "name") in problems(record)
    assert {("orgs.csv", 4, "parentSourcedId"), ("orgs.csv", 5, "parentSourcedId")} <= set(problems(record))
    assert not Organization.objects.filter(name__startswith="=").exists() and result.created == 1
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result, record = run(empty, district)
    assert problems(record) == [("roster.csv", 1, "")] and result.deactivated == 0


def test_url_sync_imports_the_downloaded_bundle(world, district_admin, tmp_path, monkeypatch):
    from microcred.rosters import fetch

    archive = zip_folder(write_bundle(tmp_path / "b", [teacher(1)]), tmp_path / "b.zip")
    monkeypatch.setattr(fetch, "download", lambda url, target, **kw: target.write(archive.read_bytes()))
    services.configure_sync(organization=world["orgs"]["district"], url="https://sis.example.org/cvs.zip", by=district_admin)
    (record,) = services.run_due_syncs()
    assert (record.state, record.created, record.source) == ("finished", 1, "sync")

    def refuse(url, target, **kw):
        raise fetch.FetchError("sis.example.org answered a redirect: redirects are not followed")

    monkeypatch.setattr(fetch, "download", refuse)
    from microcred.rosters.models import RosterSync

    RosterSync.objects.update(next_run_at=None)
    RosterSync.objects.update(next_run_at="2000-01-01T00:00:00Z")
    (failed,) = services.run_due_syncs()
    assert failed.state == "failed" and "redirect" in failed.message


def test_a_broken_orgs_or_roles_file_deactivates_nobody(world, tmp_path):
    district = world["orgs"]["district"]
    run(write_bundle(tmp_path / "a", [teacher(1), teacher(2)]), district)
    broken_orgs = write_bundle(tmp_path / "b", [teacher(1), teacher(2)])
    (broken_orgs / "orgs.csv").write_text("sourcedId,title\ns1,North\n")  # no name/type column: no organization known
    result, record = run(broken_orgs, district)
    assert result.deactivated == 0 and result.unchanged == 2 and ("orgs.csv", 1, "name") in problems(record)  # known from before
    broken_roles = write_bundle(tmp_path / "c", [teacher(1), teacher(2)])
    (broken_roles / "roles.csv").write_text("sourcedId,user\n")
    result, _ = run(broken_roles, district)
    assert result.deactivated == 0
    assert User.objects.filter(email__endswith="district.example.org", is_active=True).count() == 2


def test_role_rows_with_problems_do_not_make_leavers(world, tmp_path):
    district = world["orgs"]["district"]
    run(write_bundle(tmp_path / "a", [teacher(1), teacher(2)]), district)
    result, record = run(write_bundle(tmp_path / "b", [teacher(1), teacher(2, org="unknown-school")]), district)
    assert (result.deactivated, result.unchanged) == (0, 1) and ("roles.csv", 3, "orgSourcedId") in problems(record)


def test_platform_staff_see_imports_in_django_admin_read_only(world, tmp_path, admin_client):
    run(write_bundle(tmp_path / "b", [teacher(1), teacher(2, email="bad")]), world["orgs"]["district"])
    page = admin_client.get("/admin/rosters/importrun/")
    assert page.status_code == 200 and b"Add import run" not in page.content
    latest = ImportRun.objects.latest("pk")
    problem = latest.problems.get()
    run_row = admin_client.get(f"/admin/rosters/importrun/{latest.pk}/change/")
    assert run_row.status_code == 200 and problem.message.encode() in run_row.content
    assert admin_client.post("/admin/rosters/importrun/add/", {}).status_code == 403
