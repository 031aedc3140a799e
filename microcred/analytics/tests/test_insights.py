"""Assessor quality over time, close to qualifying, funding by program and impact data: exact figures on known
fixtures, suppression of groups of 3, 9, 10 and 11 in pages, CSVs and the API, who may see and do what, the
pre-aggregated snapshot and its refresh."""
import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from microcred.analytics import insights, selectors, services, tables
from microcred.analytics.models import DashboardSnapshot, ImpactOptIn, ImpactRating
from microcred.assessment import reliability
from microcred.assessment.tests.test_reliability import scored  # noqa: F401  (a fixture: 4 double-scored reviews)

SMALL = {str(n) for n in range(1, 10)}


def _csv(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _refresh(client, url, django_capture_on_commit_callbacks, data=None):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "refresh/", data or {})
    assert response.status_code == 302
    return response


# --- assessor quality over time -----------------------------------------------------------------

def test_assessor_quality_on_known_double_scores(scored, world):  # noqa: F811
    board = selectors.Dashboard("issuer", scored["mc"].owner)
    rows, assessors = insights.assessor_quality(board, selectors.Filters(period="12m"))
    assert len(rows) == 1  # one MC, scored this quarter
    row = rows[0]
    quarter = insights.quarters(None)[-1][0]
    assert row["label"].endswith(quarter)
    # 4 reviews × 5 criteria; levels agree on 5 + 3 + 4 + 3 of them
    assert row["pairs"] == 20 and row["exact_agreement"] == 75.0
    firsts = [f for r in _vectors() for f in r[0]]
    seconds = [s for r in _vectors() for s in r[1]]
    assert row["qwk"] == round(reliability.quadratic_weighted_kappa(firsts, seconds), 2) == 0.71
    # drift, recomputed from the fixture's own readings: each reader's mean level minus the pool's
    levels = {}
    for _review, role, who, vector in scored["readings"]:
        if role in ("first", "second") and _review.pk != scored["single"].pk:
            levels.setdefault(who.pk, []).extend(vector)
    pool = sum(firsts + seconds) / 40
    expected = {reliability.pseudonym(pk): round(sum(v) / len(v) - pool, 2) for pk, v in levels.items() if len(v) >= 10}
    assert {a["label"].split(" · ")[0]: a["relative"] for a in assessors} == expected
    assert row["largest_gap"] == max(abs(v) for v in expected.values())
    assert all(" · " in a["label"] and a["label"].startswith("R-") for a in assessors)  # pseudonyms, never names


def _vectors():
    from microcred.assessment.tests.test_reliability import FIRST_SECOND

    return FIRST_SECOND


def test_too_few_pairs_show_no_statistics(scored, world, settings):  # noqa: F811
    settings.MICROCRED_SMALL_CELL_THRESHOLD = 25  # 20 pairs are then too few to say anything
    rows, assessors = insights.assessor_quality(selectors.Dashboard("issuer", scored["mc"].owner), selectors.Filters())
    assert rows[0]["pairs"] == 20 and rows[0]["exact_agreement"] is None and rows[0]["qwk"] is None
    assert assessors == []


def test_issuer_page_csv_and_api_show_quality_after_a_refresh(scored, world, client,  # noqa: F811
                                                             django_capture_on_commit_callbacks):
    issuer = scored["mc"].owner
    client.force_login(world["people"]["issuer_admin"])
    url = f"/analytics/issuer/{issuer.slug}/"
    html = client.get(url).content.decode()
    assert "Not computed yet for these filters" in html.split('id="quality"')[1].split("</section>")[0]
    _refresh(client, url, django_capture_on_commit_callbacks)
    snapshot = DashboardSnapshot.objects.get()
    assert snapshot.state == "ready" and snapshot.percent == 100 and snapshot.key == f"issuer:{issuer.slug}|en"
    html = client.get(url).content.decode()
    section = html.split('id="quality"')[1].split("</section>")[0]
    assert "<td>75.0</td>" in section and "<svg" in section and "<td>20</td>" in section
    assert "Figures as of" in html
    rows = _csv(client, url + "quality.csv")
    assert rows[0]["exact_agreement"] == "75.0" and rows[0]["qwk"] == "0.71"
    api = APIClient()
    api.force_authenticate(world["people"]["issuer_admin"])
    data = api.get(f"/api/v1/analytics/issuer/{issuer.slug}/").json()
    quality = next(t for t in data["tables"] if t["name"] == "quality")
    assert quality["computed"] and quality["rows"][0]["exact_agreement"] == 75.0 and data["as_of"]
    # district dashboards have no assessor section; another issuer's admin cannot refresh this one
    assert client.get(url + "quality_assessors.csv").status_code == 200
    client.force_login(world["people"]["earner"])
    assert client.post(url + "refresh/").status_code == 404


