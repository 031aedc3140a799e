"""Educator facts in bulk: happy path, idempotence, errors with their place, dry run, only one's own people."""
import json

import pytest
from django.core.management import call_command

from microcred.accounts.models import EducatorProfile, PersonSourcedId
from microcred.rosters import services
from microcred.rosters.models import ImportRun

from .bundles import teacher, write_bundle

pytestmark = pytest.mark.django_db
HEADER = "sourced_id,email,username,license_number,license_type,years_experience,evaluation_rating,evaluation_growth_areas,school\n"


def facts(tmp_path, body, org, **kw):
    path = tmp_path / "facts.csv"
    path.write_text(HEADER + body)
    return services.import_path(path=path, organization=org, kind=ImportRun.Kind.FACTS, **kw)


def test_facts_are_imported_idempotently_with_errors_in_place(world, tmp_path):
    district = world["orgs"]["district"]
    services.import_path(path=write_bundle(tmp_path / "b", [teacher(1), teacher(2)]), organization=district)
    earner = world["people"]["earner"]  # a member of the district, found by username
    other = world["people"]["other_earner"]  # another district's: unknown here
    body = ("t1,,,TN-123,Professional,12,Effective,2a;3c,s1\n"
            f",,{earner.username},TN-9,Practitioner,3,,,\n"
            f",,{other.username},X,Y,1,,,\n"
            "t2,,,,,many,,,\n"
            "t2,,,,,4,,,nowhere\n"
            ",,,,,,,,\n"
            "t9,,,,=cmd,,,,\n")
    result, record = facts(tmp_path, body, district)
    assert (result.created + result.updated, result.errors) == (2, 5)
    places = set(record.problems.values_list("row", "column"))
    assert {(4, "username"), (5, "years_experience"), (6, "sourced_id"), (7, "sourced_id"), (8, "license_type")} <= places
    t1 = PersonSourcedId.objects.get(sourced_id="t1").user
    profile = EducatorProfile.objects.get(user=t1)
    assert (profile.license_type, profile.years_experience, profile.evaluation_growth_areas, profile.school.name) == (
        "Professional", 12, ["2a", "3c"], "North School")
    assert profile.facts_updated_at is not None
    assert not EducatorProfile.objects.filter(user=other, license_number="X").exists()
    again, _ = facts(tmp_path, "t1,,,TN-123,Professional,12,Effective,2a;3c,s1\n", district)
    assert (again.unchanged, again.updated) == (1, 0)


def test_facts_dry_run_and_command(world, tmp_path, capsys):
    district = world["orgs"]["district"]
    earner = world["people"]["earner"]
    path = tmp_path / "f.csv"
    path.write_text(HEADER + f",{earner.email},,,Provisional,2,,,\n")
    call_command("import_educator_facts", str(path), "--org", district.slug, "--dry-run")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["errors"] == 0
    assert not EducatorProfile.objects.filter(user=earner, license_type="Provisional").exists()
    call_command("import_educator_facts", str(path), "--org", district.slug)
    counts = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert counts["created"] + counts["updated"] == 1
    assert EducatorProfile.objects.get(user=earner).license_type == "Provisional"


def test_imported_facts_show_on_the_educators_profile(client, world, tmp_path):
    earner = world["people"]["earner"]
    facts(tmp_path, f",,{earner.username},,Professional,7,Effective,3b;4e,\n", world["orgs"]["district"])
    client.force_login(earner)
    page = client.get("/accounts/profile/").content.decode()
    assert "Professional" in page and "3b, 4e" in page and "Effective" in page
