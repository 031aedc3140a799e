"""The dashboards' API: the dashboards one may open, the same suppressed tables as the pages, and its schema."""
from rest_framework.test import APIClient


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_list_of_dashboards(analytics_world):
    data = api(analytics_world["people"]["platform_admin"]).get("/api/v1/analytics/").json()
    assert {"kind": "platform", "organization": None, "label": "Platform: every organization"} in data
    mine = api(analytics_world["people"]["district_admin"]).get("/api/v1/analytics/").json()
    assert [(d["kind"], d["organization"]) for d in mine] == [("district", "rural-district")]


def test_filters_in_the_api_and_hostile_values(analytics_world):
    client = api(analytics_world["people"]["district_admin"])
    data = client.get("/api/v1/analytics/district/rural-district/", {"locale": "city"}).json()
    funnel = next(t for t in data["tables"] if t["name"] == "funnel")
    assert funnel["rows"][0]["value"] == 11
    response = client.get("/api/v1/analytics/district/rural-district/", {"period": "=cmd", "mc": "<x>" * 100})
    assert response.status_code == 200
    assert client.get("/api/v1/analytics/district/city-district/").status_code == 404


def test_the_api_keeps_a_constant_number_of_queries(analytics_world, django_assert_max_num_queries):
    client = api(analytics_world["people"]["platform_admin"])
    with django_assert_max_num_queries(40):
        assert client.get("/api/v1/analytics/platform/").status_code == 200
