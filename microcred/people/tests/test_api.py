"""The people JSON API: the same rules as the pages."""
import pytest
from rest_framework.test import APIClient

from microcred.accounts.models import Membership
from microcred.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def _as(user):
        client = APIClient()
        client.force_authenticate(user)
        return client
    return _as


def test_list_is_paged_and_limited_to_managed_people(district, api):
    p = district["people"]
    body = api(p["district_admin"]).get("/api/v1/people/", {"limit": 2}).json()
    assert body["limit"] == 2 and len(body["results"]) == 2 and body["next_offset"] == 2
    everyone = api(p["district_admin"]).get("/api/v1/people/", {"limit": 500}).json()
    names = {r["username"] for r in everyone["results"]}
    assert {"teacher", "school_teacher", "dual", "district_coach"} <= names
    assert not names & {"other_earner", "city_coach", "issuer_admin", "recognizer"}
    dual = next(r for r in everyone["results"] if r["username"] == "dual")
    assert [m["organization"] for m in dual["memberships"]] == ["rural-district"]
    body = api(p["district_admin"]).get("/api/v1/people/", {"q": "holloway"}).json()
    assert [r["username"] for r in body["results"]] == ["teacher"] and body["count"] == 1


@pytest.mark.parametrize("params", [{"q": "x" * 101}, {"role": "king"}, {"status": "zombie"},
                                    {"organization": "city-district"}, {"organization": "no-such-org"}])
def test_bad_list_input_is_400(district, api, params):
    response = api(district["people"]["district_admin"]).get("/api/v1/people/", params)
    assert response.status_code == 400


def test_list_refused_to_people_who_manage_nobody(district, api):
    assert api(district["people"]["teacher"]).get("/api/v1/people/").status_code == 403
    assert APIClient().get("/api/v1/people/").status_code in (401, 403)


def test_detail(district, api):
    p = district["people"]
    client = api(p["district_admin"])
    body = client.get(f"/api/v1/people/{p['teacher'].pk}/").json()
    assert body["person"]["username"] == "teacher"
    assert body["facts"]["evaluation_rating"] == "Highly effective"
    assert body["grantable"]["rural-district"] == ["earner", "coach", "org_admin"]
    assert body["deactivation"] == "deactivate"
    assert client.get(f"/api/v1/people/{p['other_earner'].pk}/").status_code == 404
    body = api(p["platform_admin"]).get(f"/api/v1/people/{p['teacher'].pk}/").json()
    assert body["facts"] is not None
    assert api(p["city_admin"]).get(f"/api/v1/people/{p['teacher'].pk}/").status_code == 404


def test_roles(district, api):
    p = district["people"]
    client = api(p["district_admin"])
    url = f"/api/v1/people/{p['teacher'].pk}/roles/"
    response = client.post(url, {"organization": "rural-elementary", "role": "coach"}, format="json")
    assert response.status_code == 200, response.json()
    assert any(m["organization"] == "rural-elementary" and m["role"] == "coach" for m in response.json()["memberships"])
    response = client.post(url, {"organization": "rural-elementary", "role": "coach", "action": "revoke"}, format="json")
    assert response.status_code == 200
    assert not Membership.objects.filter(user=p["teacher"], role="coach").exists()
    assert AuditEvent.objects.filter(action__in=["membership.granted", "membership.revoked"], actor=p["district_admin"]).count() == 2


@pytest.mark.parametrize("body, status", [
    ({"organization": "rural-district", "role": "platform_admin"}, 403),
    ({"organization": "rural-district", "role": "issuer_admin"}, 403),
    ({"organization": "city-district", "role": "coach"}, 400),
    ({"organization": "rural-district", "role": "king"}, 400),
    ({"organization": 5, "role": ["coach"]}, 400),
    ({"organization": "rural-district", "role": "coach", "action": "crown"}, 400),
    ({}, 400),
])
def test_bad_role_changes(district, api, body, status):
    p = district["people"]
    before = AuditEvent.objects.count()
    response = api(p["district_admin"]).post(f"/api/v1/people/{p['teacher'].pk}/roles/", body, format="json")
    assert response.status_code == status
    assert AuditEvent.objects.count() == before


def test_self_grant_refused(district, api):
    p = district["people"]
    response = api(p["district_admin"]).post(f"/api/v1/people/{p['district_admin'].pk}/roles/",
                                             {"organization": "rural-district", "role": "coach"}, format="json")
    assert response.status_code == 403
    assert not Membership.objects.filter(user=p["district_admin"], role="coach").exists()


def test_deactivate_and_reactivate(district, api):
    p = district["people"]
    client = api(p["district_admin"])
    body = client.post(f"/api/v1/people/{p['teacher'].pk}/deactivate/").json()
    assert body == {"outcome": "deactivated", "is_active": False, "memberships_ended": []}
    assert client.post(f"/api/v1/people/{p['teacher'].pk}/reactivate/").json()["is_active"] is True
    body = client.post(f"/api/v1/people/{p['dual'].pk}/deactivate/").json()
    assert body["outcome"] == "memberships_ended" and body["is_active"] is True
    assert [m["organization"] for m in body["memberships_ended"]] == ["rural-district"]
    assert client.post(f"/api/v1/people/{p['district_admin'].pk}/deactivate/").status_code == 403
    assert api(p["issuer_admin"]).post(f"/api/v1/people/{p['teacher'].pk}/deactivate/").status_code == 404


def test_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    for op in ("people_list", "people_detail", "people_change_role", "people_deactivate", "people_reactivate"):
        assert f"operationId: {op}" in schema
