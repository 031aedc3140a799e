"""Dashboards: scoped by the policy, suppressed in the page, the CSV and the API alike, constant queries."""
import csv
import io

import pytest
from rest_framework.test import APIClient

from microcred.analytics.models import SchoolProfile

SMALL = {str(n) for n in range(1, 10)}


def _counts(rows, columns=("started", "earned", "chose", "finished", "value")):
    return [row.get(c) for row in rows for c in columns if c in row]


def test_district_admin_opens_on_their_district(analytics_world, as_user):
    c = as_user(analytics_world["people"]["district_admin"])
    response = c.get("/analytics/")
    assert response.status_code == 302 and response["Location"] == "/analytics/district/rural-district/"
    page = c.get("/analytics/district/rural-district/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<table" in html and "Download this table (CSV)" in html
    # another district's dashboard, the platform's and an issuer's are 404 to a district admin
    for url in ("/analytics/district/city-district/", "/analytics/platform/", "/analytics/issuer/issuer-one/",
                "/analytics/state/state-agency/", "/analytics/nonsense/rural-district/"):
        assert c.get(url).status_code == 404, url


def test_teachers_see_no_dashboard(analytics_world, as_user):
    c = as_user(analytics_world["people"]["earner"])
    assert c.get("/analytics/").status_code == 403
    assert c.get("/analytics/district/rural-district/").status_code == 404
    assert c.get("/analytics/district/rural-district/funnel.csv").status_code == 404
    assert APIClient().get("/api/v1/analytics/").status_code in (401, 403)
    api = APIClient()
    api.force_authenticate(analytics_world["people"]["earner"])
    assert api.get("/api/v1/analytics/").status_code == 403
    assert api.get("/api/v1/analytics/district/rural-district/").status_code == 404


def test_groups_of_3_9_10_and_11_in_page_csv_and_api(analytics_world, as_user):
    admin = analytics_world["people"]["district_admin"]
    c = as_user(admin)
    # the page: the locale table shows 11 and 10, hides 9 and 3
    html = c.get("/analytics/district/rural-district/").content.decode()
    section = html.split('id="equity_locale"')[1].split("</section>")[0]
    assert "<td>11</td>" in section and "<td>10</td>" in section
    assert "<td>9</td>" not in section and "<td>3</td>" not in section and "hidden" in section
    # the CSV
    body = c.get("/analytics/district/rural-district/equity_locale.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    by = {r["label"]: r for r in rows}
    assert by["City"]["started"] == "11" and by["Suburb"]["started"] == "10"
    assert by["Town"]["started"] == "suppressed" and by["Rural"]["started"] == "suppressed"
    for row in rows:
        for column in ("started", "earned"):
            assert row[column] not in SMALL
    # the API
    api = APIClient()
    api.force_authenticate(admin)
    data = api.get("/api/v1/analytics/district/rural-district/").json()
    assert data["threshold"] == 10
    for table in data["tables"]:
        for value in _counts(table["rows"]):
            assert value is None or not (0 < value < 10) or table["name"] == "times", (table["name"], value)
    locale = next(t for t in data["tables"] if t["name"] == "equity_locale")
    assert {r["label"]: r["started"] for r in locale["rows"]} == {"City": 11, "Suburb": 10, "Town": None, "Rural": None}


def test_the_threshold_setting_is_honoured_and_never_below_five(analytics_world, as_user, settings):
    settings.MICROCRED_SMALL_CELL_THRESHOLD = 5
    c = as_user(analytics_world["people"]["district_admin"])
    body = c.get("/analytics/district/rural-district/equity_locale.csv").content.decode()
    rows = {r["label"]: r for r in csv.DictReader(io.StringIO(body))}
    # 3 is hidden, and the smallest other count with it (9) so that the total does not give the 3 away
    assert [rows[x]["started"] for x in ("City", "Suburb", "Town", "Rural")] == ["11", "10", "suppressed", "suppressed"]
    assert rows["City"]["earned"] == "6"  # hidden under the default threshold of 10, shown under 5


def test_filters_and_hostile_query_strings(analytics_world, as_user):
    c = as_user(analytics_world["people"]["district_admin"])
    for query in ("?period=3m&locale=city", "?title_i=yes", "?mc=" + analytics_world["mc"].micro_credential.slug,
                  "?period=<script>alert(1)</script>&mc=%3Dcmd|x&locale=moon", "?mc=" + "x" * 5000):
        response = c.get("/analytics/district/rural-district/" + query)
        assert response.status_code == 200, query
        assert "<script>alert" not in response.content.decode()
    html = c.get("/analytics/district/rural-district/?locale=city").content.decode()
    funnel = html.split('id="funnel"')[1].split("</section>")[0]
    assert "<td>11</td>" in funnel


def test_platform_admin_sees_every_dashboard(analytics_world, as_user):
    c = as_user(analytics_world["people"]["platform_admin"])
    assert c.get("/analytics/").status_code == 302
    for url in ("/analytics/platform/", "/analytics/district/city-district/", "/analytics/issuer/issuer-one/",
                "/analytics/state/state-agency/", "/analytics/platform/funnel.csv"):
        assert c.get(url).status_code == 200, url


def test_recognizer_and_issuer_dashboards(analytics_world, as_user):
    c = as_user(analytics_world["people"]["recognizer"])
    assert c.get("/analytics/state/state-agency/").status_code == 200
    assert c.get("/analytics/platform/").status_code == 404
    c = as_user(analytics_world["people"]["issuer_admin"])
    assert c.get("/analytics/issuer/issuer-one/").status_code == 200
    assert c.get("/analytics/issuer/issuer-two/").status_code == 404
    assert c.get("/analytics/district/rural-district/").status_code == 404


def test_constant_queries_as_data_grows(analytics_world, as_user, django_assert_max_num_queries):
    from .conftest import _attempt
    from microcred.accounts.models import EducatorProfile, User
    from django.utils import timezone

    c = as_user(analytics_world["people"]["platform_admin"])
    c.get("/analytics/platform/")
    with django_assert_max_num_queries(40) as first:
        c.get("/analytics/platform/")
    few = len(first.captured_queries)  # read now: every request empties the connection's query log
    school = analytics_world["schools"]["city-school"]
    for i in range(30):
        u = User.objects.create_user(username=f"more{i}", password="pw-more-12345")
        EducatorProfile.objects.create(user=u, district=analytics_world["orgs"]["district"], school=school)
        _attempt(u, analytics_world["mc"], state="earned", now=timezone.now(), days=3)
    c.get("/analytics/platform/")  # the menu is kept per person and retired by the writes above (decision 0050)
    with django_assert_max_num_queries(few):
        c.get("/analytics/platform/")


def test_recognition_and_cost_tables_are_suppressed(analytics_world, as_user):
    from decimal import Decimal

    from microcred.earning.models import Attempt

    Attempt.objects.filter(earner__username__startswith="city-school-t").update(
        fee_amount=Decimal("75.00"), paid_by_organization=analytics_world["orgs"]["district"])
    Attempt.objects.filter(earner__username__startswith="rural-school-t").update(fee_amount=Decimal("75.00"))
    c = as_user(analytics_world["people"]["district_admin"])
    rows = {r["label"]: r for r in csv.DictReader(io.StringIO(
        c.get("/analytics/district/rural-district/cost.csv").content.decode()))}
    assert rows["Rural District"]["educators"] == "11" and rows["Rural District"]["fees"] == "825.00"
    assert rows["Rural District"]["per_earned"] == "137.50"
    assert rows["The educator"]["educators"] == "suppressed" and rows["The educator"]["fees"] == "suppressed"
    assert c.get("/analytics/district/rural-district/recognition.csv").status_code == 200


def test_organization_filter_stays_within_the_dashboard(analytics_world, as_user):
    c = as_user(analytics_world["people"]["district_admin"])
    body = c.get("/analytics/district/rural-district/funnel.csv?organization=suburb-school").content.decode()
    assert {r["label"]: r["value"] for r in csv.DictReader(io.StringIO(body))}["Started"] == "10"
    # another district named in the filter: refused, never its figures
    response = c.get("/analytics/district/rural-district/?organization=city-district")
    assert response.status_code == 200 and "Choose a district or school of this dashboard." in response.content.decode()
    body = c.get("/analytics/district/rural-district/funnel.csv?organization=city-district").content.decode()
    assert {r["label"]: r["value"] for r in csv.DictReader(io.StringIO(body))}["Started"] == "33"