def test_a_refresh_twice_starts_one_computation(analytics_world, client):
    client.force_login(analytics_world["people"]["district_admin"])
    board = selectors.dashboard_for(analytics_world["people"]["district_admin"], "district", "rural-district")
    first = services.request_snapshot(board=board, filters=selectors.Filters(), language="en", by=None)
    second = services.request_snapshot(board=board, filters=selectors.Filters(), language="en", by=None)
    assert first.pk == second.pk and DashboardSnapshot.objects.count() == 1
    page = client.get("/analytics/district/rural-district/").content.decode()
    assert "<progress" in page and "Computing the figures" in page
    progress = client.get(f"/analytics/snapshots/{first.pk}/progress/")
    assert progress.status_code == 200 and b"hx-get" in progress.content
    client.force_login(analytics_world["people"]["city_admin"])  # another district's admin
    assert client.get(f"/analytics/snapshots/{first.pk}/progress/").status_code == 404
    services.build_snapshot(first.pk)
    assert DashboardSnapshot.objects.get().state == "ready"


# --- close to qualifying ------------------------------------------------------------------------

@pytest.fixture
def policy_world(analytics_world):
    """A published policy of the rural district: a teacher leader needs 3 years licensed. City school (11): 5 years
    (qualify); suburb (10): 2 years; town (9): 1 year; rural (3): nothing on record — all one requirement short."""
    from microcred.recognition.models import EducatorFact, Policy

    district = analytics_world["orgs"]["district"]
    document = {"format": "microcred.policy/1", "slug": "leader", "title": "Teacher leader", "recognizer": district.slug,
                "effective_from": "2020-01-01", "approved": {"issuers": ["issuer-one"]},
                "facts": {"years_licensed": "number"},
                "rules": [{"kind": "threshold", "unit": "PDP", "min": 0},
                          {"kind": "eligibility", "fact": "years_licensed", "op": ">=", "value": 3}],
                "outcomes": [{"key": "leader", "kind": "role", "name": "Teacher leader"}]}
    Policy.objects.create(recognizer=district, slug="leader", version=1, title="Teacher leader", state="published",
                          document=document, effective_from=dt.date(2020, 1, 1), published_at=timezone.now())
    from microcred.accounts.models import User

    for prefix, years in (("city-school", 5), ("suburb-school", 2), ("town-school", 1)):
        for user in User.objects.filter(username__startswith=f"{prefix}-t"):
            EducatorFact.objects.create(recognizer=district, educator=user, key="years_licensed", value=years)
    return analytics_world


