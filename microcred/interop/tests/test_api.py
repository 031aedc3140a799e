"""The OB 3.0 resource endpoints: scopes per operation, Imsx_StatusInfo errors, paging, upsert, profile."""
import json

import pytest
from django.utils import timezone

from microcred.credentials.models import ExternalCredential
from microcred.interop import ob3
from tests.standards_data import DIGITAL_BAZAAR_CREDENTIAL

from .helpers import bearer, get_tokens, register

pytestmark = pytest.mark.django_db
EXTERNAL = DIGITAL_BAZAAR_CREDENTIAL  # signed by its own did:key issuer: verifies, issuer not known here


def _imsx(response, status, minor):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["imsx_codeMajor"] == "failure" and body["imsx_severity"] == "error" and body["imsx_description"]
    assert body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == minor


@pytest.fixture
def token(client, world, wallet):
    return get_tokens(client, world["people"]["earner"], wallet)["access_token"]


def test_discovery_is_public_and_describes_the_oauth2_acg_scheme(client):
    response = client.get("/ims/ob/v3p0/discovery")
    assert response.status_code == 200 and "max-age" in response["Cache-Control"]
    sdd = response.json()
    assert sdd["openapi"].startswith("3.0") and sdd["info"]["termsOfService"] and sdd["info"]["x-imssf-privacyPolicyUrl"]
    scheme = sdd["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["type"] == "oauth2" and scheme["x-imssf-registrationUrl"].endswith("/oauth/register")
    flow = scheme["flows"]["authorizationCode"]
    assert flow["authorizationUrl"].endswith("/oauth/authorize") and flow["tokenUrl"].endswith("/oauth/token")
    assert flow["refreshUrl"] == flow["tokenUrl"]
    assert list(flow["scopes"]) == list(ob3.OB_SCOPES)
    ops = {op["operationId"] for path in sdd["paths"].values() for op in path.values()}
    assert ops == {"getCredentials", "upsertCredential", "getProfile", "putProfile", "getServiceDescription"}
    assert client.post("/ims/ob/v3p0/discovery").status_code == 405


@pytest.mark.parametrize("method, path", [("get", "credentials"), ("post", "credentials"), ("get", "profile"),
                                          ("put", "profile")])
def test_every_operation_needs_a_bearer_token(client, world, method, path):
    body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
    response = getattr(client, method)(f"/ims/ob/v3p0/{path}", **body)
    _imsx(response, 401, ob3.UNAUTHORIZED)
    assert response["WWW-Authenticate"].startswith("Bearer")
    client.force_login(world["people"]["earner"])  # a session cookie is not a token (and would be CSRF-exposed)
    _imsx(getattr(client, method)(f"/ims/ob/v3p0/{path}", **body), 401, ob3.UNAUTHORIZED)
    _imsx(client.get(f"/ims/ob/v3p0/{path}", HTTP_AUTHORIZATION="Bearer not-a-token"), 401, ob3.UNAUTHORIZED)


def test_token_in_the_query_string_is_not_accepted(client, token):
    _imsx(client.get(f"/ims/ob/v3p0/credentials?access_token={token}"), 401, ob3.UNAUTHORIZED)


def test_each_operation_needs_its_own_scope(client, world):
    reader = register(client, scope=ob3.SCOPE_CREDENTIAL_READ)
    token = get_tokens(client, world["people"]["earner"], reader, scope=ob3.SCOPE_CREDENTIAL_READ)["access_token"]
    assert client.get("/ims/ob/v3p0/credentials", **bearer(token)).status_code == 200
    refused = client.post("/ims/ob/v3p0/credentials", data=EXTERNAL.read_bytes(), content_type="application/json",
                          **bearer(token))
    _imsx(refused, 403, ob3.FORBIDDEN)
    assert 'error="insufficient_scope"' in refused["WWW-Authenticate"]
    _imsx(client.get("/ims/ob/v3p0/profile", **bearer(token)), 403, ob3.FORBIDDEN)
    _imsx(client.put("/ims/ob/v3p0/profile", data="{}", content_type="application/json", **bearer(token)),
          403, ob3.FORBIDDEN)
    assert not ExternalCredential.objects.exists()


def test_get_credentials_lists_only_the_earners_own(client, world, issued, wallet):
    other = get_tokens(client, world["people"]["other_earner"], wallet)["access_token"]
    response = client.get("/ims/ob/v3p0/credentials", **bearer(other))
    assert response.status_code == 200 and response.json() == {"credential": [], "compactJwsString": []}
    assert response["X-Total-Count"] == "0"
    assert str(issued.pk) not in response.content.decode()
    mine = get_tokens(client, world["people"]["earner"], wallet)["access_token"]
    listed = client.get("/ims/ob/v3p0/credentials", **bearer(mine)).json()
    assert listed["credential"] == [issued.credential]  # exactly as issued, proof included


def test_revoked_credentials_are_not_listed(client, world, issued, token):
    from microcred.credentials import services

    services.revoke(issued, by=world["people"]["issuer_admin"], reason="Issued in error")
    assert client.get("/ims/ob/v3p0/credentials", **bearer(token)).json()["credential"] == []


def _externals(earner, n):
    for i in range(n):
        ExternalCredential.objects.create(
            earner=earner, raw="h.p.s" if i % 2 else "{}", format="jwt" if i % 2 else "json",
            credential={"id": f"urn:x:{i}"}, credential_id=f"urn:x:{i}", issuer_id="did:key:z", verified_at=timezone.now(),
            valid_from=timezone.now())


def test_paging_headers_and_arrays(client, world, issued, token, django_assert_max_num_queries):
    _externals(world["people"]["earner"], 6)
    with django_assert_max_num_queries(8):
        page = client.get("/ims/ob/v3p0/credentials?limit=3&offset=3", **bearer(token))
    assert page["X-Total-Count"] == "7"
    links = page["Link"]
    for rel, offset in (("next", 6), ("last", 6), ("first", 0), ("prev", 0)):
        assert f'limit=3&offset={offset}>; rel="{rel}"' in links
    body = page.json()
    assert len(body["credential"]) + len(body["compactJwsString"]) == 3
    assert all(jws == "h.p.s" for jws in body["compactJwsString"])
    last = client.get("/ims/ob/v3p0/credentials?limit=3&offset=6", **bearer(token))
    assert 'rel="next"' not in last["Link"] and len(last.json()["credential"] + last.json()["compactJwsString"]) == 1


@pytest.mark.parametrize("query", ["limit=0", "limit=-1", "limit=abc", "offset=-5", "offset=1e9", "since=yesterday",
                                   "since=2024-01-01T00:00:00"])
def test_bad_paging_parameters_are_400(client, token, query):
    _imsx(client.get(f"/ims/ob/v3p0/credentials?{query}", **bearer(token)), 400, ob3.INVALID_DATA)


def test_limit_is_capped_and_since_filters(client, world, issued, token):
    page = client.get(f"/ims/ob/v3p0/credentials?limit=100000", **bearer(token))
    assert page.status_code == 200 and f"limit={ob3.MAX_LIMIT}" in page["Link"]
    later = client.get("/ims/ob/v3p0/credentials?since=2999-01-01T00:00:00Z", **bearer(token))
    assert later.json()["credential"] == [] and later["X-Total-Count"] == "0"


def test_upsert_verifies_stores_and_answers_201_then_200(client, world, token):
    body = EXTERNAL.read_bytes()
    created = client.post("/ims/ob/v3p0/credentials", data=body, content_type="application/vc+ld+json", **bearer(token))
    assert created.status_code == 201 and created.json() == json.loads(body)
    assert created["Content-Type"].startswith("application/vc+ld+json")
    again = client.post("/ims/ob/v3p0/credentials", data=body, content_type="application/json", **bearer(token))
    assert again.status_code == 200
    stored = ExternalCredential.objects.get()
    assert stored.earner == world["people"]["earner"] and stored.status == ExternalCredential.STATUS_UNKNOWN_ISSUER


def test_upsert_refuses_what_does_not_verify_and_keeps_nothing(client, token):
    tampered = json.loads(EXTERNAL.read_bytes())
    tampered["credentialSubject"]["achievement"]["name"] = "Forged achievement"
    response = client.post("/ims/ob/v3p0/credentials", data=json.dumps(tampered), content_type="application/json",
                           **bearer(token))
    _imsx(response, 400, ob3.INVALID_DATA)
    assert "did not verify" in response.json()["imsx_description"]
    for body, content_type in ((b"{", "application/json"), (b"[1, 2]", "application/json"), (b"  ", "application/json"),
                               (b"not.a.jwt!", "text/plain"), (b'{"a": 1}', "text/plain"),
                               (b"eyJhbGciOiJFUzI1NiJ9.eyJhIjoxfQ.c2ln", "application/json")):
        _imsx(client.post("/ims/ob/v3p0/credentials", data=body, content_type=content_type, **bearer(token)),
              400, ob3.INVALID_DATA)
    _imsx(client.post("/ims/ob/v3p0/credentials", data=b"<x/>", content_type="application/xml", **bearer(token)),
          415, ob3.UNSUPPORTED_TYPE)
    _imsx(client.post("/ims/ob/v3p0/credentials", data=b"--x", content_type="multipart/form-data", **bearer(token)),
          415, ob3.UNSUPPORTED_TYPE)
    _imsx(client.post("/ims/ob/v3p0/credentials", {"access_token": token}), 415, ob3.UNSUPPORTED_TYPE)
    huge = b'{"a": "' + b"x" * (2 * 1024 * 1024 + 10) + b'"}'
    _imsx(client.post("/ims/ob/v3p0/credentials", data=huge, content_type="application/json", **bearer(token)),
          413, ob3.INVALID_DATA)
    assert not ExternalCredential.objects.exists()


def test_upsert_of_the_earners_own_credential_issued_here_is_existing(client, issued, token):
    as_json = client.post("/ims/ob/v3p0/credentials", data=json.dumps(issued.credential),
                          content_type="application/json", **bearer(token))
    assert as_json.status_code == 200
    as_jwt = client.post("/ims/ob/v3p0/credentials", data=issued.jwt, content_type="text/plain", **bearer(token))
    assert as_jwt.status_code == 200 and as_jwt.content.decode() == issued.jwt
    assert as_jwt["Content-Type"].startswith("text/plain")
    assert not ExternalCredential.objects.exists()


def test_another_earners_credential_issued_here_cannot_be_upserted(client, world, issued, wallet):
    other = get_tokens(client, world["people"]["other_earner"], wallet)["access_token"]
    response = client.post("/ims/ob/v3p0/credentials", data=json.dumps(issued.credential),
                           content_type="application/json", **bearer(other))
    _imsx(response, 400, ob3.INVALID_DATA)
    assert not ExternalCredential.objects.exists()


def test_get_profile(client, world, token):
    profile = client.get("/ims/ob/v3p0/profile", **bearer(token)).json()
    assert profile["@context"] == [ob3.CONTEXT] and profile["type"] == ["Profile"]
    from microcred.interop.selectors import profile_id

    assert profile["id"].startswith("urn:uuid:") and "earner" not in profile["id"]
    assert profile["id"] == profile_id(world["people"]["earner"]) != profile_id(world["people"]["other_earner"])
    assert profile["name"] == "Earner Tester" and profile["email"] == "earner@example.org"


def test_put_profile_changes_only_the_name(client, world, token):
    profile = client.get("/ims/ob/v3p0/profile", **bearer(token)).json()
    put = client.put("/ims/ob/v3p0/profile", data=json.dumps({**profile, "name": "  Ada   Lovelace ", "phone": "1"}),
                     content_type="application/json", **bearer(token))
    assert put.status_code == 200 and put.json()["name"] == "Ada Lovelace" and "phone" not in put.json()
    split = client.put("/ims/ob/v3p0/profile", data=json.dumps({"type": "Profile", "givenName": "Ada", "familyName": "King"}),
                       content_type="application/json", **bearer(token))
    assert split.json()["name"] == "Ada King"


@pytest.mark.parametrize("change", [
    {"email": "attacker@example.net"}, {"name": ""}, {"name": "x" * 151}, {"name": "<script>alert(1)</script>"},
    {"name": "Ada\u202eEvil"}, {"name": 42}, {"type": "Achievement"}, {"id": "urn:uuid:00000000-0000-0000-0000-000000000000"},
])
def test_put_profile_refuses_bad_changes(client, world, token, change):
    profile = client.get("/ims/ob/v3p0/profile", **bearer(token)).json()
    response = client.put("/ims/ob/v3p0/profile", data=json.dumps({**profile, **change}),
                          content_type="application/json", **bearer(token))
    _imsx(response, 400, ob3.INVALID_DATA)
    earner = world["people"]["earner"]
    earner.refresh_from_db()
    assert earner.email == "earner@example.org" and earner.get_full_name() == "Earner Tester"


def test_put_profile_body_limits(client, token):
    _imsx(client.put("/ims/ob/v3p0/profile", data="[]", content_type="application/json", **bearer(token)),
          400, ob3.INVALID_DATA)
    _imsx(client.put("/ims/ob/v3p0/profile", data='{"a": 1, "a": 2}', content_type="application/json", **bearer(token)),
          400, ob3.INVALID_DATA)
    _imsx(client.put("/ims/ob/v3p0/profile", data="x" * 70_000, content_type="application/json", **bearer(token)),
          413, ob3.INVALID_DATA)
    _imsx(client.delete("/ims/ob/v3p0/profile", **bearer(token)), 405, ob3.NOT_ALLOWED)


def test_a_deactivated_earners_token_stops_working(client, world, token):
    earner = world["people"]["earner"]
    earner.is_active = False
    earner.save()
    _imsx(client.get("/ims/ob/v3p0/credentials", **bearer(token)), 401, ob3.UNAUTHORIZED)


def test_paging_headers_function():
    headers = ob3.paging_headers("https://x/c", total=0, limit=10, offset=0)
    assert headers["X-Total-Count"] == "0" and 'rel="next"' not in headers["Link"] and 'rel="first"' in headers["Link"]
    headers = ob3.paging_headers("https://x/c", total=25, limit=10, offset=10)
    assert '<https://x/c?limit=10&offset=20>; rel="last"' in headers["Link"]
    assert '<https://x/c?limit=10&offset=0>; rel="prev"' in headers["Link"]
