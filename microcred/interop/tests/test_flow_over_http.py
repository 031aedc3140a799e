"""A wallet performs the whole Open Badges 3.0 API flow against a running server, over real HTTP:
discovery → registration → the earner signs in and approves (PKCE S256) → code exchange → getCredentials (paged)
→ upsertCredential → getProfile/putProfile → refresh → the earner revokes the app → its token is refused."""
import json
import re

import pytest
import requests

from microcred.interop import ob3
from tests.standards_data import DIGITAL_BAZAAR_CREDENTIAL

from .helpers import ALL_SCOPES, REDIRECT, authorize_query, basic, form_fields, metadata, pkce, query_of

pytestmark = pytest.mark.django_db(transaction=True)
EXTERNAL = DIGITAL_BAZAAR_CREDENTIAL  # signed by its own did:key issuer: verifies, issuer not known here


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_wallet_registers_is_approved_and_uses_the_api(live_server, settings, world, issued):
    settings.SITE_URL = live_server.url
    earner = world["people"]["earner"]
    http = requests.Session()  # the wallet's server side
    browser = requests.Session()  # the earner's browser

    sdd = http.get(f"{live_server.url}/ims/ob/v3p0/discovery", headers={"Accept": "application/json"}, timeout=30)
    assert sdd.status_code == 200
    scheme = sdd.json()["components"]["securitySchemes"]["OAuth2ACG"]
    flow = scheme["flows"]["authorizationCode"]
    assert set(flow["scopes"]) == set(ob3.OB_SCOPES)

    registered = http.post(scheme["x-imssf-registrationUrl"], json=metadata(), timeout=30)
    assert registered.status_code == 201, registered.text
    client = registered.json()
    assert client["client_secret"] and client["redirect_uris"] == [REDIRECT]

    # The earner signs in in their browser, then the wallet sends them to the authorization URL.
    login = browser.get(f"{live_server.url}/accounts/login/", timeout=30)
    signed_in = browser.post(f"{live_server.url}/accounts/login/", timeout=30, allow_redirects=False, data={
        "csrfmiddlewaretoken": _csrf(login.text), "username": "earner", "password": "pw-earner-123"},
        headers={"Referer": f"{live_server.url}/accounts/login/"})
    assert signed_in.status_code == 302, signed_in.text[:500]
    verifier, challenge = pkce()
    consent = browser.get(f"{flow['authorizationUrl']}?{authorize_query(client['client_id'], challenge)}", timeout=30)
    assert consent.status_code == 200 and "Test wallet" in consent.text and "Read your credentials" in consent.text
    fields = form_fields(consent.text)
    fields["allow"] = "Authorize"
    approved = browser.post(flow["authorizationUrl"], data=fields, allow_redirects=False, timeout=30,
                            headers={"Referer": consent.url})
    assert approved.status_code == 302 and approved.headers["Location"].startswith(REDIRECT)
    answer = query_of(approved.headers["Location"])
    assert answer["state"] == "st-123" and answer["code"]

    tokens = http.post(flow["tokenUrl"], timeout=30, headers={"Authorization": basic(client["client_id"], client["client_secret"])},
                       data={"grant_type": "authorization_code", "code": answer["code"], "redirect_uri": REDIRECT,
                             "code_verifier": verifier, "scope": ALL_SCOPES})
    assert tokens.status_code == 200, tokens.text
    token = tokens.json()
    assert token["token_type"].lower() == "bearer" and token["expires_in"] <= 3600 and token["refresh_token"]
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    api = f"{live_server.url}/ims/ob/v3p0"

    # upsert one credential from elsewhere (201), then again (200), so there are two to page through.
    body = EXTERNAL.read_bytes()
    created = http.post(f"{api}/credentials", data=body, headers={**auth, "Content-Type": "application/json"}, timeout=60)
    assert created.status_code == 201, created.text
    assert created.json()["id"] == json.loads(body)["id"]
    again = http.post(f"{api}/credentials", data=body, headers={**auth, "Content-Type": "application/json"}, timeout=60)
    assert again.status_code == 200

    first = http.get(f"{api}/credentials", params={"limit": 1}, headers=auth, timeout=30)
    assert first.status_code == 200 and first.headers["X-Total-Count"] == "2"
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    assert [c["id"] for c in first.json()["credential"]] == [issued.credential["id"]]
    assert first.json()["compactJwsString"] == []
    second = http.get(f"{api}/credentials", params={"limit": 1, "offset": 1}, headers=auth, timeout=30)
    assert second.json()["credential"][0]["id"] == json.loads(body)["id"]
    assert 'rel="prev"' in second.headers["Link"] and 'rel="next"' not in second.headers["Link"]

    profile = http.get(f"{api}/profile", headers=auth, timeout=30).json()
    assert profile["type"] == ["Profile"] and profile["name"] == "Earner Tester" and profile["email"] == "earner@example.org"
    renamed = http.put(f"{api}/profile", json={**profile, "name": "Ada Earner"}, headers=auth, timeout=30)
    assert renamed.status_code == 200 and renamed.json()["name"] == "Ada Earner"

    refreshed = http.post(flow["refreshUrl"], timeout=30, headers={"Authorization": basic(client["client_id"], client["client_secret"])},
                          data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    auth = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
    assert http.get(f"{api}/credentials", headers=auth, timeout=30).status_code == 200

    # The earner sees the wallet on the connected-apps page and revokes it.
    apps = browser.get(f"{live_server.url}/connected-apps/", timeout=30)
    assert "Test wallet" in apps.text
    action = re.search(r'action="(/connected-apps/\d+/revoke)"', apps.text).group(1)
    revoked = browser.post(f"{live_server.url}{action}", data={"csrfmiddlewaretoken": _csrf(apps.text)},
                           headers={"Referer": apps.url}, timeout=30)
    assert revoked.status_code == 200 and "Access revoked" in revoked.text
    assert "No app is connected to your account." in revoked.text
    refused = http.get(f"{api}/credentials", headers=auth, timeout=30)
    assert refused.status_code == 401 and refused.json()["imsx_codeMajor"] == "failure"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    stale = http.post(flow["tokenUrl"], timeout=30, headers={"Authorization": basic(client["client_id"], client["client_secret"])},
                      data={"grant_type": "refresh_token", "refresh_token": refreshed.json()["refresh_token"]})
    assert stale.status_code in (400, 401) and stale.json()["error"] == "invalid_grant"
    earner.refresh_from_db()
    assert earner.get_full_name() == "Ada Earner"