def test_close_to_qualifying_exact_and_suppressed(policy_world, client, django_capture_on_commit_callbacks):
    client.force_login(policy_world["people"]["district_admin"])
    url = "/analytics/district/rural-district/"
    _refresh(client, url, django_capture_on_commit_callbacks)
    rows = _csv(client, url + "close.csv")
    assert rows == [{"label": "Teacher leader (Rural District)", "educators": "33", "qualified": "11",
                     "one_short": "22", "close": "0"}]
    # one school at a time: 11 and 10 people shown, 9 and 3 hidden everywhere
    shown = {}
    for school, n in (("city-school", 11), ("suburb-school", 10), ("town-school", 9), ("rural-school", 3)):
        _refresh(client, url, django_capture_on_commit_callbacks, {"organization": school})
        rows = _csv(client, f"{url}close.csv?organization={school}")
        shown[n] = rows[0]["educators"]
        for column in ("educators", "qualified", "one_short", "close"):
            assert rows[0][column] not in SMALL, (school, column)
        html = client.get(f"{url}?organization={school}").content.decode()
        section = html.split('id="close"')[1].split("</section>")[0]
        assert (f"<td>{n}</td>" in section) == (n >= 10)
    assert shown == {11: "11", 10: "10", 9: "suppressed", 3: "suppressed"}
    api = APIClient()
    api.force_authenticate(policy_world["people"]["district_admin"])
    data = api.get("/api/v1/analytics/district/rural-district/?organization=town-school").json()
    close = next(t for t in data["tables"] if t["name"] == "close")
    assert close["rows"][0]["educators"] is None and close["rows"][0]["one_short"] is None


def test_a_district_leader_sees_only_their_district(policy_world, client, django_capture_on_commit_callbacks):
    client.force_login(policy_world["people"]["city_admin"])
    for url in ("/analytics/district/rural-district/close.csv", "/analytics/district/rural-district/impact.csv",
                "/analytics/district/rural-district/cost_programs.csv"):
        assert client.get(url).status_code == 404
    assert client.post("/analytics/district/rural-district/refresh/").status_code == 404
    _refresh(client, "/analytics/district/city-district/", django_capture_on_commit_callbacks)
    rows = _csv(client, "/analytics/district/city-district/close.csv")
    assert rows[0]["educators"] == "12" and rows[0]["qualified"] == "0"  # their 12, none of the rural 33


# --- funding by sponsor and program -------------------------------------------------------------

def test_funding_by_sponsor_and_program(analytics_world, as_user):
    from microcred.earning.models import Attempt, Cohort

    district = analytics_world["orgs"]["district"]
    leaders = Cohort.objects.create(organization=district, name="Teacher leaders 2026")
    Attempt.objects.filter(earner__username__startswith="city-school-t").update(
        fee_amount=Decimal("75.00"), paid_by_organization=district, cohort=leaders)
    Attempt.objects.filter(earner__username__startswith="suburb-school-t").update(
        fee_amount=Decimal("50.00"), paid_by_organization=district)
    Attempt.objects.filter(earner__username__startswith="town-school-t").update(fee_amount=Decimal("75.00"))
    c = as_user(analytics_world["people"]["district_admin"])
    rows = {r["label"]: r for r in _csv(c, "/analytics/district/rural-district/cost_programs.csv")}
    assert rows["Rural District · Teacher leaders 2026"] == {
        "label": "Rural District · Teacher leaders 2026", "educators": "11", "fees": "825.00", "earned": "6",
        "per_earned": "137.50", "vouchers": "0"}
    assert rows["Rural District · No program"]["educators"] == "10"
    assert rows["Rural District · No program"]["per_earned"] == "100.00"  # 500.00 for 5 earned
    assert rows["The educator · No program"]["educators"] == "suppressed"  # 9 people
    assert rows["The educator · No program"]["fees"] == "suppressed"


# --- impact data --------------------------------------------------------------------------------

