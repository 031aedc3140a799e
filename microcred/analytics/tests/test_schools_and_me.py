"""The school attributes import (page and command) and one's own consented demographics and findability."""
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from microcred.analytics.models import EducatorDemographics, Findability, SchoolProfile
from microcred.core.models import AuditEvent

GOOD = (b"NCESSCH,SCH_NAME,org_slug,TITLEI,ULOCALE,HIGH_NEED,ENROLLMENT\n"
        b"470000100001,City School,city-school,Yes,11-City: Large,No,\"1,204\"\n"
        b"470000100002,Town School,,No,32-Town: Distant,Yes,250\n")


def _upload(c, org, data, **extra):
    return c.post("/analytics/schools/", {"organization": org.pk, "file": SimpleUploadedFile("schools.csv", data),
                                          **extra})


def test_a_district_admin_imports_their_schools(analytics_world, as_user):
    c = as_user(analytics_world["people"]["district_admin"])
    assert c.get("/analytics/schools/").status_code == 200
    response = _upload(c, analytics_world["orgs"]["district"], GOOD)
    assert response.status_code == 200 and "Rows read: 2. Schools updated: 2." in response.content.decode()
    city = SchoolProfile.objects.get(organization=analytics_world["schools"]["city-school"])
    assert (city.nces_id, city.title_i, city.locale, city.high_need, city.enrollment) == ("470000100001", True, "city", False, 1204)
    town = SchoolProfile.objects.get(organization=analytics_world["schools"]["town-school"])
    assert (town.title_i, town.locale, town.high_need, town.enrollment) == (False, "town", True, 250)
    assert AuditEvent.objects.filter(action="analytics.school_attributes_imported").count() == 1


def test_bad_rows_are_reported_and_the_good_ones_imported(analytics_world, as_user):
    c = as_user(analytics_world["people"]["district_admin"])
    data = (b"NCESSCH,SCH_NAME,org_slug,TITLEI,ULOCALE,ENROLLMENT\n"
            b"=cmd|' /C calc'!A0,City School,city-school,Yes,11,10\n"          # formula injection
            b"470000100003,<script>alert(1)</script>,,Yes,41,10\n"             # hostile name, matches nothing
            b"470000100004,Town School,,maybe,41,10\n"                          # bad Title I
            b"470000100005,Town School,,Yes,99-Moon,10\n"                       # bad locale
            b"470000100006,Town School,,Yes,41,-5\n"                            # bad enrollment
            b"470000100007,Town School,city-district,Yes,41,10\n"               # another district's organization
            b"\xff\xfe not utf-8,,,,,\n"
            b"470000100008,Rural School,,Yes,43-Rural: Remote,12\n")
    response = _upload(c, analytics_world["orgs"]["district"], data)
    html = response.content.decode()
    assert response.status_code == 400 and "Rows read: 7. Schools updated: 1." in html
    assert "<script>alert(1)</script>" not in html and "formula" in html and "not UTF-8" in html
    assert SchoolProfile.objects.get(organization=analytics_world["schools"]["rural-school"]).enrollment == 12
    assert not SchoolProfile.objects.filter(organization__slug="city-district").exists()
    assert SchoolProfile.objects.get(organization=analytics_world["schools"]["city-school"]).nces_id == ""


def test_oversized_and_empty_files_are_refused_whole(analytics_world, as_user):
    c = as_user(analytics_world["people"]["district_admin"])
    big = b"NCESSCH,SCH_NAME\n" + b"1,x\n" * (700 * 1024)
    response = _upload(c, analytics_world["orgs"]["district"], big)
    assert response.status_code == 400 and "larger than 2 MB" in response.content.decode()
    response = _upload(c, analytics_world["orgs"]["district"], b"")
    assert response.status_code == 400
    assert SchoolProfile.objects.filter(enrollment=None).count() == 0


def test_only_admins_of_the_organization_import(analytics_world, as_user):
    c = as_user(analytics_world["people"]["earner"])
    assert c.get("/analytics/schools/").status_code == 403
    c = as_user(analytics_world["people"]["city_admin"])
    response = _upload(c, analytics_world["orgs"]["district"], GOOD)  # not an organization they may choose
    assert response.status_code == 400
    assert SchoolProfile.objects.filter(nces_id="470000100001").count() == 0


