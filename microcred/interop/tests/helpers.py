"""A small Open Badges 3.0 API client for tests: registration metadata, PKCE and the authorization code dance."""
from __future__ import annotations

import base64
import hashlib
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

from microcred.interop import ob3

REDIRECT = "https://wallet.example/callback"
ALL_SCOPES = " ".join([*ob3.OB_SCOPES, ob3.SCOPE_OFFLINE])


def metadata(**overrides) -> dict:
    data = {
        "client_name": "Test wallet", "client_uri": "https://wallet.example/",
        "logo_uri": "https://wallet.example/logo.png", "tos_uri": "https://wallet.example/terms",
        "policy_uri": "https://wallet.example/privacy", "software_id": "c88b6ed8-269e-448e-99be-7e2ff47167d1",
        "software_version": "v1.0", "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"], "scope": ALL_SCOPES,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()
    return verifier, challenge


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def authorize_query(client_id: str, challenge: str, *, scope: str = ALL_SCOPES, state: str = "st-123",
                    redirect_uri: str = REDIRECT, method: str | None = "S256") -> str:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
              "state": state, "code_challenge": challenge}
    if method:
        params["code_challenge_method"] = method
    return urlencode(params)


class FormFields(HTMLParser):
    """The inputs of the consent form (hidden fields carry the request through the earner's answer)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def register(client, **overrides) -> dict:
    response = client.post("/oauth/register", data=metadata(**overrides), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def get_tokens(client, user, registered: dict, *, scope: str = ALL_SCOPES) -> dict:
    """Sign ``user`` in on the Django test client, approve the client, exchange the code: the token response."""
    verifier, challenge = pkce()
    client.force_login(user)
    page = client.get("/oauth/authorize?" + authorize_query(registered["client_id"], challenge, scope=scope))
    assert page.status_code == 200, page.content
    fields = form_fields(page.content.decode())
    fields["allow"] = "Authorize"
    answer = client.post("/oauth/authorize", fields)
    assert answer.status_code == 302, answer.content
    code = query_of(answer["Location"])["code"]
    client.logout()
    response = client.post("/oauth/token", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                            "code_verifier": verifier, "scope": scope},
                           HTTP_AUTHORIZATION=basic(registered["client_id"], registered["client_secret"]))
    assert response.status_code == 200, response.content
    return response.json()


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