def _ratings_csv(rows):
    return ("educator,year,rating\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)).encode()


def test_impact_import_needs_opt_in_and_the_right_admin(analytics_world, as_user):
    from django.core.exceptions import PermissionDenied, ValidationError

    district = analytics_world["orgs"]["district"]
    admin = analytics_world["people"]["district_admin"]
    data = _ratings_csv([("city-school-t0", 2025, 3)])
    with pytest.raises(ValidationError, match="has not opted in"):
        services.import_impact_ratings(organization=district, data=data, by=admin)
    with pytest.raises(PermissionDenied):
        services.set_impact_opt_in(organization=district, by=analytics_world["people"]["city_admin"], opted_in=True)
    with pytest.raises(PermissionDenied):
        services.import_impact_ratings(organization=district, data=data, by=analytics_world["people"]["earner"])
    assert as_user(analytics_world["people"]["earner"]).get("/analytics/impact/").status_code == 403
    c = as_user(admin)
    assert c.post("/analytics/impact/", {"action": "opt_in", "organization": "rural-district"}).status_code == 302
    assert ImpactOptIn.objects.filter(organization=district).exists()
    # the city district's slug is not one of this admin's organizations: refused, nothing changes
    c.post("/analytics/impact/", {"action": "opt_in", "organization": "city-district"})
    assert not ImpactOptIn.objects.filter(organization__slug="city-district").exists()
    report = services.import_impact_ratings(organization=district, data=data, by=admin)
    assert report.updated == 1 and ImpactRating.objects.count() == 1
    # opting out deletes the ratings
    c.post("/analytics/impact/", {"action": "opt_out", "organization": "rural-district"})
    assert not ImpactRating.objects.exists() and not ImpactOptIn.objects.exists()


@pytest.mark.parametrize("content, expected", [
    (b"\xff\xfe\x00garbage", "UTF-8"),
    (b"name,score\nx,3\n", "missing"),
    (_ratings_csv([("city-school-t0", "2025", "seven")]), "number from 1 to 5"),
    (_ratings_csv([("city-school-t0", "2025", "9")]), "number from 1 to 5"),
    (_ratings_csv([("city-school-t0", "2025", "NaN")]), "number from 1 to 5"),
    (_ratings_csv([("city-school-t0", "1875", "3")]), "between"),
    (_ratings_csv([("city-school-t0", "2024-29", "3")]), "school year"),
    (_ratings_csv([("=HYPERLINK(\"http://x\")", "2025", "3")]), "username or e-mail"),
    (_ratings_csv([("<script>alert(1)</script>", "2025", "3")]), "username or e-mail"),
    (_ratings_csv([("city-t0", "2025", "3")]), "No educator of Rural District"),  # another district's teacher
])
def test_impact_import_bad_rows_are_reported_and_skipped(analytics_world, as_user, content, expected):
    district = analytics_world["orgs"]["district"]
    admin = analytics_world["people"]["district_admin"]
    services.set_impact_opt_in(organization=district, by=admin, opted_in=True)
    c = as_user(admin)
    upload = io.BytesIO(content + _ratings_csv([("suburb-school-t1", "2024-25", "3.5")])[len(b"educator,year,rating\n"):]
                        if content.startswith(b"educator") else content)
    upload.name = "ratings.csv"
    response = c.post("/analytics/impact/", {"action": "import", "organization": district.pk, "file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert expected in html and "<script>alert(1)</script>" not in html
    if content.startswith(b"educator"):  # the good row of the same file is kept
        assert list(ImpactRating.objects.values_list("educator__username", "year", "rating")) == [
            ("suburb-school-t1", 2025, Decimal("3.50"))]


def test_impact_import_oversized_and_wrong_type(analytics_world, as_user):
    district = analytics_world["orgs"]["district"]
    admin = analytics_world["people"]["district_admin"]
    services.set_impact_opt_in(organization=district, by=admin, opted_in=True)
    c = as_user(admin)
    big = io.BytesIO(b"educator,year,rating\n" + b"x,2025,3\n" * 300_000)
    big.name = "ratings.csv"
    response = c.post("/analytics/impact/", {"action": "import", "organization": district.pk, "file": big})
    assert response.status_code == 400 and "larger than 2 MB" in response.content.decode()
    image = io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    image.name = "photo.png"
    response = c.post("/analytics/impact/", {"action": "import", "organization": district.pk, "file": image})
    assert response.status_code == 400 and not ImpactRating.objects.exists()
    # an organization that is not opted in is not offered, and a forged choice is refused
    response = c.post("/analytics/impact/", {"action": "import", "organization": analytics_world["orgs"]["other_district"].pk,
                                             "file": io.BytesIO(b"educator,year,rating\n")})
    assert response.status_code == 400 and not ImpactRating.objects.exists()


def test_impact_before_and_after_exact_and_suppressed(analytics_world, as_user, django_capture_on_commit_callbacks):
    """The fixture's earned attempts were decided now: ratings of the school year before (2.0 or 3.0) and after
    (3.5) for the city school's 6 earners and the suburb's 5 — 11 educators: shown; each school alone: hidden."""
    from microcred.accounts.models import User

    district = analytics_world["orgs"]["district"]
    admin = analytics_world["people"]["district_admin"]
    services.set_impact_opt_in(organization=district, by=admin, opted_in=True)
    year = insights.school_year(timezone.now())
    rows = []
    for user in User.objects.filter(attempts__state="earned", username__regex=r"^(city|suburb)-school-t"):
        rows += [(user.username, year - 1, "2" if user.username.startswith("city") else "3"), (user.username, year + 1, "3.5")]
    report = services.import_impact_ratings(organization=district, data=_ratings_csv(rows), by=admin)
    assert report.updated == 22 and not report.problems
    c = as_user(admin)
    url = "/analytics/district/rural-district/"
    _refresh(c, url, django_capture_on_commit_callbacks)
    rows = {r["label"]: r for r in _csv(c, url + "impact.csv")}
    # 6 × 2.0 + 5 × 3.0 = 27 / 11 = 2.45 before; 3.5 after
    assert rows["All micro-credentials"] == {"label": "All micro-credentials", "educators": "11", "before": "2.45",
                                             "after": "3.5", "change": "1.05"}
    _refresh(c, url, django_capture_on_commit_callbacks, {"organization": "city-school"})
    rows = _csv(c, url + "impact.csv?organization=city-school")
    assert rows[0]["educators"] == "suppressed" and rows[0]["before"] == "suppressed"
    # an organization that stops taking part: its ratings are gone from the next refresh
    services.set_impact_opt_in(organization=district, by=admin, opted_in=False)
    _refresh(c, url, django_capture_on_commit_callbacks)
    assert _csv(c, url + "impact.csv") == []


def test_impact_command(analytics_world, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    district = analytics_world["orgs"]["district"]
    path = tmp_path / "ratings.csv"
    path.write_bytes(_ratings_csv([("city-school-t0", 2025, 3), ("nobody", 2025, 3)]))
    with pytest.raises(CommandError, match="has not opted in"):
        call_command("import_impact_ratings", str(path), "--org", district.slug)
    services.set_impact_opt_in(organization=district, by=None, opted_in=True)
    out = io.StringIO()
    call_command("import_impact_ratings", str(path), "--org", district.slug, stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == '{"rows": 2, "updated": 1, "problems": 1, "dry_run": false}'


def test_refresh_command_builds_every_default_snapshot(analytics_world):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("refresh_analytics", stdout=out)
    assert '"snapshots":' in out.getvalue().splitlines()[-1]
    assert DashboardSnapshot.objects.filter(key="platform|en", state="ready").exists()
    assert set(tables.shown_on(selectors.Dashboard("platform", None))) <= set(
        DashboardSnapshot.objects.get(key="platform|en").tables)


def test_impact_ratings_are_in_the_educators_data_and_go_with_the_account(analytics_world):
    from microcred.accounts.models import User
    from microcred.analytics import personal_data

    district = analytics_world["orgs"]["district"]
    services.set_impact_opt_in(organization=district, by=analytics_world["people"]["district_admin"], opted_in=True)
    services.import_impact_ratings(organization=district, data=_ratings_csv([("city-school-t0", 2025, 3)]), by=None)
    teacher = User.objects.get(username="city-school-t0")
    assert personal_data.export(teacher).data["impact_ratings"] == [
        {"organization": "Rural District", "year": 2025, "rating": "3.00"}]
    assert personal_data.erase(teacher, now=timezone.now())["impact_ratings"] == 1
    assert not ImpactRating.objects.exists()
    assert personal_data.erase(analytics_world["people"]["district_admin"], now=timezone.now())["impact_opt_ins_unlinked"] == 1