def test_the_command(analytics_world, tmp_path):
    path = tmp_path / "schools.csv"
    path.write_bytes(GOOD + b"1,Nowhere,,Yes,41,No,1\n")
    out = StringIO()
    call_command("import_school_attributes", str(path), "--org", "rural-district", stdout=out)
    last = json.loads(out.getvalue().strip().splitlines()[-1])
    assert last == {"rows": 3, "updated": 2, "problems": 1, "dry_run": False}


def test_demographics_are_optional_consented_and_withdrawable(analytics_world, as_user):
    teacher = analytics_world["people"]["earner"]
    c = as_user(teacher)
    assert "/analytics/me/" in c.get(reverse("accounts:account")).content.decode()
    page = c.get("/analytics/me/")
    assert page.status_code == 200 and "Prefer not to say" in page.content.decode()
    # without consent nothing is saved
    response = c.post("/analytics/me/", {"action": "demographics", "d-race_ethnicity": "asian", "d-gender": "woman"})
    assert response.status_code == 400 and not EducatorDemographics.objects.exists()
    # hostile values are refused
    response = c.post("/analytics/me/", {"action": "demographics", "d-race_ethnicity": "=cmd", "d-gender": "<b>",
                                         "d-consent": "on"})
    assert response.status_code == 400 and not EducatorDemographics.objects.exists()
    response = c.post("/analytics/me/", {"action": "demographics", "d-race_ethnicity": "asian", "d-gender": "woman",
                                         "d-consent": "on"})
    assert response.status_code == 302
    row = EducatorDemographics.objects.get(user=teacher)
    assert (row.race_ethnicity, row.gender) == ("asian", "woman") and row.consented_at
    assert c.post("/analytics/me/", {"action": "withdraw"}).status_code == 302
    assert not EducatorDemographics.objects.filter(user=teacher).exists()
    assert list(AuditEvent.objects.filter(action__startswith="analytics.demographics").values_list("action", flat=True)
                .order_by("pk")) == ["analytics.demographics_saved", "analytics.demographics_withdrawn"]


def test_findability_is_opt_in(analytics_world, as_user):
    teacher = analytics_world["people"]["earner"]
    c = as_user(teacher)
    assert c.post("/analytics/me/", {"action": "findability", "f-findable": "on"}).status_code == 302
    assert Findability.objects.get(user=teacher).findable
    c.post("/analytics/me/", {"action": "findability"})
    assert not Findability.objects.get(user=teacher).findable


def test_demographics_only_ever_appear_suppressed(analytics_world, as_user):
    from microcred.accounts.models import User
    from django.utils import timezone

    for i, user in enumerate(User.objects.filter(username__startswith="city-school-t")):
        EducatorDemographics.objects.create(user=user, race_ethnicity="asian" if i < 4 else "white",
                                            gender="woman", consented_at=timezone.now())
    c = as_user(analytics_world["people"]["district_admin"])
    body = c.get("/analytics/district/rural-district/equity_race_ethnicity.csv").content.decode()
    assert "Asian,suppressed" in body and "White,suppressed" in body


def test_demographics_are_in_my_data_and_go_with_my_account(analytics_world):
    from django.utils import timezone

    from microcred.accounts.data_registry import contributors

    teacher = analytics_world["people"]["earner"]
    EducatorDemographics.objects.create(user=teacher, race_ethnicity="asian", gender="", consented_at=timezone.now())
    Findability.objects.create(user=teacher, findable=True)
    mine = next(c for c in contributors() if c.app == "analytics")
    assert mine.export(teacher).data["demographics"]["race_ethnicity"] == "asian"
    assert mine.erase(teacher, now=timezone.now()) == {"demographics": 1, "findability": 1, "impact_ratings": 0,
                                                        "impact_opt_ins_unlinked": 0, "research_exports_unlinked": 0}
    assert not EducatorDemographics.objects.filter(user=teacher).exists()
