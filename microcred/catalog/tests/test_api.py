import json

import pytest
from rest_framework.test import APIClient

from microcred.catalog.models import MicroCredential

from .factories import make_definition


@pytest.fixture
def api():
    return APIClient()


def test_openapi_schema_is_served(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/catalog/" in schema["paths"] and "/api/v1/authoring/import/" in schema["paths"]


def test_search_and_detail(api, world, published):
    data = api.get("/api/v1/catalog/", {"q": "formative", "grade_band": "6-8"}).json()
    assert data["total"] == 1 and data["results"][0]["slug"] == published.micro_credential.slug
    assert data["results"][0]["issuers"] == ["issuer-one"] and "video" in data["results"][0]["evidence_types"]
    assert any(f["value"] == "6-8" and f["selected"] for f in data["facets"]["grade_band"])
    detail = api.get(f"/api/v1/micro-credentials/{published.micro_credential.slug}/").json()
    assert detail["state"] == "published"
    assert detail["definition"]["parts"][0]["rubric"]["levels"] == ["Not Met", "Progressing", "Demonstrated"]


def test_bad_paging_values_are_clamped(api, world, published):
    assert api.get("/api/v1/catalog/", {"limit": "lots", "offset": "-5"}).status_code == 200
    assert api.get("/api/v1/catalog/", {"limit": 10**12}).json()["total"] == 1


def test_members_only_is_404_in_the_api(api, world, publish_mc):
    members = publish_mc(title="Members Thing", visibility="members", visible_to=["rural-district"])
    url = f"/api/v1/micro-credentials/{members.micro_credential.slug}/"
    assert api.get(url).status_code == 404
    assert api.get("/api/v1/catalog/", {"q": "members"}).json()["total"] == 0
    api.force_authenticate(world["people"]["earner"])
    assert api.get(url).status_code == 200


def test_authoring_over_the_api(api, world):
    api.force_authenticate(world["people"]["author"])
    created = api.post("/api/v1/authoring/import/", {"owner": "issuer-one", "definition": make_definition(slug="api-mc")}, format="json")
    assert created.status_code == 201 and created.json() == {"slug": "api-mc", "version": 1, "state": "draft"}
    base = "/api/v1/authoring/micro-credentials/api-mc/versions/1/"
    changed = make_definition(title="Changed over the API")
    assert api.put(f"{base}definition/", changed, format="json").json()["title"] == "Changed over the API"
    assert api.post(f"{base}transition/", {"action": "submit"}, format="json").json()["state"] == "in_review"
    assert api.post(f"{base}transition/", {"action": "publish"}, format="json").status_code == 403  # authors don't publish
    api.force_authenticate(world["people"]["issuer_admin"])
    refused = api.post(f"{base}transition/", {"action": "publish"}, format="json")  # nobody could assess it: warned
    assert refused.status_code == 400 and refused.json()["certified_assessors"] == 0 and refused.json()["coverage"]
    assert api.post(f"{base}transition/", {"action": "publish", "publish_anyway": True},
                    format="json").json()["state"] == "published"
    refused = api.put(f"{base}definition/", changed, format="json")
    assert refused.status_code == 400 and "new version" in json.dumps(refused.json())
    new = api.post(f"{base}transition/", {"action": "new-version"}, format="json").json()
    assert new == {"slug": "api-mc", "version": 2, "state": "draft"}


def test_authoring_api_rejects_bad_input_with_field_messages(api, world):
    api.force_authenticate(world["people"]["author"])
    bad = api.post("/api/v1/authoring/import/", {"owner": "issuer-one", "definition": make_definition(title="", grade_bands=["x"])}, format="json")
    assert bad.status_code == 400 and {"title", "grade_bands[0]"} <= set(bad.json())
    assert api.post("/api/v1/authoring/import/", {"owner": "ghost", "definition": {}}, format="json").status_code == 400
    assert api.post("/api/v1/authoring/import/", "not json", content_type="application/json").status_code == 400
    assert api.post("/api/v1/authoring/import/", {"owner": "issuer-one", "definition": "nope"}, format="json").status_code == 400
    assert MicroCredential.objects.count() == 0


def test_authoring_api_permissions(api, world, published):
    base = f"/api/v1/authoring/micro-credentials/{published.micro_credential.slug}/versions/1/"
    assert api.get(f"{base}definition/").status_code in (401, 403)
    assert api.post("/api/v1/authoring/import/", {"owner": "issuer-one", "definition": make_definition()}, format="json").status_code in (401, 403)
    api.force_authenticate(world["people"]["other_author"])
    assert api.get(f"{base}definition/").status_code == 404
    assert api.post(f"{base}transition/", {"action": "retire", "reason": "x"}, format="json").status_code == 404
    refused = api.post("/api/v1/authoring/import/", {"owner": "issuer-one", "definition": make_definition()}, format="json")
    assert refused.status_code == 403
    api.force_authenticate(world["people"]["earner"])
    assert api.post("/api/v1/authoring/import/", {"owner": "issuer-one", "definition": make_definition()}, format="json").status_code == 403


def test_stacks_api(api, world, published):
    from microcred.catalog import services

    admin = world["people"]["issuer_admin"]
    stack = services.save_stack(owner=world["orgs"]["issuer"], by=admin, title="Assessment", items=[{"micro_credential": published.micro_credential}])
    assert api.get(f"/api/v1/stacks/{stack.slug}/").status_code == 404
    services.set_stack_state(stack=stack, state="published", by=admin)
    listed = api.get("/api/v1/stacks/").json()
    assert listed[0]["items"][0]["micro_credential"] == published.micro_credential.slug


def test_pathological_json_is_a_clear_error_not_a_crash(api, world):
    api.force_authenticate(world["people"]["author"])
    deep = api.post("/api/v1/authoring/import/", "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert deep.status_code == 400 and "nested too deeply" in deep.json()["detail"]
    huge = api.post("/api/v1/authoring/import/", '{"owner": "issuer-one", "definition": {"title": "' + "x" * 5_000_000 + '"}}',
                    content_type="application/json")
    assert huge.status_code == 413
    big_number = api.post("/api/v1/authoring/import/", '{"owner": "issuer-one", "definition": {"title": 1e999999, "estimated_hours": ' + "9" * 5000 + "}}",
                          content_type="application/json")
    assert big_number.status_code == 400
    duplicate_keys = api.post("/api/v1/authoring/import/", '{"owner": "issuer-one", "owner": "issuer-two", "definition": {}}', content_type="application/json")
    assert duplicate_keys.status_code in (400, 403)
    assert MicroCredential.objects.count() == 0
